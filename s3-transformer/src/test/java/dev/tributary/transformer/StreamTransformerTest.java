package dev.tributary.transformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.common.json.Json;
import dev.tributary.transformer.enrich.EnrichmentConfig;
import dev.tributary.transformer.enrich.PiiHasher;
import dev.tributary.transformer.enrich.RecordEnricher;
import dev.tributary.transformer.enrich.UserAgentClassifier;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamTransformerTest {
    static final Instant INGESTED = Instant.parse("2026-11-22T10:20:00Z");
    static final StreamTransformer.Limits LIMITS = new StreamTransformer.Limits(64L << 20, 200, 1 << 20);
    static final RecordEnricher ENRICHER =
            new RecordEnricher(EnrichmentConfig.defaultConfig(), new UserAgentClassifier(100), null);
    static final PiiHasher PII = new PiiHasher("tributary-test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));

    record Run(StreamTransformer.Summary summary, byte[] output) {
        List<String> lines() {
            return RawObjects.gunzipLines(output);
        }
    }

    static Run run(byte[] raw, String type, StreamTransformer.Limits limits) throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        var summary = new StreamTransformer(ENRICHER, limits, 6)
                .transform(new ByteArrayInputStream(raw), sink, type, INGESTED, PII);
        return new Run(summary, sink.toByteArray());
    }

    static Run run(byte[] raw) throws Exception {
        return run(raw, "sensor_reading", LIMITS);
    }

    static TransformFailure failure(byte[] raw, StreamTransformer.Limits limits) {
        try {
            run(raw, "sensor_reading", limits);
        } catch (TransformFailure e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError("expected a TransformFailure, got " + e, e);
        }
        throw new AssertionError("expected a TransformFailure");
    }

    @Test
    void transform_whenEventIdRepeats_keepsTheFirstAndCountsTheRest() throws Exception {
        byte[] raw = RawObjects.lines(RawObjects.reading("a"), RawObjects.reading("b"),
                RawObjects.reading("a").replace("21.5", "99"), RawObjects.reading("c"), RawObjects.reading("b"));

        Run run = run(raw);

        assertThat(run.lines()).extracting(line -> Json.mapper().readTree(line).get("event_id").asText())
                .containsExactly("a", "b", "c");
        assertThat(run.lines().getFirst()).contains("\"value\":21.5");
        assertThat(run(RawObjects.lines(RawObjects.reading("z").replace("21.5", "12.50"))).lines().getFirst())
                .contains("\"value\":12.50");
        assertThat(run.summary().recordsIn()).isEqualTo(5);
        assertThat(run.summary().recordsOut()).isEqualTo(3);
        assertThat(run.summary().duplicatesDropped()).isEqualTo(2);
        assertThat(run.summary().rawSha256()).isEqualTo(
                Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(raw)));
        assertThat(run.summary().rawBytes()).isEqualTo(raw.length);
    }

    @Test
    void transform_whenSameVersionTwice_writesIdenticalBytes() throws Exception {
        byte[] raw = RawObjects.lines(RawObjects.pageView("1"), RawObjects.pageView("2"));

        assertThat(run(raw, "page_view", LIMITS).output()).isEqualTo(run(raw, "page_view", LIMITS).output());
        assertThat(run(raw, "page_view", LIMITS).lines().getFirst())
                .contains("\"page\":{\"scheme\":\"https\",\"host\":\"shop.example.com\"")
                .contains("\"device_class\":\"desktop\"")
                .doesNotContain("u-1");
    }

    @Test
    void transform_whenCrlfBlankLinesNoFinalNewlineOrConcatenatedMembers_readsEveryRecord() throws Exception {
        byte[] first = RawObjects.gzip(RawObjects.reading("a") + "\r\n\r\n  \n" + RawObjects.reading("b") + "\n");
        byte[] second = RawObjects.gzip(RawObjects.reading("c")); // no trailing newline
        byte[] raw = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, raw, first.length, second.length);

        Run run = run(raw);

        assertThat(run.summary().recordsIn()).isEqualTo(3);
        assertThat(run.lines()).hasSize(3);
    }

    @Test
    void transform_whenEmptyGzip_writesAnEmptyObject() throws Exception {
        Run run = run(RawObjects.gzip(""));

        assertThat(run.summary().recordsOut()).isZero();
        assertThat(run.lines()).isEmpty();
    }

    @Test
    void transform_whenTruncatedGzip_failsAsTruncated() {
        byte[] raw = RawObjects.lines(RawObjects.reading("a"), RawObjects.reading("b"));

        assertThat(failure(Arrays.copyOf(raw, raw.length - 12), LIMITS).reason()).isEqualTo("truncated_gzip");
        assertThat(failure(new byte[0], LIMITS).reason()).isEqualTo("truncated_gzip");
    }

    @Test
    void transform_whenNotGzipOrCorruptBody_failsAsCorrupt() {
        assertThat(failure(RawObjects.reading("a").getBytes(StandardCharsets.UTF_8), LIMITS).reason())
                .isEqualTo("corrupt_gzip");
        byte[] raw = RawObjects.lines(RawObjects.reading("a"), RawObjects.reading("b"));
        raw[raw.length - 6] ^= 0x55; // inside the CRC-32/ISIZE trailer
        assertThat(failure(raw, LIMITS).reason()).isEqualTo("corrupt_gzip");
    }

    @Test
    void transform_whenALineIsNotAJsonObject_failsNamingTheLineButNotItsContent() {
        TransformFailure notJson = failure(RawObjects.lines(RawObjects.reading("a"), "secret garbage"), LIMITS);
        assertThat(notJson.reason()).isEqualTo("not_json_lines");
        assertThat(notJson.getMessage()).contains("line 2").doesNotContain("secret");

        assertThat(failure(RawObjects.lines("[1,2]"), LIMITS).reason()).isEqualTo("not_json_lines");
        assertThat(failure(RawObjects.lines("{\"a\":1} {\"b\":2}"), LIMITS).reason()).isEqualTo("not_json_lines");
        assertThat(failure(RawObjects.lines(RawObjects.pageView("a")), LIMITS).reason()).isEqualTo("invalid_record");
    }

    @Test
    void transform_whenDecompressedSizeOrRatioTooHigh_refusesAsBomb() {
        byte[] bomb = RawObjects.gzip("\n".repeat(8 << 20)); // 8 MiB of blank lines: ~1000:1
        TransformFailure ratio = failure(bomb, LIMITS);
        assertThat(ratio.reason()).isEqualTo("decompression_bomb");
        assertThat(ratio.getMessage()).contains("MAX_COMPRESSION_RATIO");

        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            many.append(RawObjects.reading("id-" + i)).append('\n');
        }
        TransformFailure size = failure(RawObjects.gzip(many.toString()),
                new StreamTransformer.Limits(50_000, 200, 1 << 20));
        assertThat(size.reason()).isEqualTo("decompression_bomb");
        assertThat(size.getMessage()).contains("MAX_DECOMPRESSED_BYTES");
    }

    @Test
    void transform_whenLineLongerThanLimit_fails() {
        String longLine = RawObjects.event("a", "sensor_reading", "2026-11-22T10:15:00Z",
                "{\"pad\":\"" + "x".repeat(200_000) + "\"}");

        assertThat(failure(RawObjects.lines(longLine), new StreamTransformer.Limits(64L << 20, 10_000, 100_000))
                .reason()).isEqualTo("line_too_long");
    }

    @Test
    void transform_whenANumberNoDecimalCanHold_failsAsNotJsonLines() {
        // Regression: found by RawObjectReaderFuzzer; Jackson threw NumberFormatException, which would have been
        // retried into the dead-letter queue instead of marking the object FAILED.
        byte[] raw = RawObjects.lines(RawObjects.reading("a").replace("21.5", "11111111111111e-111111111111"));

        TransformFailure failure = failure(raw, LIMITS);

        assertThat(failure.describe()).startsWith("not_json_lines").contains("cannot be represented");
    }
}
