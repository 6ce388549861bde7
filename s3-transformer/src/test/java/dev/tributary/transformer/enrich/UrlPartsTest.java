package dev.tributary.transformer.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class UrlPartsTest {

    @Test
    void split_whenUrlWithQuery_givesHostPathQueryAndDecodedParams() {
        ObjectNode parts = UrlParts.split("https://Shop.Example.com/p/caf%C3%A9?item=42&q=red+shoes&item=43#top");

        assertThat(parts.get("scheme").asText()).isEqualTo("https");
        assertThat(parts.get("host").asText()).isEqualTo("shop.example.com");
        assertThat(parts.has("port")).isFalse();
        assertThat(parts.get("path").asText()).isEqualTo("/p/café");
        assertThat(parts.get("query").asText()).isEqualTo("item=42&q=red+shoes&item=43");
        assertThat(parts.get("query_params").get("item").asText()).isEqualTo("42");
        assertThat(parts.get("query_params").get("q").asText()).isEqualTo("red shoes");
        assertThat(parts.toString()).doesNotContain("top");
    }

    @Test
    void split_whenNoPathOrQueryAndExplicitPort_givesSlashNullQueryAndPort() {
        ObjectNode parts = UrlParts.split("http://localhost:8080");

        assertThat(parts.get("path").asText()).isEqualTo("/");
        assertThat(parts.get("port").asInt()).isEqualTo(8080);
        assertThat(parts.get("query").isNull()).isTrue();
    }

    @Test
    void split_whenNotAnAbsoluteUrl_givesNull() {
        assertThat(UrlParts.split("/relative/path")).isNull();
        assertThat(UrlParts.split("https://bad host/")).isNull();
        assertThat(UrlParts.split(null)).isNull();
    }
}
