package dev.tributary.devkit.iam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.devkit.FaultProxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RequestActionsTest {
    private static final String KEY = "arn:aws:kms:us-east-1:123456789012:key/k-1";
    private static final String QUEUE = "arn:aws:sqs:us-east-1:123456789012:p-dlq";
    private final RequestActions actions = new RequestActions(
            "us-east-1",
            "123456789012",
            bucket -> bucket.equals("enc") ? Optional.of(KEY) : Optional.empty(),
            queue -> queue.equals(QUEUE) ? Optional.of(KEY) : Optional.empty());

    private List<IamAction> s3(String method, String path, Map<String, String> headers) {
        return actions.of(new FaultProxy.Request(method, path, headers), new byte[0]);
    }

    private List<IamAction> json(String target, String body) {
        return actions.of(
                new FaultProxy.Request("POST", "/", Map.of("x-amz-target", target)),
                body.getBytes(StandardCharsets.UTF_8));
    }

    @Nested
    class S3 {
        @Test
        void of_whenObjectReadsAndWrites_namesTheObjectActions() {
            assertThat(s3("HEAD", "/b/raw/a%3Db/x.gz", Map.of()))
                    .containsExactly(IamAction.direct("s3:GetObject", "arn:aws:s3:::b/raw/a=b/x.gz"));
            assertThat(s3("GET", "/b/k?versionId=v1", Map.of()))
                    .containsExactly(IamAction.direct("s3:GetObjectVersion", "arn:aws:s3:::b/k"));
            assertThat(s3("PUT", "/b/k", Map.of()))
                    .containsExactly(IamAction.direct("s3:PutObject", "arn:aws:s3:::b/k"));
            assertThat(s3("POST", "/b/k?uploads", Map.of()))
                    .containsExactly(IamAction.direct("s3:PutObject", "arn:aws:s3:::b/k"));
            assertThat(s3("DELETE", "/b/k?uploadId=u1", Map.of()))
                    .containsExactly(IamAction.direct("s3:AbortMultipartUpload", "arn:aws:s3:::b/k"));
            assertThat(s3("DELETE", "/b/k", Map.of()))
                    .containsExactly(IamAction.direct("s3:DeleteObject", "arn:aws:s3:::b/k"));
        }

        @Test
        void of_whenBucketRequests_namesTheBucketActions() {
            assertThat(s3("GET", "/b?list-type=2&prefix=raw%2F", Map.of()))
                    .containsExactly(IamAction.direct("s3:ListBucket", "arn:aws:s3:::b"));
            assertThat(s3("GET", "/b?versions&prefix=x", Map.of()))
                    .containsExactly(IamAction.direct("s3:ListBucketVersions", "arn:aws:s3:::b"));
            assertThat(s3("HEAD", "/b", Map.of())).containsExactly(IamAction.direct("s3:ListBucket", "arn:aws:s3:::b"));
        }

        @Test
        void of_whenBucketEncryptsWithKms_addsTheKeyActionsS3MakesOnTheCallersBehalf() {
            String via = "s3.us-east-1.amazonaws.com";
            assertThat(s3("PUT", "/enc/k", Map.of()))
                    .containsExactly(
                            IamAction.direct("s3:PutObject", "arn:aws:s3:::enc/k"),
                            new IamAction("kms:GenerateDataKey", KEY, via));
            assertThat(s3("GET", "/enc/k", Map.of()))
                    .containsExactly(
                            IamAction.direct("s3:GetObject", "arn:aws:s3:::enc/k"),
                            new IamAction("kms:Decrypt", KEY, via));
            assertThat(s3("HEAD", "/enc/k", Map.of()))
                    .containsExactly(IamAction.direct("s3:GetObject", "arn:aws:s3:::enc/k"));
            assertThat(s3("POST", "/enc/k?uploads", Map.of()))
                    .containsExactly(
                            IamAction.direct("s3:PutObject", "arn:aws:s3:::enc/k"),
                            new IamAction("kms:GenerateDataKey", KEY, via),
                            new IamAction("kms:Decrypt", KEY, via));
        }

        @Test
        void of_whenOperationHasNoMapping_refusesRatherThanGuess() {
            assertThatThrownBy(() -> s3("PUT", "/b/k", Map.of("x-amz-copy-source", "/b/other")))
                    .isInstanceOf(UnmappedRequestException.class)
                    .hasMessageContaining("CopyObject");
            assertThatThrownBy(() -> s3("GET", "/b?policy", Map.of())).isInstanceOf(UnmappedRequestException.class);
            assertThatThrownBy(() -> s3("PUT", "/b", Map.of())).isInstanceOf(UnmappedRequestException.class);
        }
    }

    @Nested
    class JsonProtocols {
        @Test
        void of_whenDynamoDbCalls_namesTableAndIndex() {
            assertThat(json("DynamoDB_20120810.UpdateItem", "{\"TableName\":\"meta\"}"))
                    .containsExactly(IamAction.direct(
                            "dynamodb:UpdateItem", "arn:aws:dynamodb:us-east-1:123456789012:table/meta"));
            assertThat(json("DynamoDB_20120810.Query", "{\"TableName\":\"meta\",\"IndexName\":\"by-hour\"}"))
                    .containsExactly(IamAction.direct(
                            "dynamodb:Query", "arn:aws:dynamodb:us-east-1:123456789012:table/meta/index/by-hour"));
            assertThat(json(
                            "DynamoDB_20120810.TransactWriteItems",
                            "{\"TransactItems\":[{\"Put\":{\"TableName\":\"a\"}},"
                                    + "{\"ConditionCheck\":{\"TableName\":\"b\"}}]}"))
                    .extracting(IamAction::action)
                    .containsExactly("dynamodb:PutItem", "dynamodb:ConditionCheckItem");
        }

        @Test
        void of_whenSqsSendsToAnEncryptedQueue_needsTheKeyToo() {
            assertThat(json("AmazonSQS.SendMessage", "{\"QueueUrl\":\"http://127.0.0.1:5000/123456789012/p-dlq\"}"))
                    .containsExactly(
                            IamAction.direct("sqs:SendMessage", QUEUE),
                            new IamAction("kms:GenerateDataKey", KEY, "sqs.us-east-1.amazonaws.com"),
                            new IamAction("kms:Decrypt", KEY, "sqs.us-east-1.amazonaws.com"));
        }

        @Test
        void of_whenKinesisGlueSsmCalls_namesTheirResources() {
            assertThat(
                            json(
                                    "Kinesis_20131202.GetRecords",
                                    "{\"ShardIterator\":\"x\",\"StreamARN\":\"arn:aws:kinesis:us-east-1:123456789012:stream/s\"}"))
                    .containsExactly(
                            IamAction.direct("kinesis:GetRecords", "arn:aws:kinesis:us-east-1:123456789012:stream/s"));
            assertThat(json("AWSGlue.StartJobRun", "{\"JobName\":\"curate\"}"))
                    .containsExactly(
                            IamAction.direct("glue:StartJobRun", "arn:aws:glue:us-east-1:123456789012:job/curate"));
            assertThat(json("AmazonSSM.GetParameter", "{\"Name\":\"/tributary/pii\"}"))
                    .containsExactly(IamAction.direct(
                            "ssm:GetParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/tributary/pii"));
        }

        @Test
        void of_whenResourceCannotBeNamed_refusesRatherThanGuess() {
            assertThatThrownBy(() -> json("Kinesis_20131202.GetRecords", "{\"ShardIterator\":\"x\"}"))
                    .isInstanceOf(UnmappedRequestException.class)
                    .hasMessageContaining("StreamName");
            assertThatThrownBy(() -> json("AWSGlue.DeleteJob", "{\"JobName\":\"curate\"}"))
                    .isInstanceOf(UnmappedRequestException.class);
            assertThatThrownBy(() -> json("TrentService.Decrypt", "{}")).isInstanceOf(UnmappedRequestException.class);
        }
    }
}
