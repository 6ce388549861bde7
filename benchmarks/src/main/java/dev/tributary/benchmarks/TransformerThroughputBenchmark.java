package dev.tributary.benchmarks;

import dev.tributary.common.io.GzipJsonLinesWriter;
import dev.tributary.transformer.StreamTransformer;
import dev.tributary.transformer.enrich.EnrichmentConfig;
import dev.tributary.transformer.enrich.PiiHasher;
import dev.tributary.transformer.enrich.RecordEnricher;
import dev.tributary.transformer.enrich.ReferenceData;
import dev.tributary.transformer.enrich.UserAgentClassifier;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One raw {@code page_view} object (as the processor writes it) through the s3-transformer's streaming transform
 * ({@link #transformObject}: gunzip, parse, enrich, PII hashing, de-duplication, gzip), against the floor of the
 * same bytes: gunzip and gzip again at the same level ({@link #floorGunzipGzip}). S3 is not involved: the transform
 * reads and writes streams, which is where its CPU goes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 8, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx1g", "-Xms1g", "-XX:+UseSerialGC"})
public class TransformerThroughputBenchmark {
    @Param({"6"})
    public int gzipLevel;

    byte[] rawObject;
    int records;
    long uncompressedBytes;
    private StreamTransformer transformer;
    private PiiHasher pii;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        // The page_view share of a five-batch shard: about 5,000 records, 5 MB of JSON Lines.
        BenchmarkBatch batch = new BenchmarkBatch(5 * BenchmarkBatch.FULL_BATCH_RECORDS, "shardId-000000000000", 7);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (GzipJsonLinesWriter writer = new GzipJsonLinesWriter(raw, gzipLevel)) {
            for (byte[] data : batch.recordData()) {
                String json = new String(data, StandardCharsets.UTF_8);
                if (json.contains("\"event_type\":\"page_view\"") && json.contains("\"source\":")) {
                    writer.writeLine(data);
                    records++;
                    uncompressedBytes += data.length + 1;
                }
            }
        }
        rawObject = raw.toByteArray();
        EnrichmentConfig enrichment = EnrichmentConfig.defaultConfig();
        ReferenceData referenceData = new ReferenceData(
                enrichment.referenceData(),
                (uri, maxBytes) -> {
                    throw new IOException("the benchmark has no reference data: " + uri);
                },
                1 << 20);
        transformer = new StreamTransformer(
                new RecordEnricher(enrichment, new UserAgentClassifier(1024), referenceData),
                new StreamTransformer.Limits(4L << 30, 1 << 20),
                gzipLevel);
        pii = new PiiHasher(new byte[32]);
    }

    @Benchmark
    public StreamTransformer.Summary transformObject() throws Exception {
        return transformer.transform(
                new ByteArrayInputStream(rawObject),
                new ByteArrayOutputStream(rawObject.length),
                "page_view",
                Instant.parse("2026-11-22T12:31:00Z"),
                pii);
    }

    @Benchmark
    public int floorGunzipGzip() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(rawObject.length);
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(rawObject), 64 * 1024);
                OutputStream gzip = new GzipJsonLinesWriterSink(out, gzipLevel)) {
            in.transferTo(gzip);
        }
        return out.size();
    }

    /** A gzip stream at {@code level} with the same 64 KiB buffers the pipeline's writer uses. */
    private static final class GzipJsonLinesWriterSink extends java.util.zip.GZIPOutputStream {
        GzipJsonLinesWriterSink(OutputStream out, int level) throws IOException {
            super(out, 64 * 1024);
            def.setLevel(level);
        }
    }
}
