package dev.tributary.transformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tributary.common.config.Env;
import dev.tributary.common.io.GzipJsonLinesWriter;
import dev.tributary.common.json.Json;
import dev.tributary.transformer.enrich.EnrichmentConfig;
import dev.tributary.transformer.enrich.PiiHasher;
import dev.tributary.transformer.enrich.RecordEnricher;
import dev.tributary.transformer.enrich.UserAgentClassifier;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class StreamTransformerTest {
    static final Instant INGESTED = Instant.parse("2026-11-22T10:20:00Z");
    static final StreamTransformer.Limits LIMITS = new StreamTransformer.Limits(64L << 20, 1 << 20);
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
        byte[] raw = RawObjects.lines(
                RawObjects.reading("a"),
                RawObjects.reading("b"),
                RawObjects.reading("a").replace("21.5", "99"),
                RawObjects.reading("c"),
                RawObjects.reading("b"));

        Run run = run(raw);

        assertThat(run.lines())
                .extracting(line -> Json.mapper().readTree(line).get("event_id").asText())
                .containsExactly("a", "b", "c");
        assertThat(run.lines().getFirst()).contains("\"value\":21.5");
        assertThat(run(RawObjects.lines(RawObjects.reading("z").replace("21.5", "12.50")))
                        .lines()
                        .getFirst())
                .contains("\"value\":12.50");
        assertThat(run.summary().recordsIn()).isEqualTo(5);
        assertThat(run.summary().recordsOut()).isEqualTo(3);
        assertThat(run.summary().duplicatesDropped()).isEqualTo(2);
        assertThat(run.summary().rawSha256())
                .isEqualTo(Base64.getEncoder()
                        .encodeToString(MessageDigest.getInstance("SHA-256").digest(raw)));
        assertThat(run.summary().rawBytes()).isEqualTo(raw.length);
    }

    @Test
    void transform_whenSameVersionTwice_writesIdenticalBytes() throws Exception {
        byte[] raw = RawObjects.lines(RawObjects.pageView("1"), RawObjects.pageView("2"));

        assertThat(run(raw, "page_view", LIMITS).output())
                .isEqualTo(run(raw, "page_view", LIMITS).output());
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

        assertThat(failure(Arrays.copyOf(raw, raw.length - 12), LIMITS).reason())
                .isEqualTo("truncated_gzip");
        assertThat(failure(new byte[0], LIMITS).reason()).isEqualTo("truncated_gzip");
    }

    @Test
    void transform_whenNotGzipOrCorruptBody_failsAsCorrupt() {
        assertThat(failure(RawObjects.reading("a").getBytes(StandardCharsets.UTF_8), LIMITS)
                        .reason())
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
        assertThat(failure(RawObjects.lines("{\"a\":1} {\"b\":2}"), LIMITS).reason())
                .isEqualTo("not_json_lines");
        assertThat(failure(RawObjects.lines(RawObjects.pageView("a")), LIMITS).reason())
                .isEqualTo("invalid_record");
    }

    @Nested
    class DecompressionBombs {
        /** The limits a deployed transformer runs with (TransformerConfig's defaults). */
        final StreamTransformer.Limits deployed =
                TransformerConfig.fromEnv(new Env(TransformerConfigTest.env())).limits();

        @Test
        void transform_whenValidObjectCompressesNear1000To1_passes() throws Exception {
            // Five records of 1,000,000 padding bytes each (the processor accepts records up to 1 MiB): valid data
            // that the processor's writer (the JDK's deflate, GZIP_LEVEL=9) shrinks about 900:1, near deflate's
            // ceiling of about 1032:1. The old 200:1 ratio limit refused it as a bomb; now no ratio is refused.
            String[] records = new String[5];
            for (int i = 0; i < records.length; i++) {
                records[i] = RawObjects.event(
                        "pad-" + i,
                        "sensor_reading",
                        "2026-11-22T10:15:00Z",
                        "{\"device_id\":\"d-1\",\"metric\":\"temperature\",\"value\":21.5,\"pad\":\""
                                + " ".repeat(1_000_000) + "\"}");
            }
            ByteArrayOutputStream compressed = new ByteArrayOutputStream();
            try (var gzip = new GzipJsonLinesWriter(compressed, 9)) {
                for (String record : records) {
                    gzip.writeLine(record.getBytes(StandardCharsets.UTF_8));
                }
            }
            byte[] raw = compressed.toByteArray();

            Run run = run(raw, "sensor_reading", deployed);

            double ratio = (double) run.summary().rawUncompressed() / raw.length;
            System.out.printf(
                    "valid object: %d bytes from %d compressed, ratio %.0f:1%n",
                    run.summary().rawUncompressed(), raw.length, ratio);
            assertThat(ratio).isGreaterThan(850);
            assertThat(run.summary().recordsOut()).isEqualTo(5);
        }

        @Test
        void transform_whenObjectIsAtTheProcessorBound_passes() throws Exception {
            // Exactly MAX_RAW_OBJECT_BYTES of JSON Lines, as large as a raw object the processor wrote can be.
            long bound = StreamTransformer.Limits.MAX_RAW_OBJECT_BYTES;
            String template = RawObjects.event(
                            "%08d",
                            "sensor_reading",
                            "2026-11-22T10:15:00Z",
                            "{\"device_id\":\"d-1\",\"metric\":\"temperature\",\"value\":21.5}")
                    + "\n";
            int lineBytes = String.format(template, 0).length();
            StringBuilder text = new StringBuilder();
            int i = 0;
            while (text.length() + lineBytes <= bound) {
                text.append(String.format(template, i++));
            }
            text.append(" ".repeat((int) (bound - text.length() - 1))).append('\n'); // a blank line fills it up
            assertThat(text.length()).isEqualTo(bound);

            Run run = run(RawObjects.gzip(text.toString()), "sensor_reading", deployed);

            assertThat(run.summary().rawUncompressed()).isEqualTo(bound);
            assertThat(run.summary().recordsOut()).isEqualTo(i);
        }

        @Test
        void transform_whenOneByteOverTheBound_refusesAsBomb() {
            byte[] raw = RawObjects.gzip("\n".repeat((int) StreamTransformer.Limits.MAX_RAW_OBJECT_BYTES + 1));

            TransformFailure failure = failure(raw, deployed);

            assertThat(failure.reason()).isEqualTo("decompression_bomb");
            assertThat(failure.getMessage()).contains("MAX_DECOMPRESSED_BYTES");
        }

        @Test
        void transform_when10GiBBomb_failsFastInBoundedMemory() {
            // 160 gzip members of 64 MiB of line breaks each: 10 GiB decompressed from about 10 MB, streamed (never
            // held). Line breaks, so that the line-length limit does not stop it first.
            byte[] member = RawObjects.gzip("\n".repeat(64 << 20));
            InputStream bomb = new SequenceInputStream(Collections.enumeration(Collections.nCopies(160, member).stream()
                    .map(ByteArrayInputStream::new)
                    .toList()));
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
            long started = System.nanoTime();

            TransformFailure failure = assertThrows(
                    TransformFailure.class,
                    () -> new StreamTransformer(ENRICHER, deployed, 6)
                            .transform(bomb, OutputStream.nullOutputStream(), "sensor_reading", INGESTED, PII));

            long millis = (System.nanoTime() - started) / 1_000_000;
            long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
            System.out.printf("10 GiB bomb refused after %d ms, %d bytes allocated%n", millis, allocated);
            assertThat(failure.reason()).isEqualTo("decompression_bomb");
            assertThat(millis).isLessThan(2_000);
            // Constant: the input buffer, the inflater and the line reader's buffer; never the data.
            assertThat(allocated).isLessThan(16L << 20);
        }
    }

    @Test
    void transform_whenLineLongerThanLimit_fails() {
        String longLine = RawObjects.event(
                "a", "sensor_reading", "2026-11-22T10:15:00Z", "{\"pad\":\"" + "x".repeat(200_000) + "\"}");

        assertThat(failure(RawObjects.lines(longLine), new StreamTransformer.Limits(64L << 20, 100_000))
                        .reason())
                .isEqualTo("line_too_long");
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
