package dev.tributary.processor;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.tributary.common.aws.AwsClientFactory;
import dev.tributary.common.aws.AwsSettings;
import dev.tributary.common.aws.OfflineHttpClient;
import dev.tributary.common.config.Env;
import dev.tributary.common.event.EventDecoder;
import dev.tributary.common.event.EventSchemas;
import dev.tributary.common.io.S3ObjectStore;
import dev.tributary.common.logging.EmbeddedMetrics;
import dev.tributary.common.logging.StructuredLogger;
import dev.tributary.common.metadata.DynamoDbMetadataStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Lambda entry point for the Kinesis trigger: the invoke payload's JSON in, the partial-batch response's JSON out.
 *
 * <p>A {@link RequestStreamHandler}, so the runtime hands over the payload's bytes and {@link KinesisEventRecords}
 * decodes them straight into records: deserialising a {@code KinesisEvent} first cost a third of the handler's
 * allocation (docs/performance.md). {@code handleRequest} is the only method of that name, so the runtime interface
 * client, which picks among same-named public methods, has one candidate.
 *
 * <p>Wires its collaborators once per container and hands each batch to {@link BatchProcessor}. Invalid records
 * never fail the batch (they are quarantined); a storage failure reports one item failure, the sequence number to
 * retry from, which is always one Lambda delivered in this batch.
 */
public final class KinesisProcessorHandler implements RequestStreamHandler, Resource {
    private final KinesisProcessorConfig config;
    private final BatchProcessor processor;
    private final StructuredLogger log;
    private final Clock clock;
    /** CloudWatch namespace of the processor's embedded metrics. */
    static final String METRICS_NAMESPACE = "Tributary/KinesisProcessor";

    /** Used by the Lambda runtime: configuration and clients from the environment. */
    public KinesisProcessorHandler() {
        this(Env.system());
    }

    /**
     * Configuration and clients from {@code env} instead of the process environment: for local runners (the CLI's
     * demo) that host the handler in their own JVM.
     */
    public KinesisProcessorHandler(Env env) {
        this(env, System.out);
    }

    /** As {@link #KinesisProcessorHandler(Env)}, logging to {@code logs} instead of standard output. */
    public KinesisProcessorHandler(Env env, PrintStream logs) {
        this(KinesisProcessorConfig.fromEnv(env), new AwsClientFactory(AwsSettings.fromEnv(env)), logs);
        // SnapStart calls beforeCheckpoint once, when the version is published; the runtime keeps this handler
        // (and so the registration, which the context may hold weakly) for the life of the process.
        Core.getGlobalContext().register(this);
    }

    private KinesisProcessorHandler(KinesisProcessorConfig config, AwsClientFactory clients, PrintStream logs) {
        this(
                config,
                clients.s3(),
                clients.dynamoDb(),
                clients.configure(SqsClient.builder()).build(),
                Clock.systemUTC(),
                new StructuredLogger("kinesis-processor", logs, Clock.systemUTC()));
    }

    /**
     * The handler on clients its caller built and owns (and closes): for harnesses that host the function in their
     * own JVM with another HTTP client, e.g. the benchmarks' in-process one. Unlike the runtime's constructor, this
     * registers nothing with CRaC.
     */
    public static KinesisProcessorHandler withClients(
            KinesisProcessorConfig config,
            S3Client s3,
            DynamoDbClient dynamoDb,
            SqsClient sqs,
            Clock clock,
            StructuredLogger log) {
        return new KinesisProcessorHandler(config, s3, dynamoDb, sqs, clock, log);
    }

    /** Tests and local runners pass their own clients. */
    KinesisProcessorHandler(
            KinesisProcessorConfig config,
            S3Client s3,
            DynamoDbClient dynamoDb,
            SqsClient sqs,
            Clock clock,
            StructuredLogger log) {
        this.config = config;
        this.log = log;
        this.clock = clock;
        EventDecoder decoder = new EventDecoder(new EventSchemas(), config.maxRecordBytes(), config.maxFutureSkew());
        PartitionWriter writer = new S3PartitionWriter(
                new S3ObjectStore(s3), new DynamoDbMetadataStore(dynamoDb, config.metadataTable()), sqs, config, clock);
        this.processor = new BatchProcessor(
                decoder::decode, writer, config.writeConcurrency(), warning -> log.warn(warning, Map.of()));
    }

