package dev.tributary.transformer.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.common.json.Json;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordEnricherTest {
    static final Instant INGESTED = Instant.parse("2026-11-22T10:00:05Z");
    static final UserAgentClassifier AGENTS = new UserAgentClassifier(100);

    static ObjectNode json(String text) throws Exception {
        return (ObjectNode) Json.mapper()
                .readerFor(com.fasterxml.jackson.databind.JsonNode.class)
                .without(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .readTree(text);
    }

    static RecordEnricher enricher(String config) {
        EnrichmentConfig parsed = EnrichmentConfig.parse(config, "test");
        ReferenceData data = new ReferenceData(
                Map.of("devices", URI.create("s3://ref/devices.csv")),
                (uri, max) -> "device_id,site\nd-1,Berlin\n".getBytes(StandardCharsets.UTF_8),
                1024);
        return new RecordEnricher(parsed, AGENTS, data);
    }

    @Test
    void enrich_whenOffsetTime_normalisesToUtcWithEpochMillisAndIngestLag() throws Exception {
        RecordEnricher.Session session = enricher("{}").session("sensor_reading", INGESTED, null);

        ObjectNode out = session.enrich(json("""
                {"event_id":"e1","event_type":"sensor_reading","event_time":"2026-11-22T11:00:00.1234+01:00",
                 "source":"s","schema_version":1,"payload":{"device_id":"d-1","value":21.50}}"""));

        assertThat(out.get("event_time").asText()).isEqualTo("2026-11-22T10:00:00.123Z");
        assertThat(out.get("event_time_ms").asLong())
                .isEqualTo(Instant.parse("2026-11-22T10:00:00.123Z").toEpochMilli());
        assertThat(out.get("ingest_lag_ms").asLong()).isEqualTo(4877);
        assertThat(out.get("payload").toString()).isEqualTo("{\"device_id\":\"d-1\",\"value\":21.50}");
        assertThat(out.fieldNames())
                .toIterable()
                .containsExactly(
                        "event_id",
                        "event_type",
                        "event_time",
                        "event_time_ms",
                        "source",
                        "schema_version",
                        "payload",
                        "ingest_lag_ms");
    }

    @Test
    void enrich_whenPageViewWithDefaultConfig_splitsUrlParsesAgentAndHashesUserId() throws Exception {
        RecordEnricher enricher = new RecordEnricher(EnrichmentConfig.defaultConfig(), AGENTS, null);
        PiiHasher pii = new PiiHasher(PiiHasherTest.KEY);

        ObjectNode out = enricher.session("page_view", INGESTED, pii).enrich(json("""
                {"event_id":"e1","event_type":"page_view","event_time":"2026-11-22T10:00:00Z","source":"web",
                 "schema_version":1,"trace_id":"t-9","payload":{"page_url":"https://shop.example.com/cart?item=42",
                 "tti_ms":1830,"ttar_ms":412,"user_id":"u-1842","referrer":"https://www.example.org/",
                 "user_agent":"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"}}"""));

        assertThat(out.at("/page/host").asText()).isEqualTo("shop.example.com");
        assertThat(out.at("/page/path").asText()).isEqualTo("/cart");
        assertThat(out.at("/page/query_params/item").asText()).isEqualTo("42");
        assertThat(out.at("/referrer/host").asText()).isEqualTo("www.example.org");
        assertThat(out.at("/user_agent/device_class").asText()).isEqualTo("phone");
        assertThat(out.at("/payload/user_id").asText())
                .isEqualTo("v1:bebfafd54796ced8bf0f8b7b36a6d0e13679081b0ae9aa3466aab945d9084d30");
        assertThat(out.at("/payload").has("user_agent")).isFalse(); // classified above, then dropped (policy)
        assertThat(out.at("/payload/page_url").asText()).isEqualTo("https://shop.example.com/cart?item=42");
        assertThat(out.get("trace_id").asText()).isEqualTo("t-9"); // extra top-level fields are kept
    }

    @Test
    void enrich_whenLookupAndTimestampFieldsConfigured_addsRowAndNormalisedTimes() throws Exception {
        RecordEnricher enricher = enricher("""
                {"defaults": {"lookups": [{"field": "device_id", "table": "devices", "as": "device"}],
                              "timestamp_fields": ["calibrated_at", "missing"]},
                 "reference_data": {"devices": "s3://ref/devices.csv"}}""");

        ObjectNode out = enricher.session("sensor_reading", INGESTED, null).enrich(json("""
                {"event_id":"e1","event_type":"sensor_reading","event_time":"2026-11-22T10:00:00Z","source":"s",
                 "schema_version":1,"payload":{"device_id":"d-1","calibrated_at":"2026-01-01T00:00:00-05:00"}}"""));

        assertThat(out.at("/device/site").asText()).isEqualTo("Berlin");
        assertThat(out.at("/timestamps/calibrated_at/utc").asText()).isEqualTo("2026-01-01T05:00:00.000Z");
        assertThat(out.at("/timestamps/calibrated_at/ms").asLong())
                .isEqualTo(Instant.parse("2026-01-01T05:00:00Z").toEpochMilli());
        assertThat(out.at("/timestamps").has("missing")).isFalse();
    }

    @Test
    void enrich_whenEnvelopeBroken_namesTheFieldNotItsValue() {
        RecordEnricher.Session session =
                enricher("{}").session("page_view", INGESTED, new PiiHasher(PiiHasherTest.KEY));

        for (var broken : List.of(
                "{\"event_type\":\"page_view\",\"event_time\":\"2026-11-22T10:00:00Z\",\"source\":\"s\",\"schema_version\":1,\"payload\":{}}",
                "{\"event_id\":\"e\",\"event_type\":\"payment\",\"event_time\":\"2026-11-22T10:00:00Z\",\"source\":\"s\",\"schema_version\":1,\"payload\":{}}",
                "{\"event_id\":\"e\",\"event_type\":\"page_view\",\"event_time\":\"secret-ish 10:00\",\"source\":\"s\",\"schema_version\":1,\"payload\":{}}",
                "{\"event_id\":\"e\",\"event_type\":\"page_view\",\"event_time\":\"2026-11-22T10:00:00Z\",\"source\":\"s\",\"schema_version\":\"1\",\"payload\":{}}",
                "{\"event_id\":\"e\",\"event_type\":\"page_view\",\"event_time\":\"2026-11-22T10:00:00Z\",\"source\":\"s\",\"schema_version\":1,\"payload\":[]}")) {
            assertThatThrownBy(() -> session.enrich(json(broken)))
                    .isInstanceOf(InvalidRecordException.class)
                    .hasMessageNotContaining("secret-ish");
        }
    }

    @Test
    void enrich_whenPageUrlIsInternational_addsThePage() throws Exception {
        RecordEnricher.Session session = enricher("""
                {"event_types":{"page_view":{"url_fields":{"page_url":"page","referrer":"referrer"}}}}""").session("page_view", INGESTED, new PiiHasher(PiiHasherTest.KEY));

        ObjectNode out = session.enrich(json("""
                {"event_id":"e1","event_type":"page_view","event_time":"2026-11-22T10:00:00Z","source":"s",
                 "schema_version":1,"payload":{"page_url":"https://bücher.example/straße?q=ü","referrer":""}}"""));

        assertThat(out.get("page").get("host").asText()).isEqualTo("xn--bcher-kva.example");
        assertThat(out.get("page").get("path").asText()).isEqualTo("/straße");
        assertThat(out.has("referrer")).isFalse(); // empty: no referrer, not an error
        assertThat(out.has(RecordEnricher.ENRICHMENT_ERRORS)).isFalse();
    }

    @Test
    void enrich_whenUrlCannotBeParsed_saysSoInEnrichmentErrorsWithoutQuotingIt() throws Exception {
        RecordEnricher.Session session = enricher("""
                {"event_types":{"page_view":{"url_fields":{"page_url":"page","referrer":"referrer"}}}}""").session("page_view", INGESTED, new PiiHasher(PiiHasherTest.KEY));

        ObjectNode out = session.enrich(json("""
                {"event_id":"e1","event_type":"page_view","event_time":"2026-11-22T10:00:00Z","source":"s",
                 "schema_version":1,"payload":{"page_url":"https://secret host.example/","referrer":"https://ok.example/"}}"""));

        assertThat(out.has("page")).isFalse();
        assertThat(out.get("referrer").get("host").asText()).isEqualTo("ok.example");
        assertThat(out.get(RecordEnricher.ENRICHMENT_ERRORS).get("page").asText())
                .isEqualTo("invalid_url: payload.page_url: host holds a forbidden code point (U+0020)");
        assertThat(out.get(RecordEnricher.ENRICHMENT_ERRORS).toString()).doesNotContain("secret");
    }
}
