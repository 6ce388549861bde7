package dev.tributary.transformer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.config.Env;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * Events full of personal data, through the real kinesis-processor and the s3-transformer with its key in an SSM
 * SecureString: the processed objects hold none of the values the PII policy (schemas/events/*.pii.json) says must
 * not appear, and hashes name the key version, which moves on when the parameter is overwritten.
 */
class PiiPolicyIT {
    static final String AGENT = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/124.0.0.0 Mobile Safari/537.36";
    private final TransformerTestBed bed = new TransformerTestBed();

    @AfterEach
    void close() {
        bed.close();
    }

    /** A page view whose every PII-bearing field holds a marker that must never reach processed/. */
    static String pageView(String id) {
        return RawObjects.event(
                id,
                "page_view",
                "2026-11-22T10:05:00Z",
                ("{\"page_url\":\"https://shop.example.com/"
                                + "account?item=42&email=alice.ID%40mail-ID.example&token=tok-ID#access_token=frag-ID\","
                                + "\"tti_ms\":1830,\"ttar_ms\":412,\"user_id\":\"user-ID\",\"session_id\":\"sess-ID\","
                                + "\"referrer\":\"https://search.example/results?q=alice+ID+smith&uid=ref-ID\","
                                + "\"user_agent\":\"" + AGENT + "\"}")
                        .replace("ID", id));
    }

    static String payment(String id) {
        return RawObjects.event(
                id,
                "payment",
                "2026-11-22T10:06:00Z",
                "{\"transaction_id\":\"t-" + id
                        + "\",\"amount\":\"12.50\",\"currency\":\"EUR\",\"status\":\"captured\",\"customer_id\":\"cust-"
                        + id
                        + "\"}");
    }

    /** What the policy says must not appear for event {@code id}. */
    static List<String> forbidden(String id) {
        return List.of(
                "alice." + id,
                "mail-" + id,
                "tok-" + id,
                "frag-" + id,
                "user-" + id,
                "sess-" + id,
                "smith",
                "ref-" + id,
                "cust-" + id,
                AGENT,
                "Pixel 8 Build");
    }

    @Test
    void handleRequest_whenEventsCarryPii_processedHoldsNoneOfItAndHashesNameTheKeyVersion() throws Exception {
        String parameter = "/" + bed.resources.streamName() + "/pii-hmac-key";
        try (SsmClient ssm = bed.clients.configure(SsmClient.builder()).build()) {
            ssm.putParameter(b -> b.name(parameter)
                    .value("first-key-abcdefghijklmnopqrstuvwxyz-0123")
                    .type(ParameterType.SECURE_STRING));
            bed.produce(List.of(pageView("p1"), pageView("p2"), payment("y1")));
            List<String> events = bodies(bed.objectNotifications(2));
            S3TransformerHandler handler = handlerWithSsmKey(parameter);
            events.forEach(event -> TransformerTestBed.invoke(handler, event));

            List<String> firstKeys = bed.rawKeys();
            String processed = processedText(firstKeys);
            for (String id : List.of("p1", "p2", "y1")) {
                forbidden(id).forEach(secret -> assertThat(processed).doesNotContain(secret));
            }
            JsonNode view = records(firstKeys).stream()
                    .filter(r -> r.get("event_type").asText().equals("page_view"))
                    .findFirst()
                    .orElseThrow();
            assertThat(view.at("/payload/user_id").asText()).startsWith("v1:").hasSize(67);
            assertThat(view.at("/payload/session_id").asText()).startsWith("v1:");
            assertThat(view.at("/payload").has("user_agent")).isFalse();
            assertThat(view.at("/user_agent/os").asText()).isEqualTo("Android"); // classified before the drop
            assertThat(view.at("/page/query_params/item").asText()).isEqualTo("42");
            assertThat(view.at("/page/query_params/email").asText()).startsWith("v1:");
            assertThat(view.at("/referrer/query_params/q").asText()).startsWith("v1:");

            // Rotation: overwrite the parameter (version 2); a new container hashes with it, and says so.
            ssm.putParameter(b -> b.name(parameter)
                    .value("second-key-abcdefghijklmnopqrstuvwxyz-012")
                    .type(ParameterType.SECURE_STRING)
                    .overwrite(true));
            bed.produce(List.of(pageView("p3")));
            String event = bed.objectNotifications(1).getFirst().body();
            TransformerTestBed.invoke(handlerWithSsmKey(parameter), event);

            List<String> newKeys = new ArrayList<>(bed.rawKeys());
            newKeys.removeAll(firstKeys);
            JsonNode rotated = records(newKeys).getFirst();
            assertThat(rotated.at("/payload/user_id").asText()).startsWith("v2:");
            forbidden("p3").forEach(secret -> assertThat(processedText(newKeys)).doesNotContain(secret));
            // Hashes made before the rotation are still there, recognisably under version 1.
            assertThat(records(firstKeys).stream().filter(r -> r.at("/payload").has("user_id")))
                    .allSatisfy(
                            r -> assertThat(r.at("/payload/user_id").asText()).startsWith("v1:"));
        }
    }

    private S3TransformerHandler handlerWithSsmKey(String parameter) {
        Map<String, String> env = new HashMap<>(bed.environment(Map.of()));
        env.remove("PII_HMAC_KEY");
        env.put("PII_HMAC_KEY_PARAMETER", parameter);
        env.put("AWS_ACCESS_KEY_ID", "test");
        env.put("AWS_SECRET_ACCESS_KEY", "test");
        return new S3TransformerHandler(new Env(env));
    }

    private static List<String> bodies(List<software.amazon.awssdk.services.sqs.model.Message> messages) {
        return messages.stream()
                .map(software.amazon.awssdk.services.sqs.model.Message::body)
                .toList();
    }

    private String processedText(List<String> rawKeys) {
        StringBuilder text = new StringBuilder();
        for (String key : rawKeys) {
            RawObjects.gunzipLines(bed.processedBytes(key))
                    .forEach(line -> text.append(line).append('\n'));
        }
        assertThat(text).isNotEmpty();
        return text.toString();
    }

    private List<JsonNode> records(List<String> rawKeys) {
        List<JsonNode> records = new ArrayList<>();
        rawKeys.forEach(key -> records.addAll(bed.processedRecords(key)));
        return records;
    }
}
