package dev.tributary.transformer;

import dev.tributary.transformer.enrich.EnrichmentConfig;
import dev.tributary.transformer.enrich.PiiHasher;
import dev.tributary.transformer.enrich.RecordEnricher;
import dev.tributary.transformer.enrich.UserAgentClassifier;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A timing harness, not a test: the transform's CPU throughput (no S3) as a ratio to plain gunzip + gzip of the same
 * object at the same level, the floor any streaming transform pays. Prints, asserts nothing.
 *
 * <pre>
 * ./mvnw -B -o -pl s3-transformer -am test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.tributary.transformer.TransformThroughput [-Dexec.args=64]   # MiB of raw object
 * </pre>
 */
public final class TransformThroughput {
    private TransformThroughput() {}

    public static void main(String[] args) throws Exception {
        long mebibytes = args.length > 0 ? Long.parseLong(args[0]) : 32;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream((int) (mebibytes << 20) + (1 << 20));
        SyntheticRawObject.Written raw = SyntheticRawObject.write(buffer, mebibytes << 20, 7);
        byte[] bytes = buffer.toByteArray();
        StreamTransformer transformer = new StreamTransformer(
                new RecordEnricher(EnrichmentConfig.defaultConfig(), new UserAgentClassifier(10_000), null),
                new StreamTransformer.Limits(Long.MAX_VALUE, 4 << 20),
                6);
        byte[] key = "tributary-benchmark-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
        Instant ingested = Instant.parse("2026-11-22T11:00:00Z");

        double baseline = 0;
        double transform = 0;
        for (int round = 0; round < 4; round++) { // round 0 warms the JIT up
            long started = System.nanoTime();
            gunzipGzip(new ByteArrayInputStream(bytes), OutputStream.nullOutputStream());
            double baselineRate = bytes.length / 1e6 / ((System.nanoTime() - started) / 1e9);
            started = System.nanoTime();
            transformer.transform(
                    new ByteArrayInputStream(bytes),
                    OutputStream.nullOutputStream(),
                    "page_view",
                    ingested,
                    new PiiHasher(key));
            double transformRate = bytes.length / 1e6 / ((System.nanoTime() - started) / 1e9);
            if (round > 0) {
                baseline = Math.max(baseline, baselineRate);
                transform = Math.max(transform, transformRate);
            }
        }
        System.out.printf(
                "raw object: %.1f MB gzip, %d page views; best of 3 after warm-up, one thread:%n",
                bytes.length / 1e6, raw.records());
        System.out.printf("  gunzip + gzip -6       : %6.1f MB/s of raw%n", baseline);
        System.out.printf("  transform (default cfg): %6.1f MB/s of raw%n", transform);
        System.out.printf("  ratio transform/baseline: %.2f%n", transform / baseline);
    }

    private static void gunzipGzip(InputStream raw, OutputStream sink) throws IOException {
        try (InputStream in = new GZIPInputStream(raw, 64 * 1024);
                OutputStream out = new GZIPOutputStream(sink, 64 * 1024) {
                    {
                        def.setLevel(Deflater.DEFAULT_COMPRESSION);
                    }
                }) {
            in.transferTo(out);
        }
    }
}
