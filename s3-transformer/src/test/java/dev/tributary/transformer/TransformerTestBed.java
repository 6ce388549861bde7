package dev.tributary.transformer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.aws.AwsClientFactory;
import dev.tributary.common.aws.AwsSettings;
import dev.tributary.common.config.Env;
import dev.tributary.common.event.EventSchemas;
import dev.tributary.common.json.Json;
import dev.tributary.common.layout.ObjectKeys;
import dev.tributary.common.logging.StructuredLogger;
import dev.tributary.devkit.AwsEmulator;
import dev.tributary.devkit.LocalDeployment;
import dev.tributary.devkit.PipelineResources;
import dev.tributary.processor.KinesisProcessorHandler;
import dev.tributary.toolkit.LambdaEvents;
import dev.tributary.transformer.enrich.RecordEnricher;
import dev.tributary.transformer.enrich.ReferenceData;
import dev.tributary.transformer.enrich.UserAgentClassifier;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The pipeline up to the processed bucket in the emulator: the processor's resources, a processed bucket (versioned,
 * so tests can count writes), and the raw bucket's ObjectCreated notifications going to an SQS queue, as a user who
 * puts a queue between S3 and the transformer would configure it.
 */
final class TransformerTestBed implements AutoCloseable {
    static final String PII_KEY = "tributary-test-key-0123456789abcdef";

    static final String TRANSFORMER = "S3TransformerFunction";
    final AwsEmulator emulator = AwsEmulator.get();
    final AwsClientFactory clients = emulator.clients();
    final PipelineResources resources;
    final String processedBucket;
    final String queueUrl;
    final String queueArn;
    final S3Client s3 = clients.s3();
    final DynamoDbClient dynamoDb = clients.dynamoDb();
    final SqsClient sqs = clients.configure(SqsClient.builder()).build();
    final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    /** The transformer's own clients: its role's session, through the IAM gate. */
    private final AwsClientFactory functionClients;

    private final DynamoDbClient functionDynamoDb;
    private KinesisProcessorHandler processor;
    private long nextSequence = 1;

    TransformerTestBed() {
        resources = PipelineResources.deploy(emulator, "tx-it", 1);
        LocalDeployment deployment = resources.deployment();
        processedBucket = deployment.physicalId("ProcessedBucket");
        // Versioned here only so the tests can count the transformer's writes (processedWrites); the template's
        // processed bucket is not versioned, and nothing the transformer does depends on it.
        s3.putBucketVersioning(b -> b.bucket(processedBucket).versioningConfiguration(v -> v.status("Enabled")));
        // The raw bucket's notifications as the template defines them (prefix raw/, suffix .jsonl.gz), delivered to
        // the queue that stands in for the function.
        queueUrl = deployment.notificationQueueUrl("RawBucket").orElseThrow();
        queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes()
                .get(QueueAttributeName.QUEUE_ARN);
        functionClients = new AwsClientFactory(AwsSettings.fromEnv(new Env(environment(Map.of()))));
        functionDynamoDb = functionClients.dynamoDb();
    }

    /**
     * The transformer's environment on this bed, as the template defines it with its role's session (plus
     * {@code overrides}); the PII key is given directly instead of through SSM.
     */
    Map<String, String> environment(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(resources.deployment().functionEnvironment(TRANSFORMER));
        env.remove("PII_HMAC_KEY_PARAMETER");
        env.put("PII_HMAC_KEY", PII_KEY);
        env.put("METADATA_WAIT_SECONDS", "2");
        env.putAll(overrides);
        env.values().removeIf(v -> v == null || v.isEmpty());
        return env;
    }

    TransformerConfig config(Map<String, String> overrides) {
        return TransformerConfig.fromEnv(new Env(environment(overrides)));
    }

    /** A handler on the emulator whose S3 calls pass through {@code s3Interceptors}. */
    S3TransformerHandler transformer(
            Map<String, String> overrides, List<ExecutionInterceptor> s3Interceptors, EventSchemas schemas) {
        TransformerConfig config = config(overrides);
        S3Client interceptedS3 = functionClients
                .configure(S3Client.builder())
                .forcePathStyle(true)
                .overrideConfiguration(c -> s3Interceptors.forEach(c::addExecutionInterceptor))
                .build();
        PiiKeys keys = new PiiKeys(config, name -> {
            throw new IOException("no SSM in this handler");
        });
        return new S3TransformerHandler(
                config,
                interceptedS3,
                functionDynamoDb,
                keys,
                schemas,
                Clock.systemUTC(),
                new StructuredLogger(
                        "s3-transformer", new PrintStream(logs, true, StandardCharsets.UTF_8), Clock.systemUTC()),
                duration -> Thread.sleep(duration.toMillis()));
    }

    S3TransformerHandler transformer() {
        return transformer(Map.of(), List.of(), new EventSchemas());
    }

    /** The real kinesis-processor, configured from its environment on this bed. */
    KinesisProcessorHandler processor() {
        if (processor == null) {
            processor = new KinesisProcessorHandler(new Env(resources.processorEnvironment()));
        }
        return processor;
    }

