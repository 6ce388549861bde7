package dev.tributary.processor;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.aws.AwsClientFactory;
import dev.tributary.common.aws.AwsSettings;
import dev.tributary.common.config.Env;
import dev.tributary.common.json.Json;
import dev.tributary.common.layout.ObjectKeys;
import dev.tributary.common.logging.StructuredLogger;
import dev.tributary.devkit.AwsEmulator;
import dev.tributary.devkit.LocalPipeline;
import dev.tributary.devkit.PipelineResources;
import dev.tributary.toolkit.KplAggregator;
import dev.tributary.toolkit.LambdaEvents;
import dev.tributary.toolkit.StreamProducer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A kinesis-processor on the template's resources, deployed fresh in the emulator ({@link LocalPipeline}), running as
 * its template role behind the emulator's IAM gate; records go on the stream through the pipeline's producer, and
 * helpers (with the operator's credentials) read back what landed.
 */
final class ProcessorTestBed implements AutoCloseable {
    final AwsEmulator emulator = AwsEmulator.get();
    final AwsClientFactory clients = emulator.clients();
    final LocalPipeline pipeline;
    final PipelineResources resources;
    /** The processor's own clients: its role's session, through the IAM gate. */
    final AwsClientFactory functionClients;

    final S3Client s3 = clients.s3();
    final DynamoDbClient dynamoDb = clients.dynamoDb();
    final SqsClient sqs = clients.configure(SqsClient.builder()).build();
    final KinesisClient kinesis = clients.configure(KinesisClient.builder()).build();
    final ByteArrayOutputStream logs = new ByteArrayOutputStream();

    ProcessorTestBed(int shards) {
        this(LocalPipeline.deploy(AwsEmulator.get(), "kp-it", Map.of("ShardCount", Integer.toString(shards))));
    }

    ProcessorTestBed(LocalPipeline pipeline) {
        this.pipeline = pipeline;
        this.resources = PipelineResources.of(pipeline.deployment());
        this.functionClients = new AwsClientFactory(AwsSettings.fromEnv(new Env(resources.processorEnvironment())));
    }

    KinesisProcessorConfig config() {
        return KinesisProcessorConfig.fromEnv(new Env(resources.processorEnvironment()));
    }

    /** A handler on the emulator; S3 and DynamoDB calls pass through the given fault interceptors. */
    KinesisProcessorHandler handler(List<ExecutionInterceptor> s3Faults, List<ExecutionInterceptor> dynamoDbFaults) {
        S3Client faultyS3 = functionClients
                .configure(S3Client.builder())
                .forcePathStyle(true)
                .overrideConfiguration(c -> s3Faults.forEach(c::addExecutionInterceptor))
                .build();
        DynamoDbClient faultyDynamoDb = functionClients
                .configure(DynamoDbClient.builder())
                .overrideConfiguration(c -> dynamoDbFaults.forEach(c::addExecutionInterceptor))
                .build();
        SqsClient functionSqs = functionClients.configure(SqsClient.builder()).build();
        return new KinesisProcessorHandler(
                config(),
                faultyS3,
                faultyDynamoDb,
                functionSqs,
                Clock.systemUTC(),
                new StructuredLogger(
                        "kinesis-processor", new PrintStream(logs, true, StandardCharsets.UTF_8), Clock.systemUTC()));
    }

    KinesisProcessorHandler handler() {
        return handler(List.of(), List.of());
    }

    /** Puts records with PutRecords (partition key = index) and returns nothing; read them back with {@link #readShard}. */
    void put(List<String> records) {
        putBytes(records.stream().map(r -> r.getBytes(StandardCharsets.UTF_8)).toList());
    }

    /** As {@link #put}, for records that are not text (KPL aggregates): put as they are, one attempt each. */
    void putBytes(List<byte[]> records) {
        List<KplAggregator.UserRecord> entries = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            entries.add(new KplAggregator.UserRecord("key-" + i, records.get(i)));
        }
        pipeline.produce(entries, StreamProducer.Settings.plain(1), sent -> {});
    }

    /** Every record of the stream's first shard, from the start. */
    List<Record> readShard() {
        String shardId = kinesis.listShards(b -> b.streamName(resources.streamName()))
                .shards()
                .getFirst()
                .shardId();
        String iterator = kinesis.getShardIterator(b -> b.streamName(resources.streamName())
                        .shardId(shardId)
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                .shardIterator();
        List<Record> records = new ArrayList<>();
        while (true) {
            String current = iterator;
            var response = kinesis.getRecords(b -> b.shardIterator(current).limit(10_000));
            records.addAll(response.records());
            iterator = response.nextShardIterator();
            if (response.records().isEmpty()) {
                return records;
            }
        }
    }

    /** The event Lambda would build for these records of the first shard. */
    KinesisEvent event(List<Record> records) {
        String shardId = kinesis.listShards(b -> b.streamName(resources.streamName()))
                .shards()
                .getFirst()
                .shardId();
        return LambdaEvents.kinesisEvent(resources.streamArn(), shardId, emulator.region(), records);
    }

    /** Keys under a prefix of the raw bucket. */
    List<String> keys(String prefix) {
        return s3.listObjectsV2Paginator(b -> b.bucket(resources.rawBucket()).prefix(prefix)).contents().stream()
                .map(S3Object::key)
                .toList();
    }

    /** Current version of every raw object: key → its lines. */
    Map<String, List<String>> rawObjects() {
        Map<String, List<String>> objects = new LinkedHashMap<>();
        for (String key : keys(ObjectKeys.RAW_PREFIX)) {
            byte[] gz = s3.getObjectAsBytes(b -> b.bucket(resources.rawBucket()).key(key))
                    .asByteArray();
            try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
                objects.put(key, lines(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return objects;
    }

    /** Current version of every {@code failed/} object: key → its lines, parsed. */
    Map<String, List<JsonNode>> failedObjects() {
        Map<String, List<JsonNode>> objects = new LinkedHashMap<>();
        for (String key : keys(ObjectKeys.FAILED_PREFIX)) {
            String text = s3.getObjectAsBytes(
                            b -> b.bucket(resources.rawBucket()).key(key))
                    .asUtf8String();
            objects.put(key, lines(text).stream().map(ProcessorTestBed::parse).toList());
        }
        return objects;
    }

    /** How many versions each key has (the raw bucket is versioned). */
    Map<String, Integer> versionCounts(String prefix) {
        Map<String, Integer> counts = new HashMap<>();
        s3.listObjectVersionsPaginator(b -> b.bucket(resources.rawBucket()).prefix(prefix))
                .versions()
                .forEach(v -> counts.merge(v.key(), 1, Integer::sum));
        return counts;
    }

    Map<String, AttributeValue> metadata(String key) {
        return dynamoDb.getItem(b -> b.tableName(resources.metadataTable())
                        .key(Map.of("object_key", AttributeValue.fromS(key)))
                        .consistentRead(true))
                .item();
    }

    /** Receives (and deletes) every message currently on the quarantine notice queue. */
    List<Message> drainQuarantineQueue() {
        return drain(resources.quarantineQueueUrl());
    }

    /** Receives (and deletes) every message currently on the dead-letter queue. */
    List<Message> drainDeadLetterQueue() {
        return drain(resources.deadLetterQueueUrl());
    }

    private List<Message> drain(String queue) {
        List<Message> all = new ArrayList<>();
        while (true) {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queue)
                            .maxNumberOfMessages(10)
                            .messageAttributeNames("All")
                            .waitTimeSeconds(0))
                    .messages();
            if (batch.isEmpty()) {
                return all;
            }
            all.addAll(batch);
            batch.forEach(m -> sqs.deleteMessage(b -> b.queueUrl(queue).receiptHandle(m.receiptHandle())));
        }
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

    private static List<String> lines(String text) {
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    @Override
    public void close() {
        pipeline.close();
        s3.close();
        dynamoDb.close();
        sqs.close();
        kinesis.close();
    }
}
