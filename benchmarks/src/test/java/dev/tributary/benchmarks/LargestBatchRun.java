package dev.tributary.benchmarks;

import dev.tributary.benchmarks.processor.OfflineProcessor;
import dev.tributary.common.aws.OfflineHttpClient;
import dev.tributary.toolkit.LambdaEvents;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * One cold handling of the largest batch Lambda can deliver, in a JVM of its own (started by
 * {@link LargestBatchTest} with the heap it is allowed): {@code LargestBatchRun kilobyte|small}. Prints
 * {@code records bytes wallMillis failures peakHeapBytes processCpuMillis}.
 */
public final class LargestBatchRun {
    /** Lambda's invocation payload quota for a synchronous invoke (the event source mapping's): 6 MB. */
    static final int MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
    /** The Kinesis event source mapping's largest BatchSize. */
    static final int MAX_RECORDS = 10_000;

    private LargestBatchRun() {}

    public static void main(String[] args) {
        Payload batch = args[0].equals("kilobyte") ? largestKilobyteBatch() : smallRecordsBatch();
        byte[] payload = batch.json();
        long started = System.nanoTime();
        int failures;
        try (OfflineProcessor processor = new OfflineProcessor(OfflineHttpClient.forgetful(), 6)) {
            // The handler reads the payload's bytes itself, as the runtime hands them over.
            failures = LambdaEvents.streamsEventResponse(processor.handle(payload))
                    .getBatchItemFailures()
                    .size();
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        // The whole process's CPU time (JVM start, class loading, JIT and GC threads included): on a loaded machine
        // wall time says more about the neighbours than about the handler.
        long cpuMillis = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime()
                / 1_000_000;
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed(); // pools peak at different times: an upper bound
            }
        }
        System.out.println(
                batch.records() + " " + payload.length + " " + millis + " " + failures + " " + peak + " " + cpuMillis);
    }

    /** As many of the benchmark's ~1.1 KB events as fit in the payload quota. */
    static Payload largestKilobyteBatch() {
        int records = BenchmarkBatch.FULL_BATCH_RECORDS;
        byte[] json = new BenchmarkBatch(records, "shardId-000000000000", 42).eventJson();
        while (json.length + json.length / records <= MAX_PAYLOAD_BYTES) {
            records += Math.max(1, (MAX_PAYLOAD_BYTES - json.length) / (json.length / records + 1));
            json = new BenchmarkBatch(records, "shardId-000000000000", 42).eventJson();
        }
        while (json.length > MAX_PAYLOAD_BYTES) {
            records--;
            json = new BenchmarkBatch(records, "shardId-000000000000", 42).eventJson();
        }
        return new Payload(json, records);
    }

    /**
     * The most records a batch can hold: up to 10,000 (the largest BatchSize) of the smallest valid events (119 bytes,
     * a type the default schema accepts) that fit the payload quota. Lambda's event adds about 500 bytes of fields
     * per record (sequence number, event id, ARNs) to the base64 data, so about 8,800 fit, not 10,000.
     */
    static Payload smallRecordsBatch() {
        int count = MAX_RECORDS;
        byte[] json = smallRecords(count);
        while (json.length > MAX_PAYLOAD_BYTES) {
            count -= Math.max(1, (json.length - MAX_PAYLOAD_BYTES) / (json.length / count) + 1);
            json = smallRecords(count);
        }
        return new Payload(json, count);
    }

    /** An invoke payload and how many records it holds. */
    record Payload(byte[] json, int records) {}

    private static byte[] smallRecords(int count) {
        List<Record> records = new ArrayList<>(count);
        Instant arrival = Instant.parse("2026-11-22T12:30:00Z");
        for (int i = 0; i < count; i++) {
            String json = String.format(
                    "{\"event_id\":\"e-%04d\",\"event_type\":\"t\",\"event_time\":"
                            + "\"2026-11-22T12:10:00Z\",\"source\":\"f\",\"schema_version\":1,\"payload\":{}}",
                    i);
            records.add(Record.builder()
                    .sequenceNumber(String.format("4959%052d", i))
                    .partitionKey("k" + i)
                    .approximateArrivalTimestamp(arrival.plusMillis(i))
                    .data(SdkBytes.fromByteArrayUnsafe(json.getBytes(StandardCharsets.UTF_8)))
                    .build());
        }
        return LambdaEvents.kinesisEventJson(
                        BenchmarkBatch.STREAM_ARN, "shardId-000000000000", Region.US_EAST_1, records)
                .getBytes(StandardCharsets.UTF_8);
    }
}
