package dev.tributary.transformer.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.common.config.ConfigurationException;
import dev.tributary.common.json.Json;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PiiPolicyTest {
    static final PiiHasher HASHER = new PiiHasher(PiiHasherTest.KEY, 2);

    static ObjectNode json(String text) throws Exception {
        return (ObjectNode) Json.mapper().readTree(text);
    }

    @Nested
    class Bundled {
        @Test
        void forType_whenPageView_hashesIdsDropsTheAgentAndHashesQueryValues() {
            PiiPolicy policy = new PiiPolicy.Bundled().forType("page_view");

            assertThat(policy.hash()).containsExactly("user_id", "session_id");
            assertThat(policy.drop()).containsExactly("user_agent");
            assertThat(policy.urlQuery().get("page_url")).contains("email", "token", "phone");
            assertThat(policy.urlQuery().get("referrer")).isEmpty(); // "*": every parameter
        }

        @Test
        void forType_whenPaymentSensorOrUnsafeName_givesItsPolicyOrNone() {
            assertThat(new PiiPolicy.Bundled().forType("payment").hash()).containsExactly("customer_id");
            assertThat(new PiiPolicy.Bundled().forType("sensor_reading")).isEqualTo(PiiPolicy.NONE);
            assertThat(new PiiPolicy.Bundled().forType("../../etc/passwd")).isEqualTo(PiiPolicy.NONE);
        }
    }

    @Nested
    class Query {
        @Test
        void rewriteQuery_whenNamedParameters_hashesTheirDecodedValuesOnlyAndDropsTheFragment() {
            String out = PiiPolicy.rewriteQuery(
                    "https://shop.example/p?item=42&EMAIL=a%40b.example&q=x#token=t", Set.of("email"), HASHER);

            assertThat(out).isEqualTo("https://shop.example/p?item=42&EMAIL=" + HASHER.hash("a@b.example") + "&q=x");
        }

        @Test
        void rewriteQuery_whenAllParameters_hashesEveryValueAndBareToken() {
            String out =
                    PiiPolicy.rewriteQuery("https://r.example/?a=1&&b=two+words&alice@b.example", Set.of(), HASHER);

            assertThat(out)
                    .isEqualTo("https://r.example/?a=" + HASHER.hash("1") + "&&b=" + HASHER.hash("two words") + "&"
                            + HASHER.hash("alice@b.example"));
        }

        @Test
        void rewriteQuery_whenNoQueryOrUnparseableUrl_stillDropsFragmentAndHashes() {
            assertThat(PiiPolicy.rewriteQuery("https://r.example/x#frag", Set.of(), HASHER))
                    .isEqualTo("https://r.example/x");
            assertThat(PiiPolicy.rewriteQuery("https://bad host/?email=a@b.example", Set.of("email"), HASHER))
                    .isEqualTo("https://bad host/?email=" + HASHER.hash("a@b.example"));
        }
    }

    @Nested
    class Fields {
        @Test
        void applyToFields_whenHashTruncateAndDrop_changesExactlyThoseFields() throws Exception {
            PiiPolicy policy = PiiPolicy.parse("""
                    {"hash":["user.id"],"drop":["ua"],"truncate":{"note":3,"short":10}}""", "test");
            ObjectNode payload = json("""
                    {"user":{"id":"u-1"},"ua":"Mozilla/5.0","note":"héllo wörld","short":"ok","keep":"k"}""");

            policy.applyToFields(payload, HASHER);

            assertThat(payload.toString())
                    .isEqualTo("{\"user\":{\"id\":\"" + HASHER.hash("u-1")
                            + "\"},\"note\":\"hél\",\"short\":\"ok\",\"keep\":\"k\"}");
        }

        @Test
        void alsoHashing_whenConfigListsMoreFields_hashesTheUnion() {
            PiiPolicy policy = PiiPolicy.parse("{\"hash\":[\"a\"]}", "test").alsoHashing(List.of("a", "b"));

            assertThat(policy.hash()).containsExactly("a", "b");
        }
    }

    @Test
    void parse_whenUnknownKeyOrBadValue_namesThePlace() {
        assertThatThrownBy(() -> PiiPolicy.parse("{\"hsah\":[]}", "x.pii.json"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("x.pii.json")
                .hasMessageContaining("hsah");
        assertThatThrownBy(() -> PiiPolicy.parse("{\"url_query\":{\"u\":[]}}", "x.pii.json"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("x.pii.json.url_query.u");
        assertThatThrownBy(() -> PiiPolicy.parse("{\"truncate\":{\"a\":-1}}", "x.pii.json"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("x.pii.json.truncate.a");
    }

    @Test
    void enrich_whenPageViewCarriesPiiEverywhere_noneOfItReachesTheProcessedRecord() throws Exception {
        RecordEnricher enricher =
                new RecordEnricher(EnrichmentConfig.defaultConfig(), new UserAgentClassifier(10), null);
        String agent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                + "Chrome/120.0.0.0 Safari/537.36";

        ObjectNode out = enricher.session("page_view", Instant.parse("2026-11-22T10:00:05Z"), HASHER)
                .enrich(json("""
                {"event_id":"e1","event_type":"page_view","event_time":"2026-11-22T10:00:00Z","source":"web",
                 "schema_version":1,"payload":{"page_url":"https://shop.example/p?item=42&email=alice%40mail.example#x",
                 "tti_ms":1,"ttar_ms":2,"user_id":"u-secret-1","session_id":"s-secret-2",
                 "referrer":"https://search.example/?q=alice+smith","user_agent":"AGENT"}}""".replace("AGENT", agent)));

        String text = out.toString();
        for (String secret : List.of("u-secret-1", "s-secret-2", "alice", "mail.example", "smith", agent)) {
            assertThat(text).doesNotContain(secret);
        }
        assertThat(out.at("/page/query_params/item").asText()).isEqualTo("42");
        assertThat(out.at("/page/query_params/email").asText()).isEqualTo(HASHER.hash("alice@mail.example"));
        assertThat(out.at("/referrer/query_params/q").asText()).isEqualTo(HASHER.hash("alice smith"));
        assertThat(out.at("/payload/session_id").asText()).startsWith("v2:");
        assertThat(out.at("/user_agent/family").asText()).isEqualTo("Chrome");
    }
}
