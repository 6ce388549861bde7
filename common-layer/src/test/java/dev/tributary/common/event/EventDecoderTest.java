package dev.tributary.common.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.common.json.Json;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventDecoderTest {
    private static final Instant ARRIVAL = Instant.parse("2026-11-22T10:00:00Z");
    private static final EventSchemas SCHEMAS = new EventSchemas();
    private final EventDecoder decoder = new EventDecoder(SCHEMAS, 1024 * 1024, Duration.ofDays(1));

    static String event(String type, String time, String payload) {
        return """
                {"event_id":"e-1","event_type":"%s","event_time":"%s","source":"test","schema_version":1,"payload":%s}""".formatted(type, time, payload);
    }

    static String pageView(String time) {
        return event("page_view", time, """
                {"page_url":"https://shop.example.com/cart?id=7","tti_ms":1200,"ttar_ms":340.5}""");
    }

    private DecodeResult decode(String json) {
        return decoder.decode(json.getBytes(StandardCharsets.UTF_8), ARRIVAL);
    }

    private DecodeResult.Invalid invalid(byte[] bytes) {
        DecodeResult result = decoder.decode(bytes, ARRIVAL);
        assertThat(result).isInstanceOf(DecodeResult.Invalid.class);
        return (DecodeResult.Invalid) result;
    }

    private DecodeResult.Invalid invalid(String json) {
        return invalid(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void decode_whenValidPageView_returnsEnvelopeWithUtcInstant() {
        DecodeResult result = decode(pageView("2026-11-22T11:15:30.123+01:00"));

        assertThat(result).isInstanceOf(DecodeResult.Valid.class);
        EventEnvelope event = ((DecodeResult.Valid) result).event();
        assertThat(event.eventId()).isEqualTo("e-1");
        assertThat(event.eventType()).isEqualTo("page_view");
        assertThat(event.eventTime()).isEqualTo(Instant.parse("2026-11-22T10:15:30.123Z"));
        assertThat(event.schemaVersion()).isEqualTo(1);
        assertThat(event.payload().get("tti_ms").intValue()).isEqualTo(1200);
    }

    @Test
    void decode_whenValidSensorReadingAndPayment_returnsValid() {
        assertThat(decode(event(
                        "sensor_reading",
                        "2026-11-22T09:00:00Z",
                        "{\"device_id\":\"dev-9\",\"metric\":\"temperature\",\"value\":-3.5,\"unit\":\"C\"}")))
                .isInstanceOf(DecodeResult.Valid.class);
        assertThat(
                        decode(
                                event(
                                        "payment",
                                        "2026-11-22T09:00:00Z",
                                        "{\"transaction_id\":\"t-1\",\"amount\":\"12.50\",\"currency\":\"EUR\",\"status\":\"captured\"}")))
                .isInstanceOf(DecodeResult.Valid.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2026-11-22T10:15:30Z",
                "2026-11-22T10:15:30.1Z",
                "2026-11-22T10:15:30.123456789Z",
                "2026-11-22T10:15:30+00:00",
                "2026-11-22T12:15:30+02:00",
                "2026-11-22T05:15:30-05:00",
                "2026-11-22t10:15:30z",
                "2026-11-22T10:15Z"
            })
    void decode_whenEventTimeIsLegalIsoForm_accepts(String time) {
        assertThat(decode(pageView(time))).isInstanceOf(DecodeResult.Valid.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2026-11-22",
                "2026-11-22T10:15:30",
                "2026-11-22 10:15:30Z",
                "2026-13-01T00:00:00Z",
                "2026-02-30T00:00:00Z",
                "2026-11-22T25:00:00Z",
                "yesterday",
                "1763806530",
                "2026-11-22T10:15:30+25:00",
                "1969-12-31T23:59:59Z"
            })
    void decode_whenEventTimeIsIllegal_quarantinesWithInvalidEventTime(String time) {
        DecodeResult.Invalid result = invalid(pageView(time));

        assertThat(result.reason()).isEqualTo(QuarantineReason.INVALID_EVENT_TIME);
        assertThat(result.detail()).contains("event_time");
    }

    @Test
    void decode_whenEventTimeIsANumber_quarantinesAsInvalidEnvelope() {
        DecodeResult.Invalid result = invalid(
                "{\"event_id\":\"e\",\"event_type\":\"x\",\"event_time\":1763806530,\"source\":\"s\",\"schema_version\":1,\"payload\":{}}");

        assertThat(result.reason()).isEqualTo(QuarantineReason.INVALID_ENVELOPE);
        assertThat(result.detail()).contains("event_time");
    }

    @Test
    void decode_whenEventTimeFarInFutureOfArrival_quarantines() {
        DecodeResult.Invalid result = invalid(pageView("2026-11-24T10:00:00Z"));

        assertThat(result.reason()).isEqualTo(QuarantineReason.EVENT_TIME_IN_FUTURE);
        assertThat(result.detail())
                .contains("172800 s after the record arrived")
                .contains("86400");
    }

    @Test
    void decode_whenEventTimeSlightlyAhead_acceptsWithinSkew() {
        assertThat(decode(pageView("2026-11-22T22:00:00Z"))).isInstanceOf(DecodeResult.Valid.class);
    }

    @Test
    void decode_whenEmpty_quarantinesAsEmpty() {
        assertThat(invalid(new byte[0]).reason()).isEqualTo(QuarantineReason.EMPTY);
    }

    @Test
    void decode_whenLargerThanLimit_quarantinesAsOversized() {
        EventDecoder small = new EventDecoder(SCHEMAS, 100, Duration.ofDays(1));
        DecodeResult result = small.decode(pageView("2026-11-22T10:00:00Z").getBytes(StandardCharsets.UTF_8), ARRIVAL);

        assertThat(result).isInstanceOf(DecodeResult.Invalid.class);
        assertThat(((DecodeResult.Invalid) result).reason()).isEqualTo(QuarantineReason.OVERSIZED);
        assertThat(((DecodeResult.Invalid) result).detail()).contains("the limit is 100");
    }

    @Test
    void decode_whenOneMegabyteRecordWithinLimit_accepts() {
        String padding = "x".repeat(1_000_000);
        String json = event("clickstream_blob", "2026-11-22T10:00:00Z", "{\"blob\":\"" + padding + "\"}");

        assertThat(json.length()).isGreaterThan(1_000_000);
        assertThat(decode(json)).isInstanceOf(DecodeResult.Valid.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"C3 28", "A0 A1", "E2 28 A1", "F0 28 8C BC", "C0 80", "ED A0 80", "F5 80 80 80", "FF"})
    void decode_whenInvalidUtf8InsideString_quarantinesAsNotUtf8(String hex) {
        byte[] prefix = "{\"event_id\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] bad = hexBytes(hex);
        byte[] suffix = pageView("2026-11-22T10:00:00Z")
                .substring("{\"event_id\":\"e-1".length())
                .getBytes(StandardCharsets.UTF_8);
        byte[] data = new byte[prefix.length + bad.length + suffix.length];
        System.arraycopy(prefix, 0, data, 0, prefix.length);
        System.arraycopy(bad, 0, data, prefix.length, bad.length);
        System.arraycopy(suffix, 0, data, prefix.length + bad.length, suffix.length);

        DecodeResult.Invalid result = invalid(data);

        assertThat(result.reason()).isEqualTo(QuarantineReason.NOT_UTF8);
        assertThat(result.detail()).startsWith("invalid UTF-8 at byte " + prefix.length);
    }

    @Test
    void decode_whenValidMultibyteUtf8_accepts() {
        String json = event(
                "page_view",
                "2026-11-22T10:00:00Z",
                "{\"page_url\":\"https://例え.jp/ページ?q=ü😀\",\"tti_ms\":1,\"ttar_ms\":2}");

        assertThat(decode(json)).isInstanceOf(DecodeResult.Valid.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"a\":1,}", "not json", "{\"a\":1} {\"b\":2}", "{'a':1}", "   "})
    void decode_whenNotJson_quarantinesAsNotJson(String text) {
        assertThat(invalid(text).reason()).isEqualTo(QuarantineReason.NOT_JSON);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e10000000000", "{\"a\":1e10000000000}", "[-9e-99999999999]"})
    void decode_whenNumberBeyondAnyDecimal_quarantinesAsNumberTooLarge(String text) {
        // Regression: found by EventDecoderFuzzer; Jackson threw NumberFormatException out of readTree.
        DecodeResult.Invalid result = invalid(text);

        assertThat(result.reason()).isEqualTo(QuarantineReason.NUMBER_TOO_LARGE);
        assertThat(result.detail()).startsWith("a number cannot be represented");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1,2,3]", "[]", "\"a string\"", "42", "true", "null"})
    void decode_whenArrayOrScalar_quarantinesAsNotAnObject(String text) {
        DecodeResult.Invalid result = invalid(text);

        assertThat(result.reason()).isEqualTo(QuarantineReason.NOT_AN_OBJECT);
        assertThat(result.detail()).startsWith("expected a JSON object, got ");
    }

    @Test
    void decode_whenDuplicateKeys_quarantinesAsDuplicateKey() {
        String json = pageView("2026-11-22T10:00:00Z")
                .replace("{\"event_id\":\"e-1\",", "{\"event_id\":\"e-1\",\"event_id\":\"e-2\",");

        DecodeResult.Invalid result = invalid(json);

        assertThat(result.reason()).isEqualTo(QuarantineReason.DUPLICATE_KEY);
        assertThat(result.detail()).contains("Duplicate field 'event_id'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"event_id", "event_type", "event_time", "source", "schema_version", "payload"})
    void decode_whenEnvelopeFieldMissing_quarantinesNamingTheField(String field) {
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) readTree(pageView("2026-11-22T10:00:00Z"));
        node.remove(field);

        DecodeResult.Invalid result = invalid(node.toString());

        assertThat(result.reason()).isEqualTo(QuarantineReason.INVALID_ENVELOPE);
        assertThat(result.detail()).contains(field);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "../etc",
                "a/b",
                "page_view/../../x",
                "type=x",
                "Page_View",
                "",
                "ünïcode",
                "a b",
                "page_view\\n",
                "x123456789012345678901234567890123456789012345678901234567890123"
            })
    void decode_whenEventTypeCouldEscapeItsPrefix_quarantinesAsInvalidEnvelope(String type) {
        String json = pageView("2026-11-22T10:00:00Z").replace("\"page_view\"", "\"" + type + "\"");

        DecodeResult.Invalid result = invalid(json);

        assertThat(result.reason()).isEqualTo(QuarantineReason.INVALID_ENVELOPE);
        assertThat(result.detail()).contains("event_type");
    }

    @Test
    void decode_whenPayloadViolatesTypeSchema_quarantinesNamingPayloadField() {
        String json = event(
                "page_view",
                "2026-11-22T10:00:00Z",
                "{\"page_url\":\"https://a.example\",\"tti_ms\":\"fast\",\"ttar_ms\":1}");

        DecodeResult.Invalid result = invalid(json);

        assertThat(result.reason()).isEqualTo(QuarantineReason.INVALID_PAYLOAD);
        assertThat(result.detail()).contains("payload.tti_ms");
    }

    @Test
    void decode_whenPaymentAmountIsAFloat_quarantines() {
        DecodeResult.Invalid result = invalid(event(
                "payment",
                "2026-11-22T10:00:00Z",
                "{\"transaction_id\":\"t\",\"amount\":12.5,\"currency\":\"EUR\",\"status\":\"captured\"}"));

        assertThat(result.reason()).isEqualTo(QuarantineReason.INVALID_PAYLOAD);
        assertThat(result.detail()).contains("amount");
    }

    @Test
    void decode_whenUnknownTypeAndDefaultSchemaShipped_accepts() {
        assertThat(decode(event("brand_new_type", "2026-11-22T10:00:00Z", "{\"anything\":[1,2]}")))
                .isInstanceOf(DecodeResult.Valid.class);
    }

    @Test
    void decode_whenUnknownTypeAndNoDefaultSchema_quarantinesAsUnknownType(@TempDir Path dir) throws IOException {
        Path schemas = Files.createDirectories(dir.resolve("schemas/events"));
        try (var envelope = EventSchemas.class.getClassLoader().getResourceAsStream("schemas/envelope.schema.json")) {
            Files.copy(envelope, dir.resolve("schemas/envelope.schema.json"));
        }
        Files.writeString(schemas.resolve("page_view.schema.json"), "{\"type\":\"object\"}");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            EventDecoder strict = new EventDecoder(new EventSchemas(loader), 1024, Duration.ofDays(1));

            DecodeResult unknown = strict.decode(
                    event("brand_new_type", "2026-11-22T10:00:00Z", "{}").getBytes(StandardCharsets.UTF_8), ARRIVAL);
            DecodeResult known = strict.decode(
                    event("page_view", "2026-11-22T10:00:00Z", "{}").getBytes(StandardCharsets.UTF_8), ARRIVAL);

            assertThat(unknown)
                    .isEqualTo(new DecodeResult.Invalid(
                            QuarantineReason.UNKNOWN_EVENT_TYPE,
                            "no schema for event_type 'brand_new_type' and no default schema"));
            assertThat(known).isInstanceOf(DecodeResult.Valid.class);
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode readTree(String json) {
        try {
            return dev.tributary.common.json.Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hexBytes(String hex) {
        String[] parts = hex.split(" ");
        byte[] bytes = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            bytes[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return bytes;
    }

    /** Each limit of {@code Json} at its bound (accepted) and one past it (quarantined with its own reason). */
    @Nested
    class Limits {
        /** Big enough for the longest string, so that the record limit does not decide first. */
        private final EventDecoder roomy = new EventDecoder(SCHEMAS, 4L * 1024 * 1024, Duration.ofDays(1));

        /** An event of an unknown type (validated by the default schema: any object payload). */
        private DecodeResult decodeProbe(String payload) {
            return roomy.decode(
                    event("limits_probe", "2026-11-22T09:00:00Z", payload).getBytes(StandardCharsets.UTF_8), ARRIVAL);
        }

        /** A payload whose event is nested {@code depth} levels deep (the event is level 1, the payload level 2). */
        private String payloadOfDepth(int depth) {
            int inner = depth - 2;
            return "{\"a\":".repeat(inner) + "{}" + "}".repeat(inner);
        }

        private void assertQuarantined(DecodeResult result, QuarantineReason reason, String detail) {
            assertThat(result).isInstanceOf(DecodeResult.Invalid.class);
            DecodeResult.Invalid invalid = (DecodeResult.Invalid) result;
            assertThat(invalid.reason()).isEqualTo(reason);
            assertThat(invalid.detail()).contains(detail);
        }

        @Test
        void decode_whenNestedToTheLimit_acceptsAndOneDeeper_quarantinesAsTooDeep() {
            assertThat(decodeProbe(payloadOfDepth(Json.MAX_NESTING_DEPTH))).isInstanceOf(DecodeResult.Valid.class);

            assertQuarantined(
                    decodeProbe(payloadOfDepth(Json.MAX_NESTING_DEPTH + 1)),
                    QuarantineReason.TOO_DEEP,
                    "nesting depth (65) exceeds the maximum allowed (64");
        }

        @Test
        void decode_whenNumberAsLongAsTheLimit_acceptsAndOneLonger_quarantinesAsNumberTooLarge() {
            String digits = "9".repeat(Json.MAX_NUMBER_LENGTH);
            assertThat(decodeProbe("{\"n\":" + digits + "}")).isInstanceOf(DecodeResult.Valid.class);
            // Digits are counted, not the point: 0.555… with 1000 digits in all is at the bound.
            assertThat(decodeProbe("{\"n\":-0." + "5".repeat(Json.MAX_NUMBER_LENGTH - 1) + "}"))
                    .isInstanceOf(DecodeResult.Valid.class);

            assertQuarantined(
                    decodeProbe("{\"n\":" + digits + "9}"),
                    QuarantineReason.NUMBER_TOO_LARGE,
                    "Number value length (1001) exceeds the maximum allowed (1000");
            assertQuarantined(
                    decodeProbe("{\"n\":0." + "5".repeat(Json.MAX_NUMBER_LENGTH) + "}"),
                    QuarantineReason.NUMBER_TOO_LARGE,
                    "exceeds the maximum allowed (1000");
        }

        @Test
        void decode_whenStringAsLongAsTheLimit_acceptsAndOneLonger_quarantinesAsStringTooLong() {
            String longest = "x".repeat(Json.MAX_STRING_LENGTH);
            assertThat(decodeProbe("{\"s\":\"" + longest + "\"}")).isInstanceOf(DecodeResult.Valid.class);

            assertQuarantined(
                    decodeProbe("{\"s\":\"" + longest + "x\"}"),
                    QuarantineReason.STRING_TOO_LONG,
                    "exceeds the maximum allowed (1048576");
        }

        @Test
        void decode_whenNameAsLongAsTheLimit_acceptsAndOneLonger_quarantinesAsNameTooLong() {
            String longest = "k".repeat(Json.MAX_NAME_LENGTH);
            assertThat(decodeProbe("{\"" + longest + "\":1}")).isInstanceOf(DecodeResult.Valid.class);

            assertQuarantined(
                    decodeProbe("{\"" + longest + "k\":1}"),
                    QuarantineReason.NAME_TOO_LONG,
                    "exceeds the maximum allowed (50000");
        }

        @Test
        void decode_whenSameNameInDifferentObjects_acceptsAndTwiceInOne_quarantinesAsDuplicateKey() {
            assertThat(decodeProbe("{\"a\":{\"id\":1},\"b\":{\"id\":1},\"id\":1}"))
                    .isInstanceOf(DecodeResult.Valid.class);

            assertQuarantined(
                    decodeProbe("{\"a\":{\"id\":1,\"id\":2}}"), QuarantineReason.DUPLICATE_KEY, "Duplicate field 'id'");
        }

        @Test
        void codes_areTheOnesTheContractNames() {
            assertThat(List.of(
                            QuarantineReason.TOO_DEEP,
                            QuarantineReason.NUMBER_TOO_LARGE,
                            QuarantineReason.STRING_TOO_LONG,
                            QuarantineReason.NAME_TOO_LONG,
                            QuarantineReason.DUPLICATE_KEY))
                    .extracting(QuarantineReason::code)
                    .containsExactly(
                            "too_deep", "number_too_large", "string_too_long", "name_too_long", "duplicate_key");
        }
    }
}
