package dev.tributary.devkit;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * The reading half of {@link KinesisEventSourceSimulator}: which shard to read next (parents before children) and
 * reading one from its checkpoint, backing off when Kinesis throttles.
 */
final class KinesisShardReader {
    /** Consecutive throttled reads after which the simulator stops instead of hanging a test. */
    static final int MAX_CONSECUTIVE_THROTTLES = 40;

    private static final Duration FIRST_BACKOFF = Duration.ofMillis(20);
    private static final Duration MAX_BACKOFF = Duration.ofMillis(500);

    /** Records read from a shard and whether the shard has ended (closed by a reshard and read to its end). */
    record Read(List<Record> records, boolean ended, int throttled) {}

    private final KinesisClient kinesis;

    KinesisShardReader(KinesisClient kinesis) {
        this.kinesis = kinesis;
    }

    /** Every shard of the stream, open and closed, as ListShards pages them. */
    List<Shard> shards(String streamName) {
        List<Shard> shards = new ArrayList<>();
        String token = null;
        do {
            String page = token;
            var response = page == null
                    ? kinesis.listShards(b -> b.streamName(streamName))
                    : kinesis.listShards(b -> b.nextToken(page));
            shards.addAll(response.shards());
            token = response.nextToken();
        } while (token != null);
        return shards;
    }

    /**
     * The shards with every parent before its children, otherwise in the order given. Kinesis Data Streams developer
     * guide, "Complete the resharding action"
     * (https://docs.aws.amazon.com/streams/latest/dev/kinesis-using-sdk-java-after-resharding.html): "Therefore,
     * assuming that the order of the data is important, you should, after a reshard, always continue to read data
     * from the parent shards until it is exhausted. Only then should you begin reading data from the child shards."
     */
    static List<Shard> parentsFirst(List<Shard> shards) {
        Map<String, Shard> byId = new LinkedHashMap<>();
        shards.forEach(shard -> byId.put(shard.shardId(), shard));
        List<Shard> ordered = new ArrayList<>();
        Map<String, Boolean> placed = new LinkedHashMap<>();
        for (Shard shard : shards) {
            Deque<Shard> path = new ArrayDeque<>();
            place(shard, byId, placed, ordered, path);
        }
        return ordered;
    }

    private static void place(
            Shard shard, Map<String, Shard> byId, Map<String, Boolean> placed, List<Shard> ordered, Deque<Shard> path) {
        if (placed.containsKey(shard.shardId()) || path.contains(shard)) {
            return;
        }
        path.push(shard);
        for (String parent : parents(shard)) {
            Shard parentShard = byId.get(parent);
            // "EXPIRED: [...] Calls to getStreamDescription().getShards to enumerate the shards in the stream do not
            // include EXPIRED shards in the list shards returned." An unlisted parent has nothing left to read.
            if (parentShard != null) {
                place(parentShard, byId, placed, ordered, path);
            }
        }
        path.pop();
        placed.put(shard.shardId(), true);
        ordered.add(shard);
    }

    static List<String> parents(Shard shard) {
        List<String> parents = new ArrayList<>(2);
        if (shard.parentShardId() != null) {
            parents.add(shard.parentShardId());
        }
        if (shard.adjacentParentShardId() != null) {
            parents.add(shard.adjacentParentShardId());
        }
        return parents;
    }

    /** Reads {@code shard} after {@code checkpoint} (from its start when null) until it is caught up or ended. */
    Read read(String streamName, String streamArn, Shard shard, String checkpoint) {
        String iterator = kinesis.getShardIterator(b -> {
                    b.streamName(streamName).shardId(shard.shardId());
                    if (checkpoint == null) {
                        b.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
                    } else {
                        b.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                                .startingSequenceNumber(checkpoint);
                    }
                })
                .shardIterator();
        boolean closed = shard.sequenceNumberRange() != null
                && shard.sequenceNumberRange().endingSequenceNumber() != null;
        List<Record> records = new ArrayList<>();
        int throttled = 0;
        int consecutive = 0;
        for (int emptyReads = 0; emptyReads < 2; ) {
            String current = iterator;
            GetRecordsResponse response;
            try {
                // The stream's ARN goes along so the call can be authorized against the function's role (its
                // iterator alone names no resource): Lambda reads the stream with the execution role's permissions.
                response = kinesis.getRecords(
                        b -> b.shardIterator(current).streamARN(streamArn).limit(1000));
            } catch (ProvisionedThroughputExceededException e) {
                // Kinesis API reference, GetRecords, ProvisionedThroughputExceededException: "The request rate for
                // the stream is too high, or the requested data is too large for the available throughput. Reduce
                // the frequency or size of your requests." The same iterator is read again after a pause: nothing
                // was returned, so nothing is skipped or read twice. Lambda developer guide, "Using AWS Lambda with
                // Amazon Kinesis" (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html), Retry attempts:
                // "This doesn't apply to service errors or throttles where the batch didn't reach the function."
                throttled++;
                if (++consecutive >= MAX_CONSECUTIVE_THROTTLES) {
                    throw new IllegalStateException(
                            "GetRecords on " + shard.shardId() + " throttled " + consecutive
                                    + " times in a row; Lambda would keep retrying, the simulator stops here",
                            e);
                }
                sleep(backoff(consecutive));
                continue;
            }
            consecutive = 0;
            records.addAll(response.records());
            iterator = response.nextShardIterator();
            if (iterator == null) {
                // "Complete the resharding action": "When getRecordsResult.getNextShardIterator returns null, it
                // indicates that you have read all the data in the parent shard."
                return new Read(records, true, throttled);
            }
            boolean caughtUp = response.records().isEmpty()
                    && (response.millisBehindLatest() == null || response.millisBehindLatest() == 0);
            if (caughtUp && closed) {
                // A closed shard read to its end (some emulators never answer with a null iterator).
                return new Read(records, true, throttled);
            }
            if (caughtUp) {
                break;
            }
            emptyReads = response.records().isEmpty() ? emptyReads + 1 : 0;
        }
        return new Read(records, false, throttled);
    }

    static Duration backoff(int consecutiveThrottles) {
        long millis = FIRST_BACKOFF.toMillis() << Math.min(consecutiveThrottles - 1, 10);
        return Duration.ofMillis(Math.min(millis, MAX_BACKOFF.toMillis()));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while backing off a throttled GetRecords", e);
        }
    }
}
