package dev.tributary.devkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.devkit.FaultProxy.Request;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FaultCallsTest {

    private static FaultCalls.Identity json(String target, String body) {
        return FaultCalls.of(
                new Request("POST", "/", Map.of("x-amz-target", target)), body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void of_whenS3Object_isMethodAndKeyWithoutTheRunsId() {
        FaultCalls.Identity put = FaultCalls.of(
                new Request(
                        "PUT",
                        "/demo-59502669-raw-123456789012-us-east-1/raw/event_type=payment/dt=2026-11-22/hr=03/"
                                + "demo-59502669-events.shardId-000000000001.17.jsonl.gz",
                        Map.of()),
                new byte[0]);

        assertThat(put)
                .isEqualTo(new FaultCalls.Identity(
                        "S3 PUT",
                        "raw/event_type=payment/dt=2026-11-22/hr=03/demo-*-events.shardId-000000000001.17.jsonl.gz"));
    }

    @Test
    void of_whenFailedObject_dropsTheArrivalPartition() {
        FaultCalls.Identity put = FaultCalls.of(
                new Request(
                        "PUT",
                        "/b/failed/dt=2026-11-28/hr=20/demo-59502669-events.shardId-000000000000.4.jsonl",
                        Map.of()),
                new byte[0]);

        assertThat(put.key()).isEqualTo("failed/demo-*-events.shardId-000000000000.4.jsonl");
    }

    @Test
    void of_whenDynamoDbItem_isTableAndKeyWhateverTheFieldOrder() {
        FaultCalls.Identity one = json(
                "DynamoDB_20120810.UpdateItem",
                "{\"TableName\":\"demo-59502669-metadata\","
                        + "\"Key\":{\"a\":{\"S\":\"1\"},\"b\":{\"S\":\"2\"}},\"ExpressionAttributeValues\":{\":t\":{\"N\":\"9\"}}}");
        FaultCalls.Identity other = json(
                "DynamoDB_20120810.UpdateItem",
                "{\"Key\":{\"b\":{\"S\":\"2\"},"
                        + "\"a\":{\"S\":\"1\"}},\"TableName\":\"demo-3d5bebdb-metadata\","
                        + "\"ExpressionAttributeValues\":{\":t\":{\"N\":\"10\"}}}");

        assertThat(one).isEqualTo(other);
        assertThat(one.key()).isEqualTo("TableName=demo-*-metadata Key={\"a\":{\"S\":\"1\"},\"b\":{\"S\":\"2\"}}");
    }

    @Test
    void of_whenDifferentItems_differs() {
        assertThat(json("DynamoDB_20120810.UpdateItem", "{\"TableName\":\"t\",\"Key\":{\"a\":{\"S\":\"1\"}}}"))
                .isNotEqualTo(
                        json("DynamoDB_20120810.UpdateItem", "{\"TableName\":\"t\",\"Key\":{\"a\":{\"S\":\"2\"}}}"));
    }

    @Test
    void of_whenSqsMessage_isQueueAndBody() {
        FaultCalls.Identity send = json(
                "AmazonSQS.SendMessage",
                "{\"QueueUrl\":\"http://q/123/demo-59502669-q\","
                        + "\"MessageBody\":\"{\\\"key\\\":\\\"failed/dt=2026-11-28/hr=20/s.1.jsonl\\\"}\"}");

        assertThat(send)
                .isEqualTo(new FaultCalls.Identity(
                        "AmazonSQS.SendMessage",
                        "QueueUrl=http://q/123/demo-*-q MessageBody={\"key\":\"failed/s.1.jsonl\"}"));
    }

    @Test
    void of_whenTheBodyIsNotJson_isTheOperationAlone() {
        assertThat(json("AWSGlue.StartJobRun", "not json").key()).isEmpty();
    }
}
