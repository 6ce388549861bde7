package dev.tributary.devtools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.toolkit.SamTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The function as {@code tributary invoke} reads it from the real template, and SAM's {@code --env-vars} rules. */
class TemplateFunctionTest {
    private static final Path TEMPLATE = SamTemplate.locate();

    @Nested
    class Read {
        @Test
        void read_whenProcessor_hasTheTemplatesHandlerJarMemoryTimeoutAndNames() {
            TemplateFunction f = TemplateFunction.read(TEMPLATE, "KinesisProcessorFunction", "eu-west-1");

            assertThat(f.handler()).isEqualTo("dev.tributary.processor.KinesisProcessorHandler::handleRequest");
            assertThat(f.jar())
                    .isEqualTo(TEMPLATE.toAbsolutePath()
                            .getParent()
                            .getParent()
                            .resolve("kinesis-processor/target/kinesis-processor.jar"));
            assertThat(f.layers())
                    .containsExactly(
                            TEMPLATE.toAbsolutePath().getParent().getParent().resolve("layer/target/common-layer.zip"));
            assertThat(f.memoryMb()).isEqualTo(1024);
            assertThat(f.timeoutSeconds()).isEqualTo(60);
            assertThat(f.functionName()).isEqualTo("tributary-kinesis-processor");
            assertThat(f.resolvedEnvironment())
                    .containsEntry("RAW_BUCKET", "tributary-raw-123456789012-eu-west-1")
                    .containsEntry("METADATA_TABLE", "tributary-metadata")
                    .containsEntry("MAX_RECORD_BYTES", "1048576")
                    .doesNotContainKey("AWS_ENDPOINT_URL"); // AWS::NoValue unless AwsEndpointUrl is set
        }

        @Test
        void read_whenNoSuchFunction_namesTheFunctionsThereAre() {
            assertThatThrownBy(() -> TemplateFunction.read(TEMPLATE, "Nope", "us-east-1"))
                    .hasMessageContaining("KinesisProcessorFunction, S3TransformerFunction, GlueOrchestratorFunction");
        }
    }

    @Nested
    class EnvVars {
        @TempDir
        Path dir;

        @Test
        void withEnvVars_whenSamFormat_functionSectionWinsOverParametersAndUndeclaredAreIgnored() throws IOException {
            Path file = dir.resolve("env.json");
            Files.writeString(file, """
                    {"Parameters": {"AWS_ENDPOINT_URL": "http://127.0.0.1:4566", "METADATA_TABLE": "from-parameters"},
                     "KinesisProcessorFunction": {"METADATA_TABLE": "mine", "NOT_DECLARED": "x"},
                     "S3TransformerFunction": {"RAW_BUCKET": "not-for-the-processor"}}""");

            TemplateFunction f = TemplateFunction.read(TEMPLATE, "KinesisProcessorFunction", "us-east-1")
                    .withEnvVars(file);

            assertThat(f.resolvedEnvironment())
                    .containsEntry("AWS_ENDPOINT_URL", "http://127.0.0.1:4566") // declared, though NoValue in AWS
                    .containsEntry("METADATA_TABLE", "mine")
                    .containsEntry("RAW_BUCKET", "tributary-raw-123456789012-us-east-1")
                    .doesNotContainKey("NOT_DECLARED");
            assertThat(f.ignoredEnvVars()).containsExactly("NOT_DECLARED");
        }

        @Test
        void withEnvVars_whenFunctionSectionCarriesTheRoleSession_setsItThoughTheTemplateCannotDeclareIt()
                throws IOException {
            Path file = dir.resolve("env.json");
            Files.writeString(file, """
                    {"Parameters": {"AWS_ACCESS_KEY_ID": "not-per-function"},
                     "KinesisProcessorFunction": {"AWS_ACCESS_KEY_ID": "ASIAROLE", "AWS_SECRET_ACCESS_KEY": "s",
                                                  "AWS_SESSION_TOKEN": "t"}}""");

            TemplateFunction f = TemplateFunction.read(TEMPLATE, "KinesisProcessorFunction", "us-east-1")
                    .withEnvVars(file);

            assertThat(f.resolvedEnvironment())
                    .containsEntry("AWS_ACCESS_KEY_ID", "ASIAROLE")
                    .containsEntry("AWS_SECRET_ACCESS_KEY", "s")
                    .containsEntry("AWS_SESSION_TOKEN", "t");
            assertThat(f.ignoredEnvVars()).isEmpty();
        }

        @Test
        void withEnvVars_whenNotAnObject_failsNamingTheExpectedShape() throws IOException {
            Path file = dir.resolve("env.json");
            Files.writeString(file, "[1, 2]");

            assertThatThrownBy(() -> TemplateFunction.read(TEMPLATE, "KinesisProcessorFunction", "us-east-1")
                            .withEnvVars(file))
                    .hasMessageContaining("{\"KinesisProcessorFunction\": {\"VAR\": \"value\"}}");
        }
    }
}
