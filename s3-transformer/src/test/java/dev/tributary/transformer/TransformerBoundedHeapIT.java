package dev.tributary.transformer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.common.event.EventSchemas;
import dev.tributary.common.layout.ObjectKeys;
import dev.tributary.common.layout.Partition;
import dev.tributary.common.metadata.DynamoDbMetadataStore;
import dev.tributary.common.metadata.RawObjectMetadata;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;

/**
 * A 100 MB raw object (about 140 MB of JSON Lines) transformed in a JVM whose heap is a fraction of it: the failsafe
 * execution {@code bounded-heap} in this module's POM runs this class with {@code -Xmx64m}. Running out of heap fails
 * the test. It prints the heap it ran in and the end-to-end rate (emulator round trips included).
 */
class TransformerBoundedHeapIT {
    static final long RAW_BYTES = 100L * 1024 * 1024;
    private final TransformerTestBed bed = new TransformerTestBed();

    @AfterEach
    void close() {
        bed.close();
    }

    @Test
    void handleRequest_whenRawObjectIs100MB_streamsItThroughASmallHeap() throws Exception {
        Partition partition = new Partition("page_view", LocalDate.parse("2026-11-22"), 10);
        String first = String.format("4959%052d", 1);
        String rawKey = ObjectKeys.RAW_PREFIX + partition.path() + "/" + bed.resources.streamName()
                + ".shardId-000000000000." + first + ObjectKeys.JSONL_GZ;
        Path file = Files.createTempFile("raw-", ".jsonl.gz");
        SyntheticRawObject.Written raw;
        try {
            try (OutputStream out = Files.newOutputStream(file)) {
                raw = SyntheticRawObject.write(out, RAW_BYTES, 42);
            }
            SyntheticRawObject.Written written = raw;
            bed.s3.putObject(
                    b -> b.bucket(bed.resources.rawBucket())
                            .key(rawKey)
                            .checksumAlgorithm(ChecksumAlgorithm.SHA256)
                            .checksumSHA256(written.sha256()),
                    RequestBody.fromFile(file));
        } finally {
            Files.deleteIfExists(file);
        }
        new DynamoDbMetadataStore(bed.dynamoDb, bed.resources.metadataTable())
                .recordRawObject(
                        new RawObjectMetadata(
                                rawKey,
                                bed.resources.rawBucket(),
                                bed.resources.streamName(),
                                "shardId-000000000000",
                                first,
                                String.format("4959%052d", raw.records()),
                                partition,
                                raw.records(),
                                raw.bytes(),
                                0,
                                raw.sha256()),
                        Instant.now(),
                        Instant.now().plus(Duration.ofDays(90)));
        String event = bed.objectNotifications(1).getFirst().body();
        S3TransformerHandler handler = bed.transformer(
                // A raw object 100 MiB long cannot come from the processor (6 MiB at most), so this streaming test
                // lifts the bomb limit to reach the size it is about.
                Map.of(
                        "UPLOAD_PART_BYTES",
                        "5242880",
                        "UPLOAD_CONCURRENCY",
                        "1",
                        "MAX_DECOMPRESSED_BYTES",
                        String.valueOf(1L << 30)),
                List.of(),
                new EventSchemas());
        resetPeaks();

        long started = System.nanoTime();
        TransformerTestBed.invoke(handler, event);
        double seconds = (System.nanoTime() - started) / 1e9;

        long peakHeap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .mapToLong(pool -> pool.getPeakUsage().getUsed())
                .sum();
        Map<String, AttributeValue> item = bed.metadata(rawKey);
        System.out.printf(
                "bounded-heap: raw=%.1f MB (%d records), -Xmx=%d MB, peak heap pools=%.1f MB, "
                        + "transform %.1f s = %.1f MB/s of raw (emulator round trips included)%n",
                raw.bytes() / 1e6,
                raw.records(),
                Runtime.getRuntime().maxMemory() >> 20,
                peakHeap / 1e6,
                seconds,
                raw.bytes() / 1e6 / seconds);

        assertThat(raw.bytes()).isGreaterThanOrEqualTo(RAW_BYTES);
        assertThat(item.get("status").s()).isEqualTo("PROCESSED");
        assertThat(item.get("records_in").n()).isEqualTo(Long.toString(raw.records()));
        assertThat(item.get("records_out").n()).isEqualTo(Long.toString(raw.unique()));
        assertThat(Long.parseLong(item.get("duplicates_dropped").n()))
                .isEqualTo(raw.records() - raw.unique())
                .isPositive();
        long lines = 0;
        try (var in = bed.s3.getObject(b -> b.bucket(bed.processedBucket).key(ObjectKeys.processedFor(rawKey)));
                BufferedReader reader = new BufferedReader(
                        new InputStreamReader(new GZIPInputStream(in, 65536), StandardCharsets.UTF_8))) {
            while (reader.readLine() != null) {
                lines++;
            }
        }
        assertThat(lines).isEqualTo(raw.unique());
        assertThat(bed.s3
                        .headObject(b -> b.bucket(bed.processedBucket).key(ObjectKeys.processedFor(rawKey)))
                        .contentLength())
                .isGreaterThan(RAW_BYTES / 2);
    }

    private static void resetPeaks() {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }
}
