package dev.tributary.devkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.toolkit.SamTemplate;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/** The SAM template deployed into the emulator: what the template says is what exists. */
class LocalDeploymentIT {

    @Test
    void deploy_whenProjectTemplate_createsItsDataResourcesWithTheTemplatesSettings() {
        AwsEmulator emulator = AwsEmulator.get();
        SamTemplate template = SamTemplate.load(SamTemplate.locate());
        String prefix = "ld-" + UUID.randomUUID().toString().substring(0, 6);

        LocalDeployment deployment = LocalDeployment.deploy(template, emulator, prefix, Map.of("ShardCount", "2"));

        Map<String, String> env = deployment.functionEnvironment("KinesisProcessorFunction");
        assertThat(env.get("RAW_BUCKET"))
                .isEqualTo(deployment.physicalId("RawBucket"))
                .startsWith(prefix + "-raw-");
        assertThat(env.get("METADATA_TABLE")).isEqualTo(prefix + "-metadata");
        assertThat(env.get("QUARANTINE_QUEUE_URL"))
                .isEqualTo(deployment.physicalId("QuarantineQueue"))
                .endsWith(prefix + "-quarantine");
        assertThat(env).doesNotContainKey("DEAD_LETTER_QUEUE_URL"); // Lambda, not the function, writes the DLQ
        // Lambda's additions: a session of the function's own role, and (locally) the emulator's IAM gate in front.
        assertThat(env)
                .doesNotContainKey("NO_VALUE")
                .containsEntry(
                        "AWS_ENDPOINT_URL", deployment.iamGate().endpoint().toString())
                .containsEntry(
                        "AWS_ACCESS_KEY_ID",
                        deployment
                                .session("KinesisProcessorFunction")
                                .credentials()
                                .accessKeyId())
                .containsKeys("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN");
        assertThat(deployment.session("KinesisProcessorFunction").roleName())
                .isEqualTo(prefix + "-KinesisProcessorRole");
        assertThat(deployment.kinesisSettings("KinesisProcessorFunction").batchSize())
                .isEqualTo(Integer.parseInt(template.parameterDefaults().get("KinesisBatchSize")));
        assertThat(deployment.kinesisSettings("KinesisProcessorFunction").bisectOnFunctionError())
                .isTrue();

        AwsClientFactoryHolder clients = new AwsClientFactoryHolder(emulator);
        try (DynamoDbClient dynamoDb = clients.dynamoDb();
                S3Client s3 = clients.s3();
                KinesisClient kinesis = clients.kinesis()) {
            var table = dynamoDb.describeTable(b -> b.tableName(prefix + "-metadata"))
                    .table();
            assertThat(table.keySchema())
                    .singleElement()
                    .satisfies(k -> assertThat(k.attributeName()).isEqualTo("object_key"));
            assertThat(table.globalSecondaryIndexes())
                    .singleElement()
                    .satisfies(gsi -> assertThat(gsi.indexName()).isEqualTo("processed-by-hour"));
            String raw = deployment.physicalId("RawBucket");
            assertThat(s3.getBucketVersioning(b -> b.bucket(raw)).statusAsString())
                    .isEqualTo("Enabled");
            var notifications =
                    s3.getBucketNotificationConfiguration(b -> b.bucket(raw)).queueConfigurations();
            assertThat(notifications)
                    .singleElement()
                    .satisfies(q -> assertThat(q.filter().key().filterRules())
                            .extracting(r -> r.value())
                            .containsExactlyInAnyOrder("raw/", ".jsonl.gz"));
            assertThat(deployment.notificationQueueUrl("RawBucket")).isPresent();
            assertThat(kinesis.listShards(b -> b.streamName(deployment.physicalId("EventStream")))
                            .shards())
                    .hasSize(2);
        }
    }

    @Test
    void deployStreamInstance_whenTemplateStream_createsAnActiveStreamWithTheTemplatesShards() {
        AwsEmulator emulator = AwsEmulator.get();
        String prefix = "ld-" + UUID.randomUUID().toString().substring(0, 6);
        LocalDeployment deployment = LocalDeployment.deploy(
                SamTemplate.load(SamTemplate.locate()), emulator, prefix, Map.of("ShardCount", "3"));

        LocalDeployment.StreamInstance instance = deployment.deployStreamInstance("EventStream", "r1");

        assertThat(instance.name()).isEqualTo(deployment.physicalId("EventStream") + "-r1");
        try (KinesisClient kinesis = new AwsClientFactoryHolder(emulator).kinesis()) {
            var description =
                    kinesis.describeStream(b -> b.streamName(instance.name())).streamDescription();
            assertThat(description.streamARN()).isEqualTo(instance.arn());
            assertThat(description.shards()).hasSize(3);
            kinesis.deleteStream(b -> b.streamName(instance.name()));
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> deployment.deployStreamInstance("RawBucket", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no Kinesis stream");
    }

    /** Clients for the emulator. */
    private record AwsClientFactoryHolder(AwsEmulator emulator) {
        DynamoDbClient dynamoDb() {
            return emulator.clients().dynamoDb();
        }

        S3Client s3() {
            return emulator.clients().s3();
        }

        KinesisClient kinesis() {
            return emulator.clients().configure(KinesisClient.builder()).build();
        }
    }
}
