package dev.tributary.devkit;

import dev.tributary.common.aws.AwsClientFactory;
import dev.tributary.common.metadata.MetadataAttributes;
import java.util.Locale;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The kinesis-processor's resources in an emulator, under names unique to one test or demo run, so runs sharing an
 * emulator never see each other's data.
 *
 * @param streamName         Kinesis stream
 * @param streamArn          its ARN, as Lambda puts it in events
 * @param rawBucket          bucket for {@code raw/} and {@code failed/}
 * @param metadataTable      metadata table (hash key {@code object_key})
 * @param deadLetterQueueUrl the processor's dead-letter queue (the Kinesis on-failure destination)
 * @param quarantineQueueUrl the processor's quarantine notice queue
 */
public record PipelineResources(String streamName, String streamArn, String rawBucket, String metadataTable,
        String deadLetterQueueUrl, String quarantineQueueUrl) {

    /** Creates everything with names starting {@code <prefix>-<random>}; {@code shards} Kinesis shards. */
    public static PipelineResources create(AwsClientFactory clients, String prefix, int shards) {
        String base = (prefix + "-" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
        String stream = base + "-events";
        String bucket = base + "-raw";
        String table = base + "-metadata";
        String queue = base + "-processor-dlq";
        String quarantine = base + "-quarantine";

        try (KinesisClient kinesis = clients.configure(KinesisClient.builder()).build();
                S3Client s3 = clients.s3();
                DynamoDbClient dynamoDb = clients.dynamoDb();
                SqsClient sqs = clients.configure(SqsClient.builder()).build()) {
            kinesis.createStream(b -> b.streamName(stream).shardCount(shards));
            s3.createBucket(b -> b.bucket(bucket));
            s3.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(v -> v.status("Enabled")));
            dynamoDb.createTable(b -> b.tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .keySchema(KeySchemaElement.builder()
                            .attributeName(MetadataAttributes.OBJECT_KEY)
                            .keyType(KeyType.HASH)
                            .build())
                    .attributeDefinitions(AttributeDefinition.builder()
                            .attributeName(MetadataAttributes.OBJECT_KEY)
                            .attributeType(ScalarAttributeType.S)
                            .build()));
            String queueUrl = sqs.createQueue(b -> b.queueName(queue)).queueUrl();
            String quarantineUrl = sqs.createQueue(b -> b.queueName(quarantine)).queueUrl();
            String arn = awaitActive(kinesis, stream);
            dynamoDb.waiter().waitUntilTableExists(b -> b.tableName(table));
            return new PipelineResources(stream, arn, bucket, table, queueUrl, quarantineUrl);
        }
    }

    /** Waits until {@code stream} is ACTIVE and returns its ARN (shared with {@link LocalDeployment}). */
    public static String awaitActive(KinesisClient kinesis, String stream) {
        for (int attempt = 0; attempt < 100; attempt++) {
            var description = kinesis.describeStream(b -> b.streamName(stream)).streamDescription();
            if (description.streamStatus() == StreamStatus.ACTIVE) {
                return description.streamARN();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for stream " + stream, e);
            }
        }
        throw new IllegalStateException("stream " + stream + " did not become ACTIVE");
    }

    /** The processor's environment for these resources. */
    public java.util.Map<String, String> processorEnvironment() {
        return java.util.Map.of(
                "RAW_BUCKET", rawBucket,
                "METADATA_TABLE", metadataTable,
                "QUARANTINE_QUEUE_URL", quarantineQueueUrl);
    }
}
