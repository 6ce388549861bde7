package dev.tributary.devkit;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.kinesis.model.HashKeyRange;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.SequenceNumberRange;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * A one-stream Kinesis that reshards as the Kinesis Data Streams developer guide documents it, for the resharding
 * rule moto 5.2.5 cannot exercise (it keeps writing to closed shards). Kinesis Data Streams developer guide,
 * "Complete the resharding action": "CLOSED: After a reshard operation, the parent shard transitions to a CLOSED
 * state. This means that data records are no longer added to the shard. Data records that would have been added to
 * this shard are now added to a child shard instead. However, data records can still be retrieved from the shard for
 * a limited time." and "When getRecordsResult.getNextShardIterator returns null, it indicates that you have read all
 * the data in the parent shard."
 * Only the three calls the simulator makes are answered.
 */
final class DocumentedReshardingStream implements KinesisClient {
    private static final BigInteger MAX_HASH = BigInteger.TWO.pow(128).subtract(BigInteger.ONE);

    private static final class Stored {
        final String id;
        final BigInteger start;
        final BigInteger end;
        final String parent;
        final String adjacentParent;
        final List<Record> records = new ArrayList<>();
        boolean closed;

        Stored(String id, BigInteger start, BigInteger end, String parent, String adjacentParent) {
            this.id = id;
            this.start = start;
            this.end = end;
            this.parent = parent;
            this.adjacentParent = adjacentParent;
        }
    }

    private final Map<String, Stored> shards = new LinkedHashMap<>();
    private BigInteger nextSequence = new BigInteger("49590338271490256608559692538361571095921575989136588898");

    DocumentedReshardingStream() {
        add(BigInteger.ZERO, MAX_HASH, null, null);
    }

    private String add(BigInteger start, BigInteger end, String parent, String adjacentParent) {
        String id = "shardId-%012d".formatted(shards.size());
        shards.put(id, new Stored(id, start, end, parent, adjacentParent));
        return id;
    }

    /** PutRecord: the open shard whose hash key range holds the MD5 of the partition key. */
    String put(String partitionKey, String data) {
        BigInteger hash = md5(partitionKey);
        Stored shard = shards.values().stream()
                .filter(s -> !s.closed && s.start.compareTo(hash) <= 0 && hash.compareTo(s.end) <= 0)
                .findFirst()
                .orElseThrow();
        nextSequence = nextSequence.add(BigInteger.valueOf(1_000_003));
        shard.records.add(Record.builder()
                .partitionKey(partitionKey)
                .sequenceNumber(nextSequence.toString())
                .data(SdkBytes.fromUtf8String(data))
                .approximateArrivalTimestamp(Instant.now())
                .build());
        return shard.id;
    }

    /** SplitShard at the middle of the shard's range; returns the two children. */
    List<String> split(String shardId) {
        Stored parent = shards.get(shardId);
        parent.closed = true;
        BigInteger middle = parent.start.add(parent.end).shiftRight(1);
        return List.of(
                add(parent.start, middle, shardId, null), add(middle.add(BigInteger.ONE), parent.end, shardId, null));
    }

    /** MergeShards of two adjacent shards; returns the child. */
    String merge(String shardId, String adjacentShardId) {
        Stored first = shards.get(shardId);
        Stored second = shards.get(adjacentShardId);
        first.closed = true;
        second.closed = true;
        return add(first.start.min(second.start), first.end.max(second.end), shardId, adjacentShardId);
    }

    @Override
    public ListShardsResponse listShards(ListShardsRequest request) {
        List<Shard> listed = new ArrayList<>();
        for (Stored shard : shards.values()) {
            SequenceNumberRange.Builder range = SequenceNumberRange.builder().startingSequenceNumber("0");
            if (shard.closed) {
                range.endingSequenceNumber(
                        shard.records.isEmpty() ? "0" : shard.records.getLast().sequenceNumber());
            }
            listed.add(Shard.builder()
                    .shardId(shard.id)
                    .parentShardId(shard.parent)
                    .adjacentParentShardId(shard.adjacentParent)
                    .sequenceNumberRange(range.build())
                    .hashKeyRange(HashKeyRange.builder()
                            .startingHashKey(shard.start.toString())
                            .endingHashKey(shard.end.toString())
                            .build())
                    .build());
        }
        return ListShardsResponse.builder().shards(listed).build();
    }

    @Override
    public GetShardIteratorResponse getShardIterator(GetShardIteratorRequest request) {
        Stored shard = shards.get(request.shardId());
        int position = 0;
        if (request.shardIteratorType() == ShardIteratorType.AFTER_SEQUENCE_NUMBER) {
            BigInteger after = new BigInteger(request.startingSequenceNumber());
            while (position < shard.records.size()
                    && new BigInteger(shard.records.get(position).sequenceNumber()).compareTo(after) <= 0) {
                position++;
            }
        }
        return GetShardIteratorResponse.builder()
                .shardIterator(shard.id + "/" + position)
                .build();
    }

    @Override
    public GetRecordsResponse getRecords(GetRecordsRequest request) {
        String[] iterator = request.shardIterator().split("/");
        Stored shard = shards.get(iterator[0]);
        int from = Integer.parseInt(iterator[1]);
        int to = Math.min(shard.records.size(), from + request.limit());
        boolean end = shard.closed && to == shard.records.size();
        return GetRecordsResponse.builder()
                .records(List.copyOf(shard.records.subList(from, to)))
                .nextShardIterator(end ? null : shard.id + "/" + to)
                .millisBehindLatest(0L)
                .build();
    }

    @Override
    public String serviceName() {
        return "kinesis";
    }

    @Override
    public void close() {}

    private static BigInteger md5(String key) {
        try {
            return new BigInteger(1, MessageDigest.getInstance("MD5").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
