package dev.tributary.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.toolkit.LambdaEvents;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * A full batch at Lambda's 6 MB invoke payload limit, processed in a JVM whose heap is capped at a small multiple
 * of it (the failsafe execution {@code bounded-heap} in this module's POM sets {@code -Xmx}). Running out of heap
 * fails the test; it also prints the handler's records per second.
 */
class ProcessorBoundedHeapIT {
    static final int RECORDS = 3000;
    private final ProcessorTestBed bed = new ProcessorTestBed(1);

    @AfterEach
    void close() {
        bed.close();
    }

    static List<Record> fullBatch(String shardSalt) {
        List<Record> records = new ArrayList<>(RECORDS);
        String padding = "x".repeat(900);
        Instant arrival = Instant.parse("2026-11-22T10:30:00Z");
        for (int i = 0; i < RECORDS; i++) {
            String type = switch (i % 3) {
                case 0 -> "page_view";
                case 1 -> "sensor_reading";
                default -> "payment";
            };
            String payload = switch (type) {
                case "page_view" ->
                    "{\"page_url\":\"https://shop.example.com/p/" + i + "\",\"tti_ms\":" + (i % 5000)
                            + ",\"ttar_ms\":120,\"user_agent\":\"" + padding + "\"}";
                case "sensor_reading" ->
                    "{\"device_id\":\"d-" + (i % 40) + "\",\"metric\":\"temperature\",\"value\":" + (i % 50)
                            + ".5,\"unit\":\"C\",\"context\":\"" + padding + "\"}";
                default ->
                    "{\"transaction_id\":\"t-" + i + "\",\"amount\":\"" + (i % 900) + ".99\",\"currency\":\"EUR\","
                            + "\"status\":\"captured\",\"context\":\"" + padding + "\"}";
            };
            String json = "{\"event_id\":\"" + shardSalt + "-" + i + "\",\"event_type\":\"" + type
                    + "\",\"event_time\":\"2026-11-22T1" + (i % 3)
                    + ":15:00Z\",\"source\":\"bench\",\"schema_version\":1,"
                    + "\"payload\":" + payload + "}";
            records.add(Record.builder()
                    .sequenceNumber(String.format("4959%052d", i))
                    .partitionKey("k" + i)
                    .approximateArrivalTimestamp(arrival)
                    .data(SdkBytes.fromUtf8String(json))
                    .build());
        }
        return records;
    }

    @Test
    void handleRequest_whenFullSixMegabyteBatch_succeedsInSmallHeap() {
        long maxHeap = Runtime.getRuntime().maxMemory();
        KinesisProcessorHandler handler = bed.handler();
        double bestRate = 0;
        int eventBytes = 0;
        for (int run = 0; run < 4; run++) {
            String shard = "shardId-00000000000" + run; // fresh keys each run: every run writes, none is a no-op
            String json = LambdaEvents.kinesisEventJson(
                    bed.resources.streamArn(), shard, bed.emulator.region(), fullBatch("run" + run));
            eventBytes = json.length();
            byte[] payload = json.getBytes(StandardCharsets.UTF_8); // what the runtime receives and passes on
            json = null;
            long started = System.nanoTime();
            var response = LambdaEvents.invoke(handler, payload, null); // reading the payload counts, as in Lambda
            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(response.getBatchItemFailures()).isEmpty();
            bestRate = Math.max(bestRate, RECORDS / seconds);
        }
        long peakHeap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == java.lang.management.MemoryType.HEAP)
                .mapToLong(pool -> pool.getPeakUsage().getUsed())
                .sum();
        System.out.printf(
                "bounded-heap: event=%.1f MB, -Xmx=%d MB, peak heap pools=%.1f MB, best %.0f records/s "
                        + "(emulator round trips included)%n",
                eventBytes / 1e6, maxHeap >> 20, peakHeap / 1e6, bestRate);

        assertThat(eventBytes).isGreaterThan(5_500_000).isLessThan(6_291_456);
        assertThat(bed.rawObjects().values().stream().mapToInt(List::size).sum())
                .isEqualTo(4 * RECORDS);
    }
}
