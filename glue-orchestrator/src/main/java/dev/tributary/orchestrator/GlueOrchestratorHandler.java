package dev.tributary.orchestrator;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.tributary.common.aws.AwsClientFactory;
import dev.tributary.common.aws.AwsSettings;
import dev.tributary.common.config.Env;
import dev.tributary.common.logging.StructuredLogger;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Lambda entry point for the EventBridge schedule and {@code Glue Job State Change} events.
 *
 * <p>Takes the event as a {@code Map} (what the Java runtime deserialises any EventBridge event into without
 * loss), decodes it into an {@link OrchestratorEvent}, and hands it to {@link GlueOrchestrator}. Every invocation
 * writes one summary line and one embedded-metric-format line. Returns the outcomes (useful for manual invokes).
 */
public final class GlueOrchestratorHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final GlueOrchestrator orchestrator;
    private final StructuredLogger log;
    private final Clock clock;

    /** Used by the Lambda runtime: configuration and clients from the environment. */
    public GlueOrchestratorHandler() {
        this(Env.system());
    }

    /** Configuration and clients from {@code env}: for local runners hosting the handler in their own JVM. */
    public GlueOrchestratorHandler(Env env) {
        this(env, System.out);
    }

    /** As {@link #GlueOrchestratorHandler(Env)}, logging to {@code logs} instead of standard output. */
    public GlueOrchestratorHandler(Env env, java.io.PrintStream logs) {
        this(OrchestratorConfig.fromEnv(env), new AwsClientFactory(AwsSettings.fromEnv(env)), logs);
    }

    private GlueOrchestratorHandler(OrchestratorConfig config, AwsClientFactory clients, java.io.PrintStream logs) {
        this(
                config,
                clients.dynamoDb(),
                clients.configure(GlueClient.builder()).build(),
                clients.s3(),
                clients.configure(SqsClient.builder()).build(),
                Clock.systemUTC(),
                new StructuredLogger("glue-orchestrator", logs, Clock.systemUTC()));
    }

    /** Tests and local runners pass their own clients. */
    GlueOrchestratorHandler(
            OrchestratorConfig config,
            DynamoDbClient dynamoDb,
            GlueClient glue,
            S3Client s3,
            SqsClient sqs,
            Clock clock,
            StructuredLogger log) {
        this.log = log;
        this.clock = clock;
        this.orchestrator = new GlueOrchestrator(
                config,
                new CheckpointStore(dynamoDb, config.checkpointTable()),
                new ProcessedIndex(dynamoDb, config.metadataTable(), config.processedBucket()),
                new AwsGlueJobs(glue, config.glueJobName()),
                new S3WindowManifests(s3, config.curatedBucket(), config.glueJobName()),
                new SqsDeadLetters(sqs, config.deadLetterQueueUrl()),
                clock,
                log);
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        long started = System.nanoTime();
        Metrics metrics = new Metrics();
        OrchestratorEvent decoded = OrchestratorEvent.decode(event);
        try {
            List<Outcome> outcomes = switch (decoded) {
                case OrchestratorEvent.Tick tick -> orchestrator.tick(metrics);
                case OrchestratorEvent.JobStateChange change -> List.of(orchestrator.onStateChange(change, metrics));
                case OrchestratorEvent.Unrecognized other ->
                    List.of(Outcome.of(
                            Outcome.Kind.IGNORED,
                            "not a schedule or Glue Job State Change event: source=" + other.source() + " detail-type="
                                    + other.detailType()));
            };
            Map<String, Object> response = new LinkedHashMap<>();
            response.put("event", decoded.getClass().getSimpleName());
            response.put("outcomes", outcomes.stream().map(Outcome::toMap).toList());
            Map<String, Object> summary = new LinkedHashMap<>(response);
            summary.put("request_id", context == null ? null : context.getAwsRequestId());
            summary.put("duration_ms", (System.nanoTime() - started) / 1_000_000);
            log.info("invocation handled", summary);
            return response;
        } finally {
            metrics.publish(log, clock);
        }
    }
}
