package dev.tributary.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.common.config.ConfigurationException;
import dev.tributary.common.config.Env;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OrchestratorConfigTest {
    static final Map<String, String> COMPLETE = Map.of(
            "GLUE_JOB_NAME",
            "MyJob",
            "CHECKPOINT_TABLE",
            "checkpoints",
            "METADATA_TABLE",
            "meta",
            "PROCESSED_BUCKET",
            "processed",
            "CURATED_BUCKET",
            "curated",
            "DEAD_LETTER_QUEUE_URL",
            "http://q");

    @Test
    void fromEnv_whenOnlyRequiredSet_usesDefaults() {
        OrchestratorConfig config = OrchestratorConfig.fromEnv(new Env(COMPLETE));

        assertThat(config.maxRunAttempts()).isEqualTo(3);
        assertThat(config.manifestThreshold()).isEqualTo(50);
        assertThat(config.initialLookback()).isEqualTo(Duration.ofHours(24));
        assertThat(config.settle()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.leaseDuration()).isEqualTo(Duration.ofMinutes(15));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "GLUE_JOB_NAME",
                "CHECKPOINT_TABLE",
                "METADATA_TABLE",
                "PROCESSED_BUCKET",
                "CURATED_BUCKET",
                "DEAD_LETTER_QUEUE_URL"
            })
    void fromEnv_whenRequiredVariableMissing_namesIt(String variable) {
        Map<String, String> env = new HashMap<>(COMPLETE);
        env.remove(variable);

        assertThatThrownBy(() -> OrchestratorConfig.fromEnv(new Env(env)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("missing required environment variable " + variable);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "three"})
    void fromEnv_whenMaxRunAttemptsNotPositive_namesIt(String value) {
        Map<String, String> env = new HashMap<>(COMPLETE);
        env.put("MAX_RUN_ATTEMPTS", value);

        assertThatThrownBy(() -> OrchestratorConfig.fromEnv(new Env(env)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("MAX_RUN_ATTEMPTS must be a positive integer");
    }

    @Test
    void fromEnv_whenManifestThresholdSet_usesIt() {
        Map<String, String> env = new HashMap<>(COMPLETE);
        env.put("MANIFEST_THRESHOLD", "7");
        env.put("MAX_RUN_ATTEMPTS", "5");

        OrchestratorConfig config = OrchestratorConfig.fromEnv(new Env(env));

        assertThat(config.manifestThreshold()).isEqualTo(7);
        assertThat(config.maxRunAttempts()).isEqualTo(5);
    }
}
