package dev.tributary.devkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.common.json.Json;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * The document Lambda sends to a Kinesis event source mapping's on-failure destination, in the shape of the "Example
 * invocation record" of "Using AWS Lambda with Amazon Kinesis"
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html): "You can use this information to retrieve the
 * affected records from the stream for troubleshooting. The actual records aren't included". Read back by
 * {@link dev.tributary.common.lambda.OnFailureRecord} (the one reader of the format; {@code KinesisInvocationRecordTest}).
 */
final class KinesisInvocationRecord {
    private KinesisInvocationRecord() {}

    /**
     * @param invokes invocations that included these records; 0 when they expired before any, and then there is no
     *                function error to report
     */
    static String json(
            Region region,
            String condition,
            int invokes,
            Instant now,
            String shardId,
            String streamArn,
            List<Record> slice) {
        ObjectNode message = Json.mapper().createObjectNode();
        message.putObject("requestContext")
                .put("requestId", UUID.randomUUID().toString())
                .put("functionArn", "arn:aws:lambda:" + region.id() + ":123456789012:function:kinesis-processor")
                .put("condition", condition)
                .put("approximateInvokeCount", invokes);
        ObjectNode responseContext =
                message.putObject("responseContext").put("statusCode", 200).put("executedVersion", "$LATEST");
        if (invokes > 0) {
            responseContext.put("functionError", "Unhandled");
        }
        message.put("version", "1.0");
        message.put("timestamp", now.toString());
        message.putObject("KinesisBatchInfo")
                .put("shardId", shardId)
                .put("startSequenceNumber", slice.getFirst().sequenceNumber())
                .put("endSequenceNumber", slice.getLast().sequenceNumber())
                .put(
                        "approximateArrivalOfFirstRecord",
                        slice.getFirst().approximateArrivalTimestamp().toString())
                .put(
                        "approximateArrivalOfLastRecord",
                        slice.getLast().approximateArrivalTimestamp().toString())
                .put("batchSize", slice.size())
                .put("streamArn", streamArn);
        return message.toString();
    }
}
