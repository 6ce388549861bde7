package dev.tributary.devkit.iam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.aws.AwsClientFactory;
import dev.tributary.common.aws.AwsSettings;
import dev.tributary.common.config.Env;
import dev.tributary.common.json.Json;
import dev.tributary.devkit.AwsEmulator;
import dev.tributary.devkit.LocalDeployment;
import dev.tributary.toolkit.SamTemplate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The gate as a function's SDK meets it: the services' own refusals, and what each refusal reports. */
class IamGateIT {
    private static final String PROCESSOR = "KinesisProcessorFunction";
    private static LocalDeployment deployment;

    @BeforeAll
    static void deploy() {
        deployment = LocalDeployment.deploy(
                SamTemplate.load(SamTemplate.locate()),
                AwsEmulator.get(),
                "gate-" + UUID.randomUUID().toString().substring(0, 8),
                Map.of());
    }

    private static List<IamGate.Denial> newDenials(int before) {
        List<IamGate.Denial> all = deployment.denials();
        return all.subList(before, all.size());
    }

    @Test
    void check_whenRolePolicyDoesNotAllowTheCall_answersAccessDeniedExceptionAndReportsIt() {
        int before = deployment.denials().size();
        try (DynamoDbClient dynamoDb = deployment.functionClients(PROCESSOR).dynamoDb()) {
            DynamoDbException refused = catchThrowableOfType(
                    DynamoDbException.class,
                    () -> dynamoDb.deleteItem(b -> b.tableName(deployment.physicalId("MetadataTable"))
                            .key(Map.of("object_key", AttributeValue.fromS("raw/x")))));

            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
            assertThat(refused.getMessage())
                    .contains(
                            "dynamodb:DeleteItem", deployment.session(PROCESSOR).sessionArn());
        }
        assertThat(newDenials(before)).singleElement().satisfies(denial -> {
            assertThat(denial.action().action()).isEqualTo("dynamodb:DeleteItem");
            assertThat(denial.action().resource()).isEqualTo(deployment.arn("MetadataTable"));
            assertThat(denial.decision()).isEqualTo(IamPolicyEvaluator.Decision.IMPLICITLY_DENIED);
        });
    }

    @Test
    void check_whenBucketPolicyDeniesWhatTheRoleAllows_theExplicitDenyWins() throws Exception {
        String bucket = deployment.physicalId("RawBucket");
        String roleArn = deployment.session(PROCESSOR).roleArn();
        JsonNode policy = Json.mapper().readTree("""
                {"Version": "2012-10-17", "Statement": [{"Sid": "NoBlocked", "Effect": "Deny",
                  "Principal": {"AWS": "%s"}, "Action": "s3:PutObject",
                  "Resource": "arn:aws:s3:::%s/raw/blocked/*"}]}""".formatted(roleArn, bucket));
        deployment.iamGate().resourcePolicy("arn:aws:s3:::" + bucket, policy);
        int before = deployment.denials().size();
        try (S3Client s3 = deployment.functionClients(PROCESSOR).s3()) {
            s3.putObject(b -> b.bucket(bucket).key("raw/open/a.jsonl.gz"), RequestBody.fromString("a"));
            S3Exception refused = catchThrowableOfType(
                    S3Exception.class,
                    () -> s3.putObject(
                            b -> b.bucket(bucket).key("raw/blocked/a.jsonl.gz"), RequestBody.fromString("a")));

            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
        }
        assertThat(newDenials(before)).singleElement().satisfies(denial -> {
            assertThat(denial.decision()).isEqualTo(IamPolicyEvaluator.Decision.EXPLICITLY_DENIED);
            assertThat(denial.toString()).contains("explicitly denied", "NoBlocked");
        });
    }

    @Test
    void check_whenSessionKeyIsUnknown_refusesInsteadOfTrustingIt() {
        Map<String, String> env = new HashMap<>(deployment.functionEnvironment(PROCESSOR));
        env.put("AWS_ACCESS_KEY_ID", IamGate.SESSION_KEY_PREFIX + "0000000000000000");
        try (S3Client s3 = new AwsClientFactory(AwsSettings.fromEnv(new Env(env))).s3()) {
            S3Exception refused = catchThrowableOfType(
                    S3Exception.class,
                    () -> s3.putObject(
                            b -> b.bucket(deployment.physicalId("RawBucket")).key("raw/x"),
                            RequestBody.fromString("x")));

            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId");
        }
    }

    @Test
    void check_whenTheCallCannotBeNamed_refusesAndReportsIt() {
        int before = deployment.denials().size();
        try (S3Client s3 = deployment.functionClients(PROCESSOR).s3()) {
            S3Exception refused = catchThrowableOfType(
                    S3Exception.class, () -> s3.getBucketPolicy(b -> b.bucket(deployment.physicalId("RawBucket"))));

            assertThat(refused.statusCode()).isEqualTo(403);
        }
        assertThat(newDenials(before))
                .singleElement()
                .satisfies(denial -> assertThat(denial.reason()).contains("no IAM mapping"));
    }
}