    /**
     * One batch: {@code input} is the Kinesis event source mapping's JSON; {@code output} gets
     * {@code {"batchItemFailures":[...]}}, empty or the one sequence number to retry from.
     *
     * @throws IllegalArgumentException naming the problem, if {@code input} is not a Kinesis event
     */
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        long started = System.nanoTime();
        List<StreamRecord> records = KinesisEventRecords.read(input);
        BatchResult result = processor.process(records);
        log.info("batch processed", summary(result, records, context, started));
        publishMetrics(result, records, context, started);
        KinesisEventRecords.writeResponse(result.retryFrom(), output);
    }

    /** One embedded-metric-format line per batch: what came in, where it went, what was written, how long it took. */
    private void publishMetrics(BatchResult result, List<StreamRecord> records, Context context, long started) {
        Map<String, EmbeddedMetrics.Metric> metrics = new LinkedHashMap<>();
        metrics.put("RecordsIn", EmbeddedMetrics.Metric.count(result.records()));
        metrics.put("UserRecordsIn", EmbeddedMetrics.Metric.count(result.userRecords()));
        metrics.put("KplAggregatesIn", EmbeddedMetrics.Metric.count(result.aggregates()));
        metrics.put("RecordsValid", EmbeddedMetrics.Metric.count(result.valid()));
        metrics.put("RecordsQuarantined", EmbeddedMetrics.Metric.count(result.quarantined()));
        metrics.put("ObjectsWritten", EmbeddedMetrics.Metric.count(result.objectsCreated() + result.objectsReplaced()));
        metrics.put("ObjectsUnchanged", EmbeddedMetrics.Metric.count(result.objectsUnchanged()));
        metrics.put("BytesWritten", EmbeddedMetrics.Metric.bytes(result.bytesWritten()));
        metrics.put("FailedWrites", EmbeddedMetrics.Metric.count(result.failedWrites()));
        metrics.put("BatchLatency", EmbeddedMetrics.Metric.millis((System.nanoTime() - started) / 1_000_000));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("request_id", context == null ? null : context.getAwsRequestId());
        if (!records.isEmpty()) {
            fields.put("shard_id", records.getFirst().position().shardId());
        }
        EmbeddedMetrics.publish(log, clock, METRICS_NAMESPACE, metrics, fields);
    }

    /**
     * SnapStart: prime before the snapshot, so restored environments start with the code of a batch loaded,
     * initialised and partly compiled instead of paying for it in their first invocation.
     */
    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        prime(config);
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        // Nothing to refresh: the clients resolve credentials per request and open connections on demand.
    }

    /**
     * Runs {@link PrimingBatch} through a second handler whose SDK clients answer in-process
     * ({@link OfflineHttpClient}): every class a real batch uses (event decoding, schema validation, gzip, SHA-256,
     * S3, DynamoDB and SQS marshalling, signing, checksums, response parsing) is loaded and run, and nothing leaves
     * the process, so priming needs no permissions and writes nothing.
     */
    public static void prime(KinesisProcessorConfig config) {
        AwsClientFactory offline = new AwsClientFactory(
                new AwsSettings(Region.US_EAST_1, Optional.empty()),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("priming", "priming")),
                OfflineHttpClient.forgetful());
        S3Client s3 = offline.s3();
        DynamoDbClient dynamoDb = offline.dynamoDb();
        SqsClient sqs = offline.configure(SqsClient.builder()).build();
        KinesisProcessorHandler primer = new KinesisProcessorHandler(
                config,
                s3,
                dynamoDb,
                sqs,
                Clock.systemUTC(),
                new StructuredLogger(
                        "kinesis-processor", new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC()));
        try {
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            primer.handleRequest(new ByteArrayInputStream(PrimingBatch.eventJson()), response, null);
            String answer = response.toString(StandardCharsets.UTF_8);
            if (!answer.equals(PrimingBatch.NO_FAILURES)) {
                throw new IllegalStateException("the priming batch failed: " + answer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the priming batch could not be read", e);
        } finally {
            primer.processor.close();
            s3.close();
            dynamoDb.close();
            sqs.close();
        }
    }

    private static Map<String, Object> summary(
            BatchResult result, List<StreamRecord> records, Context context, long started) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("request_id", context == null ? null : context.getAwsRequestId());
        if (!records.isEmpty()) {
            fields.put("stream", records.getFirst().position().stream());
            fields.put("shard_id", records.getFirst().position().shardId());
        }
        fields.put("first_sequence", result.firstSequence().orElse(null));
        fields.put("last_sequence", result.lastSequence().orElse(null));
        fields.put("records", result.records());
        fields.put("user_records", result.userRecords());
        fields.put("kpl_aggregates", result.aggregates());
        fields.put("valid", result.valid());
        fields.put("quarantined", result.quarantined());
        fields.put("objects_created", result.objectsCreated());
        fields.put("objects_unchanged", result.objectsUnchanged());
        fields.put("objects_replaced", result.objectsReplaced());
        fields.put("bytes_written", result.bytesWritten());
        fields.put("failed_writes", result.failedWrites());
        fields.put("retry_from", result.retryFrom().orElse(null));
        fields.put("duration_ms", (System.nanoTime() - started) / 1_000_000);
        return fields;
    }
}
