package dev.tributary.common.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Lambda's on-failure destination records, read by the operator's redrive and by the demo's ledger. Two shapes:
 *
 * <ul>
 *   <li>Stream event source mappings: "Lambda sends a record of the batch ... which contains details about the
 *       batch" under {@code KinesisBatchInfo} (shardId, startSequenceNumber, endSequenceNumber, streamArn,
 *       batchSize), not the records themselves (AWS Lambda Developer Guide, "Retaining records from Kinesis
 *       event sources": on-failure destination record example).</li>
 *   <li>Asynchronous invocation: the invocation record holds the event as {@code requestPayload} and the function's
 *       error as {@code responsePayload} (AWS Lambda Developer Guide, "Capturing records of Lambda asynchronous
 *       invocations": invocation record example). A plain event on a dead-letter queue (the older DLQ feature) is
 *       the event itself.</li>
 * </ul>
 */
public final class OnFailureRecord {
    private OnFailureRecord() {}

    /** The batch a stream event source mapping gave up on. */
    public record KinesisBatch(
            String streamArn,
            String shardId,
            String startSequenceNumber,
            String endSequenceNumber,
            Optional<Integer> batchSize) {

        /** The stream's name, the part of its ARN after {@code :stream/}. */
        public String streamName() {
            return streamArn.substring(streamArn.indexOf(":stream/") + ":stream/".length());
        }
    }

    /** The Kinesis batch a message describes; empty for any other message (e.g. a quarantine notice). */
    public static Optional<KinesisBatch> kinesisBatch(JsonNode message) {
        JsonNode info = message.get("KinesisBatchInfo");
        if (info == null || !info.isObject()) {
            return Optional.empty();
        }
        return Optional.of(new KinesisBatch(
                info.path("streamArn").asText(),
                info.path("shardId").asText(),
                info.path("startSequenceNumber").asText(),
                info.path("endSequenceNumber").asText(),
                info.hasNonNull("batchSize") ? Optional.of(info.get("batchSize").asInt()) : Optional.empty()));
    }

    /** The event an asynchronous invocation record carries, or the message itself when it is a plain event. */
    public static JsonNode asyncEvent(JsonNode message) {
        return message.has("requestPayload") ? message.get("requestPayload") : message;
    }

    /** The function's error message in an asynchronous invocation record, if it has one. */
    public static Optional<String> asyncError(JsonNode message) {
        JsonNode error = message.path("responsePayload").path("errorMessage");
        return error.isTextual() ? Optional.of(error.asText()) : Optional.empty();
    }
}
