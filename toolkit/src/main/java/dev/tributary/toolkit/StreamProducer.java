package dev.tributary.toolkit;

import dev.tributary.toolkit.KplAggregator.UserRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Puts user records on a stream with PutRecords, as a fleet of producers of which a share use the Kinesis Producer
 * Library's aggregation: the one producer of {@code tributary produce}, the demo and the soak.
 *
 * <p>Records come in runs of {@link #PRODUCER_RUN} consecutive user records, each from one producer; a run from a
 * KPL producer (chosen with probability {@code kplShare}) is packed into aggregates of at most
 * {@code aggregateMaxBytes} (the KPL's {@code AggregationMaxSize}, default 51,200). An aggregate is put with its
 * first user record's partition key, so all its user records land on that key's shard (the KPL only aggregates
 * records bound for one shard). Entries Kinesis refuses are retried with exponential backoff. Every user record
 * the stream accepted is reported with its shard, sequence number and sub-sequence number (its index in the
 * aggregate, or -1), which is how the processor names it.
 */
public final class StreamProducer {
    /** Consecutive user records that come from one producer. */
    public static final int PRODUCER_RUN = 200;
    /** PutRecords' limits: "Each PutRecords request can support up to 500 records", "up to 5 MiB". */
    static final int MAX_ENTRIES = 500;

    static final int MAX_REQUEST_BYTES = 5 * 1024 * 1024;

    private final KinesisClient kinesis;
    private final String stream;
    private final Settings settings;
    private final SplittableRandom producers;
    private final SplittableRandom jitter = new SplittableRandom();
    private final Tally tally = new Tally();
    private long sent;
    private boolean kplRun;

    /**
     * @param kplShare          share (0 to 1) of user records that come from KPL-aggregating producers
     * @param aggregateMaxBytes the largest aggregate, magic and MD5 included
     * @param maxAttempts       PutRecords attempts per entry before it counts as failed
     * @param seed              which runs are aggregated
     */
    public record Settings(double kplShare, int aggregateMaxBytes, int maxAttempts, long seed) {
        public Settings {
            if (kplShare < 0 || kplShare > 1) {
                throw new IllegalArgumentException("the KPL share must be between 0 and 1, was " + kplShare);
            }
            if (aggregateMaxBytes < 64 || aggregateMaxBytes > 1024 * 1024) {
                throw new IllegalArgumentException(
                        "the aggregate size must be 64 bytes to 1 MiB, was " + aggregateMaxBytes);
            }
        }

        /** Plain records only. */
        public static Settings plain(int maxAttempts) {
            return new Settings(0, KplAggregator.DEFAULT_MAX_BYTES, maxAttempts, 0);
        }
    }

    /** One user record the stream accepted, and where. */
    public record Accepted(String shardId, String sequenceNumber, int subSequenceNumber, byte[] data) {}

    /** What the producer did so far. */
    public static final class Tally {
        public long userRecords;
        public long kinesisRecords;
        public long aggregates;
        public long aggregatedUserRecords;
        public long retried;
        public long failed;
        public long calls;
    }

    public StreamProducer(KinesisClient kinesis, String stream, Settings settings) {
        this.kinesis = kinesis;
        this.stream = stream;
        this.settings = settings;
        this.producers = new SplittableRandom(settings.seed());
    }

    public Tally tally() {
        return tally;
    }

    /** Puts {@code records} (in order, as Kinesis entries of up to 500 per call) and reports each one accepted. */
    public void send(List<UserRecord> records, Consumer<Accepted> accepted) {
        List<Entry> entries = new ArrayList<>();
        List<UserRecord> aggregating = new ArrayList<>();
        for (UserRecord record : records) {
            if (sent++ % PRODUCER_RUN == 0) {
                entries.addAll(aggregated(aggregating));
                aggregating.clear();
                kplRun = settings.kplShare() > 0 && producers.nextDouble() < settings.kplShare();
            }
            if (kplRun) {
                aggregating.add(record);
            } else {
                entries.add(new Entry(record.partitionKey(), record.data(), List.of(record), false));
            }
        }
        entries.addAll(aggregated(aggregating));
        int start = 0;
        while (start < entries.size()) {
            int end = start;
            long bytes = 0;
            while (end < entries.size()
                    && end - start < MAX_ENTRIES
                    && (end == start || bytes + entries.get(end).size() <= MAX_REQUEST_BYTES)) {
                bytes += entries.get(end++).size();
            }
            put(entries.subList(start, end), accepted);
            start = end;
        }
    }

    private List<Entry> aggregated(List<UserRecord> records) {
        List<Entry> entries = new ArrayList<>();
        for (List<UserRecord> run : KplAggregator.pack(records, settings.aggregateMaxBytes())) {
            entries.add(new Entry(run.getFirst().partitionKey(), KplAggregator.aggregate(run), run, true));
        }
        return entries;
    }

    private void put(List<Entry> entries, Consumer<Accepted> accepted) {
        List<Entry> pending = entries;
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            List<Entry> batch = pending;
            List<PutRecordsRequestEntry> request =
                    batch.stream().map(Entry::request).toList();
            PutRecordsResponse response =
                    kinesis.putRecords(b -> b.streamName(stream).records(request));
            tally.calls++;
            List<Entry> refused = new ArrayList<>();
            List<PutRecordsResultEntry> results = response.records(); // in request order
            for (int i = 0; i < results.size(); i++) {
                PutRecordsResultEntry result = results.get(i);
                Entry entry = batch.get(i);
                if (result.errorCode() != null) {
                    refused.add(entry);
                    continue;
                }
                tally.kinesisRecords++;
                tally.userRecords += entry.users().size();
                if (entry.aggregated()) {
                    tally.aggregates++;
                    tally.aggregatedUserRecords += entry.users().size();
                }
                for (int sub = 0; sub < entry.users().size(); sub++) {
                    accepted.accept(new Accepted(
                            result.shardId(),
                            result.sequenceNumber(),
                            entry.aggregated() ? sub : -1,
                            entry.users().get(sub).data()));
                }
            }
            if (refused.isEmpty()) {
                return;
            }
            if (attempt >= settings.maxAttempts()) {
                tally.failed +=
                        refused.stream().mapToLong(e -> e.users().size()).sum();
                return;
            }
            tally.retried += refused.stream().mapToLong(e -> e.users().size()).sum();
            sleep(Math.min(5_000, (long) (50 * Math.pow(2, attempt - 1))) + jitter.nextInt(50));
            pending = refused;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** One Kinesis record to put: a plain user record or an aggregate of several. */
    private record Entry(String partitionKey, byte[] data, List<UserRecord> users, boolean aggregated) {
        long size() {
            return data.length + partitionKey.length();
        }

        PutRecordsRequestEntry request() {
            return PutRecordsRequestEntry.builder()
                    .partitionKey(partitionKey)
                    .data(SdkBytes.fromByteArrayUnsafe(data))
                    .build();
        }
    }
}
