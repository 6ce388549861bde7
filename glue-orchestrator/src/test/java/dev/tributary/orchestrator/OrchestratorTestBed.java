package dev.tributary.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.aws.AwsClientFactory;
import dev.tributary.common.aws.AwsSettings;
import dev.tributary.common.config.Env;
import dev.tributary.common.json.Json;
import dev.tributary.common.logging.StructuredLogger;
import dev.tributary.common.metadata.DynamoDbMetadataStore;
import dev.tributary.common.metadata.MetadataAttributes;
import dev.tributary.devkit.AwsEmulator;
import dev.tributary.devkit.LocalDeployment;
import dev.tributary.toolkit.SamTemplate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.JobRun;
import software.amazon.awssdk.services.glue.model.JobRunState;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A glue-orchestrator on the template's resources, deployed fresh in the emulator (moto) through devkit's
 * LocalDeployment (checkpoint table, metadata table with its GSI {@code processed-by-hour}, processed and curated
 * buckets, the dead-letter queue, the Glue job with {@code MaxConcurrentRuns = 1}), running as its template role
 * behind the emulator's IAM gate.
 *
 * <p>moto's Glue job runs move STARTING → RUNNING → SUCCEEDED. Its default ("immediate") progression makes a run
 * SUCCEEDED the moment it is read, so a run would never be in flight and {@code ConcurrentRunsExceededException}
 * could never happen. The test bed therefore sets moto's state manager to {@code manual, times = 1}: every read of
 * a run ({@code GetJobRun}, {@code GetJobRuns}) moves it one state on, i.e. the tests (and the orchestrator's own
 * reconciling reads) decide when Glue "finishes" a run. moto has no
 * way to make a run FAILED, TIMEOUT or STOPPED: those ends come only from the documented state-change events.
 */
final class OrchestratorTestBed implements AutoCloseable {
    final AwsEmulator emulator = AwsEmulator.get();
    final AwsClientFactory clients = emulator.clients();
    final DynamoDbClient dynamoDb = clients.dynamoDb();
    final S3Client s3 = clients.s3();
    final SqsClient sqs = clients.configure(SqsClient.builder()).build();
    final GlueClient glue = clients.configure(GlueClient.builder()).build();
    final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    final TestClock clock = new TestClock(Instant.now());

    static final String ORCHESTRATOR = "GlueOrchestratorFunction";
    final LocalDeployment deployment;
    /** The orchestrator's own clients: its role's session, through the IAM gate. */
    final AwsClientFactory functionClients;

    final String jobName;
    final String checkpointTable;
    final String metadataTable;
    final String processedBucket;
    final String curatedBucket;
    final String deadLetterQueueUrl;
    private final Map<String, String> extraEnvironment = new HashMap<>();

    OrchestratorTestBed() {
        String base = ("go-it-" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
        MotoGlueRuns.useManualProgression(emulator);
        // The tables (the metadata table's processed-by-hour index included), buckets, queue and Glue job exactly as
        // infra/template.yaml defines them.
        deployment = LocalDeployment.deploy(SamTemplate.load(SamTemplate.locate()), emulator, base, Map.of());
        jobName = deployment.physicalId("CurationJob");
        checkpointTable = deployment.physicalId("CheckpointTable");
        metadataTable = deployment.physicalId("MetadataTable");
        processedBucket = deployment.physicalId("ProcessedBucket");
        curatedBucket = deployment.physicalId("CuratedBucket");
        deadLetterQueueUrl = deployment.physicalId("OrchestratorDeadLetterQueue");
        functionClients = new AwsClientFactory(AwsSettings.fromEnv(new Env(environment())));
    }

    /** Adds or overrides a function environment variable (e.g. MAX_RUN_ATTEMPTS) for handlers built afterwards. */
    OrchestratorTestBed env(String name, String value) {
        extraEnvironment.put(name, value);
        return this;
    }

    /** The orchestrator's environment as the template defines it, its role's session, plus {@link #env} overrides. */
    Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(deployment.functionEnvironment(ORCHESTRATOR));
        env.putAll(extraEnvironment);
        return env;
    }

    OrchestratorConfig config() {
        return OrchestratorConfig.fromEnv(new Env(environment()));
    }

    /** A handler on the emulator; Glue calls pass through the given fault interceptors. */
    GlueOrchestratorHandler handler(List<ExecutionInterceptor> glueFaults, List<ExecutionInterceptor> dynamoDbFaults) {
        GlueClient faultyGlue = functionClients
                .configure(GlueClient.builder())
                .overrideConfiguration(c -> glueFaults.forEach(c::addExecutionInterceptor))
                .build();
        DynamoDbClient faultyDynamoDb = functionClients
                .configure(DynamoDbClient.builder())
                .overrideConfiguration(c -> dynamoDbFaults.forEach(c::addExecutionInterceptor))
                .build();
        return new GlueOrchestratorHandler(
                config(),
                faultyDynamoDb,
                faultyGlue,
                functionClients.s3(),
                functionClients.configure(SqsClient.builder()).build(),
                clock,
                new StructuredLogger("glue-orchestrator", new PrintStream(logs, true, StandardCharsets.UTF_8), clock));
    }

    GlueOrchestratorHandler handler() {
        return handler(List.of(), List.of());
    }

