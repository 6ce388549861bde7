package dev.tributary.benchmarks;

import dev.tributary.benchmarks.processor.OfflineProcessor;
import dev.tributary.common.aws.OfflineHttpClient;
import dev.tributary.common.io.GzipJsonLinesWriter;
import dev.tributary.common.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One full 3,000-record batch through the kinesis-processor ({@link #processBatch}), against the floor of the same
 * work ({@link #floorParseAndGzip}): parse each record with Jackson and gzip all of them, at the same level, into
 * memory. The report divides the two, so the machine's speed (and its neighbours) cancel out.
 *
 * <p>{@code processBatch} gets the 6 MB invoke payload's bytes, as the runtime hands them to the handler (a
 * {@code RequestStreamHandler}: the runtime deserialises nothing), and includes everything the function does with
 * them: reading the event JSON, validation, grouping, gzip, SHA-256, and the S3, DynamoDB and SQS calls through the
 * real SDK clients, answered in-process by {@link OfflineHttpClient}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 8, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx1g", "-Xms1g", "-XX:+UseSerialGC"})
public class ProcessorThroughputBenchmark {

    /** {@code GZIP_LEVEL}, for processor and floor alike. */
    @Param({"6"})
    public int gzipLevel;

    /** {@code created}: every PUT is new (200). {@code retried}: every key exists (412, HEAD, same checksum). */
    @Param({"created"})
    public String s3Path;

    private BenchmarkBatch batch;
    private OfflineProcessor processor;

    @Setup(Level.Trial)
    public void setUp() {
        batch = new BenchmarkBatch(BenchmarkBatch.FULL_BATCH_RECORDS, "shardId-000000000000", 42);
        OfflineHttpClient http = switch (s3Path) {
            case "created" -> OfflineHttpClient.forgetful();
            case "retried" -> OfflineHttpClient.rememberingObjects();
            default -> throw new IllegalArgumentException("s3Path must be created or retried, was " + s3Path);
        };
        processor = new OfflineProcessor(http, gzipLevel);
        if (s3Path.equals("retried")) {
            processBatch(); // write every key once, so each measured PUT meets an existing object
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        processor.close();
    }

    @Benchmark
    public byte[] processBatch() {
        return processor.handle(batch.eventJson());
    }

    @Benchmark
    public void floorParseAndGzip(Blackhole blackhole) throws IOException {
        blackhole.consume(parseAndGzip(batch, gzipLevel));
    }

    /** The floor: Jackson parses every record; every record is gzipped, in one stream, into a byte buffer. */
    static int parseAndGzip(BenchmarkBatch batch, int gzipLevel) throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream((int) (batch.recordBytes() / 3));
        int fields = 0;
        try (GzipJsonLinesWriter gzip = new GzipJsonLinesWriter(compressed, gzipLevel)) {
            for (byte[] data : batch.recordData()) {
                fields += Json.mapper().readTree(data).size();
                gzip.writeLine(data);
            }
        }
        return fields + compressed.size();
    }
}
