package dev.tributary.devkit;

import dev.tributary.toolkit.SamTemplate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.s3.model.FilterRule;
import software.amazon.awssdk.services.s3.model.QueueConfiguration;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Creates one resource of each kind in the emulator from its template properties, already resolved by
 * {@link LocalDeployment} (which interprets the template: parameters, names, intrinsic functions). The only place
 * in the code base that creates a stream, table, bucket, queue or Glue job: everything else deploys the template.
 */
final class ResourceCreator {
    private ResourceCreator() {}

    /** Creates a queue; returns its URL. */
    static String queue(SqsClient sqs, String name) {
        return sqs.createQueue(b -> b.queueName(name)).queueUrl();
    }

    /** Creates a stream of {@code shards} shards, waits until it is active, and returns its ARN. */
    static String stream(KinesisClient kinesis, String name, int shards) {
        kinesis.createStream(b -> b.streamName(name).shardCount(shards));
        return awaitActive(kinesis, name);
    }

    /** Waits until {@code stream} is ACTIVE and returns its ARN. */
    static String awaitActive(KinesisClient kinesis, String stream) {
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

    /** Creates a table with the key schema, attributes and global secondary indexes of {@code p}. */
    static void table(DynamoDbClient dynamoDb, String name, Map<String, Object> p) {
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        for (Object index : list(p.get("GlobalSecondaryIndexes"))) {
            Map<String, Object> gsi = SamTemplate.map(index);
            indexes.add(GlobalSecondaryIndex.builder()
                    .indexName(gsi.get("IndexName").toString())
                    .keySchema(keySchema(gsi.get("KeySchema")))
                    .projection(Projection.builder()
                            .projectionType(ProjectionType.fromValue(SamTemplate.map(gsi.get("Projection"))
                                    .getOrDefault("ProjectionType", "ALL")
                                    .toString()))
                            .build())
                    .build());
        }
        dynamoDb.createTable(b -> {
            b.tableName(name)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .keySchema(keySchema(p.get("KeySchema")))
                    .attributeDefinitions(list(p.get("AttributeDefinitions")).stream()
                            .map(SamTemplate::map)
                            .map(a -> AttributeDefinition.builder()
                                    .attributeName(a.get("AttributeName").toString())
                                    .attributeType(a.get("AttributeType").toString())
                                    .build())
                            .toList());
            if (!indexes.isEmpty()) {
                b.globalSecondaryIndexes(indexes);
            }
        });
    }

    /**
     * Creates a bucket with the versioning of {@code p}; its Lambda notifications go to a stand-in queue
     * ({@code <bucket>-notifications}), whose URL is returned, since an emulator cannot invoke a handler in the
     * runner's JVM.
     */
    static Optional<String> bucket(S3Client s3, SqsClient sqs, String name, Map<String, Object> p) {
        s3.createBucket(b -> b.bucket(name));
        Object status = SamTemplate.map(p.get("VersioningConfiguration")).get("Status");
        if ("Enabled".equals(status)) {
            s3.putBucketVersioning(b -> b.bucket(name).versioningConfiguration(v -> v.status("Enabled")));
        }
        String notificationQueue = null;
        List<QueueConfiguration> targets = new ArrayList<>();
        for (Object config :
                list(SamTemplate.map(p.get("NotificationConfiguration")).get("LambdaConfigurations"))) {
            Map<String, Object> lambda = SamTemplate.map(config);
            String queueUrl = queue(sqs, name + "-notifications");
            String queueArn = sqs.getQueueAttributes(
                            b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes()
                    .get(QueueAttributeName.QUEUE_ARN);
            notificationQueue = queueUrl;
            List<FilterRule> rules =
                    list(SamTemplate.map(SamTemplate.map(lambda.get("Filter")).get("S3Key"))
                                    .get("Rules"))
                            .stream()
                            .map(SamTemplate::map)
                            .map(rule -> FilterRule.builder()
                                    .name(rule.get("Name").toString())
                                    .value(rule.get("Value").toString())
                                    .build())
                            .toList();
            targets.add(QueueConfiguration.builder()
                    .queueArn(queueArn)
                    .events(Event.fromValue(lambda.get("Event").toString()))
                    .filter(f -> f.key(k -> k.filterRules(rules)))
                    .build());
        }
        if (!targets.isEmpty()) {
            s3.putBucketNotificationConfiguration(
                    b -> b.bucket(name).notificationConfiguration(n -> n.queueConfigurations(targets)));
        }
        return Optional.ofNullable(notificationQueue);
    }

    /**
     * Creates a Glue Data Catalog database. The job's Iceberg tables are not created here: Glue writes Iceberg
     * metadata for OpenTableFormatInput, the emulator does not, so the job creates them on first use with the same
     * definition (docs/glue-job.md "Running locally").
     */
    static void glueDatabase(GlueClient glue, String name) {
        glue.createDatabase(b -> b.databaseInput(d -> d.name(name)));
    }

    /** Creates a Glue job with the role, version, command, concurrency and default arguments of {@code p}. */
    static void glueJob(GlueClient glue, String name, Map<String, Object> p) {
        Map<String, Object> command = SamTemplate.map(p.get("Command"));
        Map<String, String> arguments = new LinkedHashMap<>();
        SamTemplate.map(p.get("DefaultArguments")).forEach((k, v) -> arguments.put(k, String.valueOf(v)));
        glue.createJob(b -> b.name(name)
                .role(String.valueOf(p.get("Role")))
                .glueVersion(String.valueOf(p.getOrDefault("GlueVersion", "5.0")))
                .command(c -> c.name(String.valueOf(command.get("Name")))
                        .pythonVersion(String.valueOf(command.getOrDefault("PythonVersion", "3")))
                        .scriptLocation(String.valueOf(command.get("ScriptLocation"))))
                .executionProperty(e -> e.maxConcurrentRuns(Integer.parseInt(String.valueOf(
                        SamTemplate.map(p.get("ExecutionProperty")).getOrDefault("MaxConcurrentRuns", "1")))))
                .defaultArguments(arguments));
    }

    private static List<KeySchemaElement> keySchema(Object value) {
        return list(value).stream()
                .map(SamTemplate::map)
                .map(k -> KeySchemaElement.builder()
                        .attributeName(k.get("AttributeName").toString())
                        .keyType(k.get("KeyType").toString())
                        .build())
                .toList();
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> l ? l : List.of();
    }
}
