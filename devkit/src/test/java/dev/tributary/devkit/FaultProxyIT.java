package dev.tributary.devkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.common.aws.AwsClientFactory;
import dev.tributary.common.aws.AwsSettings;
import dev.tributary.toolkit.SamTemplate;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The fault proxy between real SDK clients and the emulator: the SDK must see each fault as it would see it from
 * AWS (parsed error codes, its own retries, socket timeouts), or the scenarios built on it prove nothing. The
 * bucket, table and queue are the template's ({@link LocalDeployment}), one deployment per test.
 */
class FaultProxyIT {
    private final AwsEmulator emulator = AwsEmulator.get();
    private final String prefix = "fp-" + UUID.randomUUID().toString().substring(0, 8);
    private LocalDeployment deployment;
    private String bucket;
    private FaultProxy proxy;
    private AwsClientFactory direct;
    private AwsClientFactory throughProxy;

    @BeforeEach
    void start() {
        proxy = FaultProxy.start(emulator.endpoint());
        direct = emulator.clients();
        throughProxy = new AwsClientFactory(
                new AwsSettings(emulator.region(), Optional.of(proxy.endpoint()), Duration.ofSeconds(1)),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")));
        deployment = LocalDeployment.deploy(SamTemplate.load(SamTemplate.locate()), emulator, prefix, Map.of());
        bucket = deployment.physicalId("RawBucket");
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    @Test
    void s3Put_whenSlowDownShorterThanTheSdksAttempts_succeedsAfterRetries() {
        proxy.inject(
                "slowdown",
                FaultRules.s3Put("raw/.*"),
                FaultProxy.Response.s3SlowDown(),
                FaultSchedule.firstAttempts(2));

        try (S3Client s3 = throughProxy.s3()) {
            s3.putObject(b -> b.bucket(bucket).key("raw/a.json"), RequestBody.fromString("{\"a\":1}"));
            assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("raw/a.json"))
                            .asUtf8String())
                    .isEqualTo("{\"a\":1}");
        }
        assertThat(proxy.injected()).containsEntry("slowdown", 2L);
    }

    @Test
    void s3Put_whenScheduledPerTarget_eachObjectMeetsItsOwnFaults() {
        proxy.inject(
                "slowdown",
                FaultRules.s3Put("raw/.*"),
                FaultProxy.Response.s3SlowDown(),
                FaultSchedule.firstAttempts(2));

        try (S3Client s3 = throughProxy.s3()) {
            s3.putObject(b -> b.bucket(bucket).key("raw/x.json"), RequestBody.fromString("x"));
            s3.putObject(b -> b.bucket(bucket).key("raw/y.json"), RequestBody.fromString("y"));
            s3.putObject(b -> b.bucket(bucket).key("raw/x.json"), RequestBody.fromString("x2"));
        }
        assertThat(proxy.injected()).containsEntry("slowdown", 4L); // two for x, two for y, none for x again
    }

    @Test
    void s3Put_whenSlowDownOutlastsTheSdksAttempts_throwsS3ExceptionWithTheCode() {
        proxy.inject("slowdown", FaultRules.s3Put("raw/.*"), FaultProxy.Response.s3SlowDown(), FaultSchedule.always());

        try (S3Client s3 = throughProxy.s3()) {
            assertThatThrownBy(() -> s3.putObject(b -> b.bucket(bucket).key("raw/b.json"), RequestBody.fromString("b")))
                    .isInstanceOf(S3Exception.class)
                    .satisfies(
                            e -> assertThat(((S3Exception) e).awsErrorDetails().errorCode())
                                    .isEqualTo("SlowDown"))
                    .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(503));
        }
        assertThat(proxy.injected().get("slowdown")).isGreaterThanOrEqualTo(3L); // every attempt the SDK made
        try (S3Client s3 = direct.s3()) {
            assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents()).isEmpty();
        }
    }

    @Test
    void s3Put_whenAnswerDropped_theWriteHappenedButTheCallerTimedOut() {
        proxy.inject(
                "lost-answer",
                FaultRules.s3Put("raw/.*"),
                FaultProxy.Response.dropAfterForwarding(),
                FaultSchedule.always());

        try (S3Client s3 = throughProxy.s3()) {
            assertThatThrownBy(() -> s3.putObject(b -> b.bucket(bucket).key("raw/c.json"), RequestBody.fromString("c")))
                    .isInstanceOf(SdkClientException.class)
                    .hasMessageContaining("timed out");
        }
        try (S3Client s3 = direct.s3()) {
            assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("raw/c.json"))
                            .asUtf8String())
                    .isEqualTo("c");
        }
    }

    @Test
    void dynamoDbUpdate_whenThrottled_throwsTheThrottlingTypeAfterTheSdksRetries() {
        String table = deployment.physicalId("CheckpointTable"); // key: job_name
        proxy.inject(
                "throttle",
                FaultRules.dynamoDb("UpdateItem"),
                FaultProxy.Response.dynamoDbThrottling(),
                FaultSchedule.always());

        try (DynamoDbClient dynamoDb = throughProxy.dynamoDb()) {
            assertThatThrownBy(() -> dynamoDb.updateItem(b -> b.tableName(table)
                            .key(Map.of("job_name", AttributeValue.fromS("x")))
                            .updateExpression("SET v = :v")
                            .expressionAttributeValues(Map.of(":v", AttributeValue.fromN("1")))))
                    .isInstanceOf(ProvisionedThroughputExceededException.class);
            // Only UpdateItem is broken: reads pass.
            assertThat(dynamoDb.getItem(b -> b.tableName(table).key(Map.of("job_name", AttributeValue.fromS("x"))))
                            .hasItem())
                    .isFalse();
        }
        // The factory bounds DynamoDB retries (the SDK default spends a minute on throttling).
        assertThat(proxy.injected().get("throttle")).isEqualTo((long) AwsClientFactory.DYNAMODB_MAX_ATTEMPTS);
    }

    @Test
    void sqs_whenUnavailableThenBack_failsWithAConnectionErrorThenRecovers() {
        String queue = deployment.physicalId("QuarantineQueue");
        proxy.inject("sqs-down", FaultRules.target("AmazonSQS."), FaultProxy.Response.reset(), FaultSchedule.always());

        try (SqsClient sqs = throughProxy.configure(SqsClient.builder()).build()) {
            assertThatThrownBy(() -> sqs.sendMessage(b -> b.queueUrl(queue).messageBody("m")))
                    .isInstanceOf(SdkClientException.class);
            proxy.heal();
            sqs.sendMessage(b -> b.queueUrl(queue).messageBody("m"));
        }
        assertThat(proxy.forwarded()).isPositive();
    }
}