    /** The SAM scheduled event, through a fresh handler; returns the outcome kinds. */
    List<String> tick() {
        return outcomes(handler().handleRequest(Events.load("scheduled-event.json"), null));
    }

    /** A documented state-change event for {@code runId} of this bed's job; returns the outcome kinds. */
    List<String> stateChange(String fixture, String runId) {
        return outcomes(handler().handleRequest(Events.stateChange(fixture, jobName, runId), null));
    }

    @SuppressWarnings("unchecked")
    static List<String> outcomes(Map<String, Object> response) {
        return ((List<Map<String, Object>>) response.get("outcomes"))
                .stream().map(o -> (String) o.get("outcome")).toList();
    }

    /**
     * Writes a metadata item the way the s3-transformer leaves it (status PROCESSED), processed at {@code at}.
     *
     * @return the processed object's partition prefix, as the orchestrator must name it
     */
    String seedProcessed(String eventType, Instant at) {
        return seed(eventType, at, "PROCESSED");
    }

    String seed(String eventType, Instant at, String status) {
        String dt = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC).format(at);
        String hr = DateTimeFormatter.ofPattern("HH").withZone(ZoneOffset.UTC).format(at);
        String name = "tributary-events.shardId-000000000000."
                + UUID.randomUUID().toString().replace("-", "") + ".jsonl.gz";
        String partition = "event_type=" + eventType + "/dt=" + dt + "/hr=" + hr + "/";
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(MetadataAttributes.OBJECT_KEY, s("raw/" + partition + name));
        item.put(MetadataAttributes.STATUS, s(status));
        item.put(MetadataAttributes.EVENT_TYPE, s(eventType));
        item.put(MetadataAttributes.DT, s(dt));
        item.put(MetadataAttributes.HR, s(hr));
        item.put(MetadataAttributes.PROCESSED_KEY, s("processed/" + partition + name));
        item.put(MetadataAttributes.PROCESSED_BUCKET, s(processedBucket));
        item.put(MetadataAttributes.PROCESSED_AT, s(at.toString()));
        item.put(MetadataAttributes.PROCESSED_HOUR, s(DynamoDbMetadataStore.processedHourOf(at)));
        dynamoDb.putItem(b -> b.tableName(metadataTable).item(item));
        return "s3://" + processedBucket + "/processed/" + partition;
    }

    Optional<Checkpoint> checkpoint() {
        return checkpointItem().map(CheckpointStore::checkpoint);
    }

    Checkpoint requireCheckpoint() {
        return checkpoint().orElseThrow(() -> new AssertionError("no checkpoint item"));
    }

    /** The checkpoint item exactly as stored (read directly, not through the orchestrator's store). */
    Optional<Map<String, AttributeValue>> checkpointItem() {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(checkpointTable)
                        .key(Map.of(CheckpointStore.JOB_NAME, s(jobName)))
                        .consistentRead(true))
                .item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    Map<String, AttributeValue> requireCheckpointItem() {
        return checkpointItem().orElseThrow(() -> new AssertionError("no checkpoint item"));
    }

    /** Every run of the job. Careful: in moto every read (GetJobRuns too) moves each run one state on. */
    List<JobRun> runs() {
        return glue.getJobRunsPaginator(b -> b.jobName(jobName)).jobRuns().stream()
                .toList();
    }

    /** Plays Glue finishing a run: reads it (each read moves a moto run one state on) until SUCCEEDED. */
    void finishInGlue(String runId) {
        for (int i = 0; i < 5; i++) {
            if (glue.getJobRun(b -> b.jobName(jobName).runId(runId)).jobRun().jobRunState() == JobRunState.SUCCEEDED) {
                return;
            }
        }
        throw new AssertionError("run " + runId + " did not reach SUCCEEDED in moto");
    }

    /** Starts a run of the job outside the orchestrator (a console or CLI run). */
    String startOutsideRun() {
        return glue.startJobRun(b -> b.jobName(jobName)).jobRunId();
    }

    /** Receives (and deletes) every message currently on the dead-letter queue. */
    List<Message> drainDeadLetterQueue() {
        List<Message> all = new ArrayList<>();
        while (true) {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(deadLetterQueueUrl)
                            .maxNumberOfMessages(10)
                            .messageAttributeNames("All")
                            .waitTimeSeconds(0))
                    .messages();
            if (batch.isEmpty()) {
                return all;
            }
            all.addAll(batch);
            batch.forEach(
                    m -> sqs.deleteMessage(b -> b.queueUrl(deadLetterQueueUrl).receiptHandle(m.receiptHandle())));
        }
    }

    /** The sum of one counter over every EMF line logged so far. */
    long metric(Metrics.Counter counter) {
        return logLines().stream()
                .filter(l -> l.path("message").asText().equals("metrics"))
                .mapToLong(l -> l.path(counter.name()).asLong())
                .sum();
    }

    List<JsonNode> logLines() {
        return logs.toString(StandardCharsets.UTF_8)
                .lines()
                .map(OrchestratorTestBed::parse)
                .toList();
    }

    static JsonNode parse(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    @Override
    public void close() {
        dynamoDb.close();
        s3.close();
        sqs.close();
        glue.close();
    }
}
