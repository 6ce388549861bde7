package dev.tributary.devkit;

import dev.tributary.common.aws.AwsClientFactory;
import dev.tributary.devkit.ledger.PlacesReader;
import dev.tributary.devkit.ledger.RecordLedger;
import dev.tributary.toolkit.KplAggregator;
import dev.tributary.toolkit.SamTemplate;
import dev.tributary.toolkit.StreamProducer;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The whole pipeline on the emulator, deployed only from {@code infra/template.yaml} through
 * {@link LocalDeployment}, with each stage driven the way AWS drives it: produce ({@link StreamProducer}, every
 * accepted record entered in the {@link RecordLedger}), process (Lambda's Kinesis event source mapping,
 * {@link KinesisEventSourceSimulator}, as the processor's role), transform (S3's asynchronous invocation,
 * {@link AsyncInvocationSimulator}, as the transformer's role), orchestrate (the EventBridge events the orchestrator
 * is invoked with), inventory and ledger ({@link PlacesReader}). The demo, the soak and the test beds use it instead
 * of wiring the deployment and the simulators themselves.
 *
 * <p>The functions are passed in, not built here: devkit is a test dependency of the functions' modules, so it cannot
 * depend on them. The Glue run itself is not a stage here either: running the job needs local PySpark and the
 * repository's {@code glue-job/}, which the dev tools' {@code LocalGlueRunner} owns; this class gives it the events
 * and the job's name.
 */
public final class LocalPipeline implements AutoCloseable {
    public static final String PROCESSOR = "KinesisProcessorFunction";
    public static final String TRANSFORMER = "S3TransformerFunction";
    public static final String ORCHESTRATOR = "GlueOrchestratorFunction";
    /** The account the deployment's ARNs name, as in EventBridge events. */
    private static final String ACCOUNT = "123456789012";
    /** PutRecords entries per {@link #produce} step: the progress callback's grain. */
    private static final int PRODUCE_STEP = 500;

    private final AwsEmulator emulator;
    private final LocalDeployment deployment;
    private final RecordLedger ledger;
    private final PlacesReader places = new PlacesReader(false);
    private final KinesisClient kinesis;
    private final S3Client s3;
    private final SqsClient sqs;
    private final DynamoDbClient dynamoDb;
    private boolean piiKeySeeded;

    private LocalPipeline(AwsEmulator emulator, LocalDeployment deployment, RecordLedger ledger) {
        this.emulator = emulator;
        this.deployment = deployment;
        this.ledger = ledger;
        AwsClientFactory clients = emulator.clients(); // the operator's: producers and readers, not a function
        this.kinesis = clients.configure(KinesisClient.builder()).build();
        this.s3 = clients.s3();
        this.sqs = clients.configure(SqsClient.builder()).build();
        this.dynamoDb = clients.dynamoDb();
    }

