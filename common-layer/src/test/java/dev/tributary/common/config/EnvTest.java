package dev.tributary.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.common.aws.AwsSettings;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvTest {

    @Test
    void required_whenMissing_namesTheVariable() {
        assertThatThrownBy(() -> new Env(Map.of()).required("RAW_BUCKET"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("missing required environment variable RAW_BUCKET");
    }

    @Test
    void required_whenBlank_namesTheVariable() {
        assertThatThrownBy(() -> new Env(Map.of("RAW_BUCKET", "  ")).required("RAW_BUCKET"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("RAW_BUCKET");
    }

    @Test
    void positiveLong_whenMalformed_namesVariableAndValue() {
        assertThatThrownBy(() -> new Env(Map.of("MAX_RECORD_BYTES", "1MB")).positiveLong("MAX_RECORD_BYTES", 1))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("MAX_RECORD_BYTES must be a positive integer, was '1MB'");
    }

    @Test
    void positiveLong_whenUnset_returnsDefault() {
        assertThat(new Env(Map.of()).positiveLong("X", 7)).isEqualTo(7);
    }

    @Test
    void awsSettings_whenEndpointSet_overridesEndpoint() {
        AwsSettings settings = AwsSettings.fromEnv(
                new Env(Map.of("AWS_REGION", "eu-west-1", "AWS_ENDPOINT_URL", "http://127.0.0.1:5000")));

        assertThat(settings.region().id()).isEqualTo("eu-west-1");
        assertThat(settings.endpoint()).contains(URI.create("http://127.0.0.1:5000"));
    }

    @Test
    void awsSettings_whenRegionMissing_namesAwsRegion() {
        assertThatThrownBy(() -> AwsSettings.fromEnv(new Env(Map.of())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("missing required environment variable AWS_REGION");
    }

    @Test
    void awsSettings_whenEndpointNotAUrl_namesIt() {
        assertThatThrownBy(() -> AwsSettings.fromEnv(
                        new Env(Map.of("AWS_REGION", "us-east-1", "AWS_ENDPOINT_URL", "localhost:4566"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("AWS_ENDPOINT_URL");
    }

    @Test
    void awsSettings_whenSocketTimeoutUnset_defaultsToTenSeconds() {
        AwsSettings settings = AwsSettings.fromEnv(new Env(Map.of("AWS_REGION", "us-east-1")));

        assertThat(settings.socketTimeout()).isEqualTo(java.time.Duration.ofSeconds(10));
    }

    @Test
    void awsSettings_whenSocketTimeoutSet_usesIt() {
        AwsSettings settings =
                AwsSettings.fromEnv(new Env(Map.of("AWS_REGION", "us-east-1", "SDK_SOCKET_TIMEOUT_SECONDS", "2")));

        assertThat(settings.socketTimeout()).isEqualTo(java.time.Duration.ofSeconds(2));
    }

    @Test
    void awsSettings_whenSocketTimeoutNotANumber_namesIt() {
        assertThatThrownBy(() -> AwsSettings.fromEnv(
                        new Env(Map.of("AWS_REGION", "us-east-1", "SDK_SOCKET_TIMEOUT_SECONDS", "soon"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("SDK_SOCKET_TIMEOUT_SECONDS must be a positive integer, was 'soon'");
    }
}
