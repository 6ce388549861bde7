package dev.tributary.transformer.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.common.config.ConfigurationException;
import org.junit.jupiter.api.Test;

class EnrichmentConfigTest {

    @Test
    void defaultConfig_whenLoaded_enrichesPageViewsAndLeavesPiiToThePolicies() {
        EnrichmentConfig config = EnrichmentConfig.defaultConfig();

        assertThat(config.forType("page_view").urlFields()).containsEntry("page_url", "page");
        assertThat(config.forType("page_view").userAgentField()).contains("user_agent");
        // PII is declared per type in schemas/events/<type>.pii.json (PiiPolicyTest), not here.
        assertThat(config.forType("page_view").piiFields()).isEmpty();
        assertThat(config.needsPiiKey()).isFalse();
    }

    @Test
    void parse_whenTypeOverridesSomeKeys_keepsTheDefaultsForTheOthers() {
        EnrichmentConfig config = EnrichmentConfig.parse("""
                {"defaults": {"pii_fields": ["email"], "timestamp_fields": ["sent_at"]},
                 "event_types": {"signup": {"pii_fields": ["email", "phone"]}},
                 "reference_data": {"countries": "s3://ref/countries.json"}}""", "ENRICHMENT_CONFIG");

        assertThat(config.forType("signup").piiFields()).containsExactly("email", "phone");
        assertThat(config.forType("signup").timestampFields()).containsExactly("sent_at");
        assertThat(config.forType("other").piiFields()).containsExactly("email");
    }

    @Test
    void parse_whenUnknownKey_namesItAndTheVariable() {
        assertThatThrownBy(() -> EnrichmentConfig.parse(
                        "{\"event_types\": {\"page_view\": {\"pii_field\": []}}}", "ENRICHMENT_CONFIG"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("ENRICHMENT_CONFIG.event_types.page_view")
                .hasMessageContaining("pii_field");
    }

    @Test
    void parse_whenLookupTableUndefinedOrOutputReserved_refuses() {
        assertThatThrownBy(() -> EnrichmentConfig.parse("""
                {"defaults": {"lookups": [{"field": "device_id", "table": "devices", "as": "device"}]}}""", "C")).hasMessageContaining("'devices' is not defined");
        assertThatThrownBy(() -> EnrichmentConfig.parse("""
                {"defaults": {"url_fields": {"page_url": "payload"}}}""", "C")).hasMessageContaining("cannot be an output field");
    }

    @Test
    void parse_whenNotJson_saysSo() {
        assertThatThrownBy(() -> EnrichmentConfig.parse("{", "ENRICHMENT_CONFIG"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("ENRICHMENT_CONFIG is not valid JSON");
    }
}
