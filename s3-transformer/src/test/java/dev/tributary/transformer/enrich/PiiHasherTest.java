package dev.tributary.transformer.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.common.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PiiHasherTest {
    static final byte[] KEY = "tributary-test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    static ObjectNode json(String text) throws Exception {
        return (ObjectNode) Json.mapper().readTree(text);
    }

    @Test
    void hash_whenKnownKeyAndValue_isKeyVersionAndHmacSha256Hex() {
        // python3 -c "import
        // hmac,hashlib;print(hmac.new(b'tributary-test-key-0123456789abcdef',b'u-1842',hashlib.sha256).hexdigest())"
        assertThat(new PiiHasher(KEY).hash("u-1842"))
                .isEqualTo("v1:bebfafd54796ced8bf0f8b7b36a6d0e13679081b0ae9aa3466aab945d9084d30");
        assertThat(new PiiHasher(KEY, 7).hash("u-1842"))
                .isEqualTo("v7:bebfafd54796ced8bf0f8b7b36a6d0e13679081b0ae9aa3466aab945d9084d30");
    }

    @Test
    void constructor_whenVersionBelowOne_refuses() {
        assertThatThrownBy(() -> new PiiHasher(KEY, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void apply_whenFieldsConfigured_replacesThemSoEqualValuesStayJoinable() throws Exception {
        ObjectNode first = json("{\"user_id\":\"u-1842\",\"page_url\":\"https://x.example/\"}");
        ObjectNode second = json("{\"user_id\":\"u-1842\"}");
        PiiHasher hasher = new PiiHasher(KEY);

        int replaced = hasher.apply(first, List.of("user_id", "email"));
        hasher.apply(second, List.of("user_id"));

        assertThat(replaced).isEqualTo(1);
        assertThat(first.get("user_id").asText())
                .hasSize(67)
                .startsWith("v1:")
                .isEqualTo(second.get("user_id").asText())
                .isNotEqualTo("u-1842");
        assertThat(first.get("page_url").asText()).isEqualTo("https://x.example/");
    }

    @Test
    void apply_whenNumberNestedOrNull_hashesJsonTextAndLeavesNullAlone() throws Exception {
        ObjectNode payload = json("{\"customer\":{\"id\":42,\"email\":null},\"card\":\"x\"}");

        new PiiHasher(KEY).apply(payload, List.of("customer.id", "customer.email", "missing.path"));

        assertThat(payload.at("/customer/id").asText())
                .isEqualTo("v1:ddd09b09fb421d9b04653484f066914b5cd5322098e42c6de8eeac8b7e002e25");
        assertThat(payload.at("/customer/email").isNull()).isTrue();
    }

    @Test
    void hash_whenAnotherKey_givesAnotherHash() {
        byte[] other = "another-key-that-is-long-enough-000000".getBytes(StandardCharsets.UTF_8);
        assertThat(new PiiHasher(other).hash("u-1842")).isNotEqualTo(new PiiHasher(KEY).hash("u-1842"));
    }

    @Test
    void constructor_whenKeyShort_refusesWithoutShowingIt() {
        assertThatThrownBy(() -> new PiiHasher("short-secret".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("short-secret");
    }
}
