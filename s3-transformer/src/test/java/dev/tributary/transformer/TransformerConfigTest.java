package dev.tributary.transformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.common.config.ConfigurationException;
import dev.tributary.common.config.Env;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransformerConfigTest {
    static final String KEY = "tributary-test-key-0123456789abcdef";

    static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("RAW_BUCKET", "raw");
        env.put("PROCESSED_BUCKET", "processed");
        env.put("METADATA_TABLE", "metadata");
        env.put("PII_HMAC_KEY_PARAMETER", "/tributary/pii-hmac-key");
        return env;
    }

    @Test
    void fromEnv_whenOnlyRequiredSet_usesDefaults() {
        TransformerConfig config = TransformerConfig.fromEnv(new Env(env()));

        assertThat(config.gzipLevel()).isEqualTo(6);
        assertThat(config.uploadPartBytes()).isEqualTo(8 << 20);
        assertThat(config.limits().maxDecompressedBytes()).isEqualTo(6L * 1024 * 1024);
        assertThat(config.piiKeyParameter()).contains("/tributary/pii-hmac-key");
    }

    @Test
    void fromEnv_whenRequiredMissing_namesTheVariable() {
        Map<String, String> env = env();
        env.remove("PROCESSED_BUCKET");

        assertThatThrownBy(() -> TransformerConfig.fromEnv(new Env(env)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("PROCESSED_BUCKET");
    }

    @Test
    void fromEnv_whenNoKey_namesBothWaysToGiveOneEvenWithoutPiiFields() {
        Map<String, String> env = env();
        env.remove("PII_HMAC_KEY_PARAMETER");

        assertThatThrownBy(() -> TransformerConfig.fromEnv(new Env(env)))
                .hasMessageContaining("PII_HMAC_KEY_PARAMETER")
                .hasMessageContaining("PII_HMAC_KEY");
        env.put("ENRICHMENT_CONFIG", "{}"); // the bundled PII policies hash whatever the enrichment says
        assertThatThrownBy(() -> TransformerConfig.fromEnv(new Env(env)))
                .hasMessageContaining("PII_HMAC_KEY_PARAMETER");
    }

    @Test
    void fromEnv_whenKeyVersionAndRefreshUnset_defaultsToVersion1AndFiveMinutes() {
        TransformerConfig config = TransformerConfig.fromEnv(new Env(env()));

        assertThat(config.piiKeyVersion()).isEqualTo(1);
        assertThat(config.piiKeyRefresh()).isEqualTo(java.time.Duration.ofMinutes(5));
    }

    @Test
    void fromEnv_whenKeyTooShortOrPartTooSmall_refusesWithoutEchoingTheKey() {
        Map<String, String> env = env();
        env.put("PII_HMAC_KEY", "hunter2");
        assertThatThrownBy(() -> TransformerConfig.fromEnv(new Env(env)))
                .hasMessageContaining("PII_HMAC_KEY")
                .hasMessageNotContaining("hunter2");

        Map<String, String> small = env();
        small.put("UPLOAD_PART_BYTES", "1048576");
        assertThatThrownBy(() -> TransformerConfig.fromEnv(new Env(small))).hasMessageContaining("UPLOAD_PART_BYTES");
    }

    @Test
    void toString_whenKeySet_neverShowsIt() {
        Map<String, String> env = env();
        env.put("PII_HMAC_KEY", KEY);

        assertThat(TransformerConfig.fromEnv(new Env(env)).toString())
                .doesNotContain(KEY)
                .contains("(set)");
    }
}
