package dev.tributary.processor;

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

class KinesisProcessorConfigTest {
    private static final Map<String, String> COMPLETE =
            Map.of("RAW_BUCKET", "raw", "METADATA_TABLE", "meta", "QUARANTINE_QUEUE_URL", "http://q");

    @Test
    void fromEnv_whenOnlyRequiredSet_usesDefaults() {
        KinesisProcessorConfig config = KinesisProcessorConfig.fromEnv(new Env(COMPLETE));

        assertThat(config.maxRecordBytes()).isEqualTo(1024 * 1024);
        assertThat(config.maxFutureSkew()).isEqualTo(Duration.ofDays(1));
        assertThat(config.gzipLevel()).isEqualTo(6);
        assertThat(config.metadataRetention()).isEqualTo(Duration.ofDays(90));
    }

    @Test
    void fromEnv_whenRawObjectsOutliveProcessedOnes_metadataLivesAsLongAsTheRawObjects() {
        Map<String, String> env = new HashMap<>(COMPLETE);
        env.put("RAW_RETENTION_DAYS", "120");
        env.put("PROCESSED_RETENTION_DAYS", "30");

        assertThat(KinesisProcessorConfig.fromEnv(new Env(env)).metadataRetention())
                .isEqualTo(Duration.ofDays(120));
    }

    @ParameterizedTest
    @ValueSource(strings = {"RAW_BUCKET", "METADATA_TABLE", "QUARANTINE_QUEUE_URL"})
    void fromEnv_whenRequiredVariableMissing_namesIt(String variable) {
        Map<String, String> env = new HashMap<>(COMPLETE);
        env.remove(variable);

        assertThatThrownBy(() -> KinesisProcessorConfig.fromEnv(new Env(env)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("missing required environment variable " + variable);
    }

    @Test
    void fromEnv_whenGzipLevelOutOfRange_refuses() {
        Map<String, String> env = new HashMap<>(COMPLETE);
        env.put("GZIP_LEVEL", "12");

        assertThatThrownBy(() -> KinesisProcessorConfig.fromEnv(new Env(env)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("GZIP_LEVEL must be between 1 and 9, was 12");
    }
}
