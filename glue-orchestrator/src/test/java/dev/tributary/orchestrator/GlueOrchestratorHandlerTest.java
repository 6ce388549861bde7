package dev.tributary.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.config.Env;
import dev.tributary.common.json.Json;
import dev.tributary.common.logging.StructuredLogger;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Offline: events that need no AWS call must make none. */
class GlueOrchestratorHandlerTest {
    private final List<String> calls = new ArrayList<>();
    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();

    private final ExecutionInterceptor noCalls = new ExecutionInterceptor() {
        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            calls.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
            throw new AssertionError("unexpected AWS call " + calls.getLast());
        }
    };

    private GlueOrchestratorHandler handler(String jobName) {
        Map<String, String> env = new HashMap<>(OrchestratorConfigTest.COMPLETE);
        env.put("GLUE_JOB_NAME", jobName);
        URI nowhere = URI.create("http://127.0.0.1:9");
        return new GlueOrchestratorHandler(
                OrchestratorConfig.fromEnv(new Env(env)),
                DynamoDbClient.builder()
                        .region(Region.US_EAST_1)
                        .endpointOverride(nowhere)
                        .credentialsProvider(AnonymousCredentialsProvider.create())
                        .overrideConfiguration(c -> c.addExecutionInterceptor(noCalls))
                        .build(),
                GlueClient.builder()
                        .region(Region.US_EAST_1)
                        .endpointOverride(nowhere)
                        .credentialsProvider(AnonymousCredentialsProvider.create())
                        .overrideConfiguration(c -> c.addExecutionInterceptor(noCalls))
                        .build(),
                S3Client.builder()
                        .region(Region.US_EAST_1)
                        .endpointOverride(nowhere)
                        .credentialsProvider(AnonymousCredentialsProvider.create())
                        .overrideConfiguration(c -> c.addExecutionInterceptor(noCalls))
                        .build(),
                SqsClient.builder()
                        .region(Region.US_EAST_1)
                        .endpointOverride(nowhere)
                        .credentialsProvider(AnonymousCredentialsProvider.create())
                        .overrideConfiguration(c -> c.addExecutionInterceptor(noCalls))
                        .build(),
                Clock.systemUTC(),
                new StructuredLogger(
                        "glue-orchestrator", new PrintStream(logs, true, StandardCharsets.UTF_8), Clock.systemUTC()));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "glue-job-state-change-succeeded.json",
                "glue-job-state-change-failed.json",
                "glue-job-state-change-timeout.json",
                "glue-job-state-change-stopped.json"
            })
    void handleRequest_whenDocumentedEventIsForAnotherJob_ignoresItWithoutAwsCalls(String fixture) {
        Map<String, Object> response = handler("tributary-curate").handleRequest(Events.load(fixture), null);

        assertThat(outcomes(response)).containsExactly("IGNORED");
        assertThat(calls).isEmpty();
    }

    @Test
    void handleRequest_whenGlueJobRunStatusEvent_ignoresIt() {
        Map<String, Object> response =
                handler("MyJob").handleRequest(Events.load("glue-job-run-status-running.json"), null);

        assertThat(outcomes(response)).containsExactly("IGNORED");
        assertThat(calls).isEmpty();
    }

    @Test
    void handleRequest_always_publishesEveryCounterAsEmbeddedMetrics() {
        handler("MyJob").handleRequest(Events.load("glue-job-run-status-running.json"), null);

        JsonNode line = logLines().stream()
                .filter(l -> l.path("message").asText().equals("metrics"))
                .findFirst()
                .orElseThrow();
        JsonNode directive = line.get("_aws").get("CloudWatchMetrics").get(0);
        assertThat(directive.get("Namespace").asText()).isEqualTo(Metrics.NAMESPACE);
        assertThat(directive.get("Dimensions").toString()).isEqualTo("[[\"function\"]]");
        assertThat(line.get("function").asText()).isEqualTo("glue-orchestrator");
        assertThat(directive.get("Metrics")).hasSize(Metrics.Counter.values().length);
        for (Metrics.Counter counter : Metrics.Counter.values()) {
            assertThat(line.get(counter.name()).asLong()).as(counter.name()).isZero();
        }
        assertThat(line.get("_aws").get("Timestamp").isNumber()).isTrue();
    }

    @SuppressWarnings("unchecked")
    private static List<String> outcomes(Map<String, Object> response) {
        return ((List<Map<String, Object>>) response.get("outcomes"))
                .stream().map(o -> (String) o.get("outcome")).toList();
    }

    private List<JsonNode> logLines() {
        return logs.toString(StandardCharsets.UTF_8)
                .lines()
                .map(l -> {
                    try {
                        return Json.mapper().readTree(l);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .toList();
    }
}