    /**
     * Deploys the template with names starting {@code <prefix>-<random>}.
     *
     * @param overrides parameter values other than the template's defaults (e.g. {@code ShardCount})
     */
    public static LocalPipeline deploy(AwsEmulator emulator, String prefix, Map<String, String> overrides) {
        String namePrefix = (prefix + "-" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
        return deploy(emulator, SamTemplate.load(SamTemplate.locate()), namePrefix, overrides, new RecordLedger());
    }

    /**
     * Deploys {@code template} under {@code namePrefix}; {@code ledger} follows what {@link #produce} puts (a
     * preallocated one for a run that measures its heap).
     */
    public static LocalPipeline deploy(
            AwsEmulator emulator,
            SamTemplate template,
            String namePrefix,
            Map<String, String> overrides,
            RecordLedger ledger) {
        return new LocalPipeline(emulator, LocalDeployment.deploy(template, emulator, namePrefix, overrides), ledger);
    }

    public LocalDeployment deployment() {
        return deployment;
    }

    public AwsEmulator emulator() {
        return emulator;
    }

    /** Every user record the stream accepted from {@link #produce}, by position and content. */
    public RecordLedger ledger() {
        return ledger;
    }

    /**
     * A function's environment as the template defines it ({@link LocalDeployment#functionEnvironment}). For the
     * transformer, its PII key is stored first where the function reads it in AWS: an SSM SecureString.
     */
    public Map<String, String> functionEnvironment(String function) {
        Map<String, String> env = new LinkedHashMap<>(deployment.functionEnvironment(function));
        String parameter = env.get("PII_HMAC_KEY_PARAMETER");
        if (parameter != null && !piiKeySeeded) {
            piiKeySeeded = true;
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            try (SsmClient ssm =
                    emulator.clients().configure(SsmClient.builder()).build()) {
                ssm.putParameter(b -> b.name(parameter)
                        .type("SecureString")
                        .overwrite(true)
                        .value(Base64.getEncoder().encodeToString(key)));
            }
        }
        return env;
    }

    /**
     * Puts {@code records} on the template's stream through {@link StreamProducer} and enters each one the stream
     * accepted in the ledger; fails if the stream refused any after the producer's retries.
     *
     * @param progress told how many of {@code records} were sent so far
     */
    public StreamProducer.Tally produce(
            List<KplAggregator.UserRecord> records, StreamProducer.Settings settings, LongConsumer progress) {
        StreamProducer producer = new StreamProducer(kinesis, deployment.physicalId("EventStream"), settings);
        for (int start = 0; start < records.size(); start += PRODUCE_STEP) {
            producer.send(
                    records.subList(start, Math.min(records.size(), start + PRODUCE_STEP)),
                    accepted -> ledger.accepted(
                            new RecordLedger.Position(
                                    accepted.shardId(), accepted.sequenceNumber(), accepted.subSequenceNumber()),
                            accepted.data()));
            progress.accept(Math.min(records.size(), start + PRODUCE_STEP));
        }
        if (producer.tally().failed > 0) {
            throw new IllegalStateException(producer.tally().failed + " records were refused by the stream");
        }
        return producer.tally();
    }

    /** The processor's Kinesis event source mapping as the template declares it. */
    public KinesisEventSourceSimulator.Settings processorSettings() {
        return deployment.kinesisSettings(PROCESSOR);
    }

    /**
     * Feeds everything on the template's stream to {@code processor} as Lambda's event source mapping would, reading
     * the stream and sending on-failure records to the processor's dead-letter queue with the processor's execution
     * role (through the IAM gate).
     */
    public KinesisEventSourceSimulator.Report process(
            KinesisEventSourceSimulator.Settings settings, KinesisEventSourceSimulator.Handler processor) {
        AwsClientFactory role = deployment.functionClients(PROCESSOR);
        try (KinesisClient roleKinesis = role.configure(KinesisClient.builder()).build();
                SqsClient roleSqs = role.configure(SqsClient.builder()).build()) {
            return new KinesisEventSourceSimulator(roleKinesis, Optional.of(roleSqs), emulator.region(), settings)
                    .drain(
                            deployment.physicalId("EventStream"),
                            deployment.arn("EventStream"),
                            processor,
                            deployment.physicalId("ProcessorDeadLetterQueue"));
        }
    }

    /**
     * Delivers the raw bucket's notifications to {@code transformer} as S3 → Lambda would (Lambda's asynchronous
     * retries, {@code AsyncMaxRetryAttempts}), the on-failure records going to the transformer's dead-letter queue
     * with the transformer's role.
     *
     * @param patient  wait for notifications the emulator may deliver late
     * @param progress told how many notifications were delivered so far
     */
    public AsyncInvocationSimulator.Report transform(
            AsyncInvocationSimulator.Function transformer, boolean patient, IntConsumer progress) {
        String queue = deployment
                .notificationQueueUrl("RawBucket")
                .orElseThrow(() -> new IllegalStateException("the template gives the raw bucket no notification"));
        int retriesAllowed = Integer.parseInt(deployment.parameter("AsyncMaxRetryAttempts"));
        try (SqsClient transformerRole = deployment
                .functionClients(TRANSFORMER)
                .configure(SqsClient.builder())
                .build()) {
            return new AsyncInvocationSimulator(sqs, transformerRole, deployment.region())
                    .deliver(
                            queue,
                            transformer,
                            retriesAllowed,
                            deployment.physicalId("TransformerDeadLetterQueue"),
                            "s3-transformer",
                            patient,
                            progress);
        }
    }

    /** The curation job the orchestrator starts runs of. */
    public String curationJob() {
        return deployment.physicalId("CurationJob");
    }

    /** The EventBridge schedule's event, as the orchestrator is invoked with it. */
    public Map<String, Object> scheduledEvent() {
        Map<String, Object> event = eventEnvelope("Scheduled Event", "aws.events");
        event.put(
                "resources",
                List.of("arn:aws:events:" + deployment.region() + ":" + ACCOUNT + ":rule/tributary-schedule"));
        event.put("detail", Map.of());
        return event;
    }

    /** The "Glue Job State Change" event of a run of the curation job that ended in {@code state}. */
    public Map<String, Object> glueStateChange(String runId, String state) {
        Map<String, Object> event = eventEnvelope("Glue Job State Change", "aws.glue");
        event.put("resources", List.of());
        event.put(
                "detail",
                Map.of(
                        "jobName",
                        curationJob(),
                        "severity",
                        state.equals("SUCCEEDED") ? "INFO" : "ERROR",
                        "state",
                        state,
                        "jobRunId",
                        runId,
                        "message",
                        "local run " + state.toLowerCase(Locale.ROOT)));
        return event;
    }

    private Map<String, Object> eventEnvelope(String detailType, String source) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", detailType);
        event.put("source", source);
        event.put("account", ACCOUNT);
        event.put("time", Instant.now().toString());
        event.put("region", deployment.region());
        return event;
    }

    /**
     * Reads a bucket of the template ({@link PlacesReader#readBucket}): {@code failed/} lines go to {@code places}
     * (may be null) as quarantined, {@code processed/} lines as output when {@code processedIsOutput}.
     */
    public PlacesReader.BucketLines inventory(
            String bucketLogicalId,
            RecordLedger.Places places,
            boolean processedIsOutput,
            PlacesReader.ObjectVisitor visitor) {
        return this.places.readBucket(s3, deployment.physicalId(bucketLogicalId), places, processedIsOutput, visitor);
    }

    /** Enters what waits on the processor's and the transformer's dead-letter queues, without consuming it. */
    public void readDeadLetters(RecordLedger.Places places) {
        this.places.readDeadLetters(
                sqs,
                s3,
                deployment.physicalId("ProcessorDeadLetterQueue"),
                deployment.physicalId("TransformerDeadLetterQueue"),
                places);
    }

    /** Metadata items per status, and the sum of the transformer's records out ({@link MetadataTally}). */
    public Map<String, Long> metadataCounts() {
        return MetadataTally.count(dynamoDb, deployment.physicalId("MetadataTable"));
    }

    /** Messages visible on a queue of the template ({@code ApproximateNumberOfMessages}). */
    public int messages(String queueLogicalId) {
        String count = sqs.getQueueAttributes(b -> b.queueUrl(deployment.physicalId(queueLogicalId))
                        .attributeNamesWithStrings("ApproximateNumberOfMessages"))
                .attributesAsStrings()
                .get("ApproximateNumberOfMessages");
        return count == null ? 0 : Integer.parseInt(count);
    }

    @Override
    public void close() {
        kinesis.close();
        s3.close();
        sqs.close();
        dynamoDb.close();
    }
}
