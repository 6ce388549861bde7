package dev.tributary.transformer.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tributary.transformer.StreamTransformer;
import dev.tributary.transformer.TransformFailure;
import dev.tributary.transformer.enrich.EnrichmentConfig;
import dev.tributary.transformer.enrich.PiiHasher;
import dev.tributary.transformer.enrich.RecordEnricher;
import dev.tributary.transformer.enrich.UserAgentClassifier;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/**
 * Fuzzes the raw-object reader (gunzip → lines → JSON → enrich → gzip): whatever a raw object holds, the transform
 * either succeeds with consistent counts or fails with a {@link TransformFailure} naming why (the object is then
 * marked FAILED); any other exception would be retried until the dead-letter queue, a crash loop in slow motion.
 *
 * <p>The first input byte picks the layer: odd, the rest is fed as the compressed object (exercising gzip
 * handling and the bomb limits); even, the rest is gzipped first (exercising line and JSON handling).
 * Replays the committed corpus ({@code RawObjectReaderFuzzITInputs/read/}); {@link RawObjectReaderFuzzer} and
 * {@code scripts/fuzz.sh} fuzz for a bounded time.
 */
class RawObjectReaderFuzzIT {
    private static final StreamTransformer TRANSFORMER = new StreamTransformer(
            new RecordEnricher(EnrichmentConfig.defaultConfig(), new UserAgentClassifier(100), null),
            new StreamTransformer.Limits(8L << 20, 256 * 1024),
            1);
    private static final PiiHasher PII =
            new PiiHasher("fuzzing-key-0123456789abcdef-0123".getBytes(StandardCharsets.UTF_8));
    private static final Instant INGESTED = Instant.parse("2026-11-22T10:00:00Z");

    @FuzzTest(maxDuration = "30s")
    void read(byte[] data) {
        if (data.length == 0) {
            return;
        }
        byte[] body = Arrays.copyOfRange(data, 1, data.length);
        byte[] object = (data[0] & 1) == 1 ? body : gzip(body);
        try {
            StreamTransformer.Summary summary = TRANSFORMER.transform(
                    new ByteArrayInputStream(object), new ByteArrayOutputStream(), "page_view", INGESTED, PII);
            assertThat(summary.recordsOut() + summary.duplicatesDropped()).isEqualTo(summary.recordsIn());
        } catch (TransformFailure expected) {
            assertThat(expected.describe()).isNotBlank();
        } catch (IOException e) {
            throw new AssertionError("in-memory streams cannot fail: " + e, e);
        }
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