    /**
     * Runs {@code events} through the processor as one Kinesis batch of shard {@code shardId}, with sequence numbers
     * continuing from the previous batch unless {@code firstSequence} is given (a re-delivered, bisected batch).
     *
     * @return the sequence numbers used
     */
    List<String> produce(List<String> events, Long firstSequence) {
        long first = firstSequence != null ? firstSequence : nextSequence;
        List<Record> records = new ArrayList<>();
        List<String> sequences = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            String sequence = String.format("4959%052d", first + i);
            sequences.add(sequence);
            records.add(Record.builder()
                    .sequenceNumber(sequence)
                    .partitionKey("k" + i)
                    .approximateArrivalTimestamp(Instant.parse("2026-11-22T10:30:00Z"))
                    .data(SdkBytes.fromUtf8String(events.get(i)))
                    .build());
        }
        nextSequence = Math.max(nextSequence, first + events.size());
        var response = LambdaEvents.invoke(
                processor(),
                LambdaEvents.kinesisEventJson(resources.streamArn(), "shardId-000000000000", emulator.region(), records)
                        .getBytes(StandardCharsets.UTF_8),
                null);
        if (!response.getBatchItemFailures().isEmpty()) {
            throw new IllegalStateException("processor failed: " + response.getBatchItemFailures());
        }
        return sequences;
    }

    List<String> produce(List<String> events) {
        return produce(events, null);
    }

    /**
     * Receives (and deletes) notifications until {@code objectEvents} object-created messages have arrived; S3's
     * {@code s3:TestEvent} from configuring the notification is kept too, as a real queue would deliver it.
     */
    List<Message> receiveNotifications(int objectEvents) {
        List<Message> all = new ArrayList<>();
        long giveUp = System.currentTimeMillis() + 15_000;
        while (all.stream().filter(m -> m.body().contains("ObjectCreated")).count() < objectEvents) {
            if (System.currentTimeMillis() > giveUp) {
                throw new AssertionError("expected " + objectEvents + " notifications, got " + all);
            }
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl)
                            .maxNumberOfMessages(10)
                            .waitTimeSeconds(1)
                            .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                            .messageAttributeNames("All"))
                    .messages();
            all.addAll(batch);
            batch.forEach(m -> sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle())));
        }
        return all;
    }

    /** The notifications of object-created events only, one per message. */
    List<Message> objectNotifications(int count) {
        return receiveNotifications(count).stream()
                .filter(m -> m.body().contains("ObjectCreated"))
                .toList();
    }

    /** The JSON Lambda's SQS event source sends for {@code messages}. */
    String sqsEvent(List<Message> messages) {
        return LambdaEvents.sqsEventJson(queueArn, emulator.region(), messages);
    }

    /** Invokes {@code handler} with event JSON, as the Lambda runtime does. */
    static String invoke(S3TransformerHandler handler, String json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The raw key an S3 notification message names. */
    static String rawKey(Message notification) {
        try {
            JsonNode body = Json.mapper().readTree(notification.body());
            return S3Notifications.decodeKey(body.at("/Records/0/s3/object/key").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] processedBytes(String rawKey) {
        return s3.getObjectAsBytes(b -> b.bucket(processedBucket).key(ObjectKeys.processedFor(rawKey)))
                .asByteArray();
    }

    List<JsonNode> processedRecords(String rawKey) {
        return RawObjects.gunzipLines(processedBytes(rawKey)).stream()
                .map(TransformerTestBed::parse)
                .toList();
    }

    Optional<HeadObjectResponse> processedHead(String rawKey) {
        try {
            return Optional.of(s3.headObject(b -> b.bucket(processedBucket).key(ObjectKeys.processedFor(rawKey))));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    /** Versions of the processed object: how many times it was written. */
    int processedWrites(String rawKey) {
        String key = ObjectKeys.processedFor(rawKey);
        return (int)
                s3.listObjectVersionsPaginator(b -> b.bucket(processedBucket).prefix(key)).versions().stream()
                        .filter(v -> v.key().equals(key))
                        .count();
    }

    /**
     * What transforming the current raw version once gives, computed offline with the same configuration: the
     * reference the idempotency tests compare the processed object with, byte for byte.
     */
    byte[] expectedProcessed(String rawKey, Map<String, String> overrides) throws Exception {
        TransformerConfig config = config(overrides);
        var raw = s3.getObject(b -> b.bucket(resources.rawBucket()).key(rawKey).checksumMode(ChecksumMode.ENABLED));
        RecordEnricher enricher = new RecordEnricher(
                config.enrichment(),
                new UserAgentClassifier(100),
                new ReferenceData(
                        config.enrichment().referenceData(),
                        (uri, max) -> s3.getObjectAsBytes(b -> b.bucket(uri.getHost())
                                        .key(uri.getPath().substring(1)))
                                .asByteArray(),
                        1 << 20));
        String type = ObjectKeys.parse(rawKey).orElseThrow().partition().eventType();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new StreamTransformer(enricher, config.limits(), config.gzipLevel())
                .transform(
                        raw,
                        out,
                        type,
                        raw.response().lastModified(),
                        new dev.tributary.transformer.enrich.PiiHasher(
                                PII_KEY.getBytes(StandardCharsets.UTF_8), config.piiKeyVersion()));
        return out.toByteArray();
    }

    Map<String, AttributeValue> metadata(String rawKey) {
        return dynamoDb.getItem(b -> b.tableName(resources.metadataTable())
                        .key(Map.of("object_key", AttributeValue.fromS(rawKey)))
                        .consistentRead(true))
                .item();
    }

    /** Keys under {@code raw/}. */
    List<String> rawKeys() {
        return s3.listObjectsV2Paginator(b -> b.bucket(resources.rawBucket()).prefix("raw/")).contents().stream()
                .map(o -> o.key())
                .toList();
    }

    String logText() {
        return logs.toString(StandardCharsets.UTF_8);
    }

    static JsonNode parse(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        s3.close();
        dynamoDb.close();
        functionDynamoDb.close();
        sqs.close();
    }
}
