package dev.tributary.transformer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.json.Json;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the S3 objects an invocation is about from its event JSON, in either delivery:
 *
 * <ul>
 *   <li>S3 → Lambda: {@code {"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put", "s3": {…}}]}}</li>
 *   <li>S3 → SQS → Lambda: {@code {"Records": [{"eventSource": "aws:sqs", "body": "<the S3 event JSON>"}]}}; a body
 *       may also be S3's {@code s3:TestEvent} (sent when the notification is configured) or an SNS envelope whose
 *       {@code Message} is the S3 event.</li>
 * </ul>
 *
 * Object keys arrive URL-encoded the way S3 encodes them ({@code +} for a space, {@code %xx} for the rest) and are
 * decoded here. Everything that is not an object-created event is returned as {@link Notice.Ignored}, with why.
 */
final class S3Notifications {
    private S3Notifications() {}

    /** One S3 record of the event, or something that is not one. */
    sealed interface Notice {
        /** The SQS message it came in, or null for direct delivery. */
        String messageId();

        /**
         * An {@code ObjectCreated:*} record.
         *
         * @param key       decoded
         * @param versionId null in an unversioned bucket
         * @param sequencer S3's ordering token for events of one key; null when absent
         */
        record Created(
                String messageId,
                String eventName,
                String bucket,
                String key,
                String versionId,
                String sequencer,
                long size)
                implements Notice {}

        /** Anything else: a delete, a test event, a message that is not an S3 event. */
        record Ignored(String messageId, String why) implements Notice {}
    }

    /**
     * The notices of an event.
     *
     * @throws IllegalArgumentException when the JSON has no {@code Records} array (not an S3 or SQS event)
     */
    static List<Notice> parse(JsonNode event) {
        JsonNode records = event == null ? null : event.get("Records");
        if (records == null || !records.isArray()) {
            throw new IllegalArgumentException("not an S3 or SQS event: no Records array");
        }
        List<Notice> notices = new ArrayList<>();
        for (JsonNode record : records) {
            String source = record.path("eventSource").asText("");
            if (source.equals("aws:sqs")) {
                fromSqs(record, notices);
            } else {
                fromS3Record(record, null, notices);
            }
        }
        return notices;
    }

    private static void fromSqs(JsonNode message, List<Notice> notices) {
        String messageId = message.path("messageId").asText(null);
        JsonNode body;
        try {
            body = Json.mapper().readTree(message.path("body").asText(""));
        } catch (IOException | RuntimeException e) {
            notices.add(new Notice.Ignored(messageId, "SQS message body is not JSON"));
            return;
        }
        if (body != null && body.path("Type").asText("").equals("Notification") && body.has("Message")) {
            try { // S3 -> SNS -> SQS
                body = Json.mapper().readTree(body.get("Message").asText(""));
            } catch (IOException | RuntimeException e) {
                notices.add(new Notice.Ignored(messageId, "SNS message is not JSON"));
                return;
            }
        }
        if (body == null || !body.isObject()) {
            notices.add(new Notice.Ignored(messageId, "SQS message body is not a JSON object"));
        } else if (body.path("Event").asText("").equals("s3:TestEvent")) {
            notices.add(new Notice.Ignored(messageId, "s3:TestEvent"));
        } else if (!body.path("Records").isArray()) {
            notices.add(new Notice.Ignored(messageId, "SQS message body is not an S3 event"));
        } else {
            for (JsonNode record : body.get("Records")) {
                fromS3Record(record, messageId, notices);
            }
        }
    }

    private static void fromS3Record(JsonNode record, String messageId, List<Notice> notices) {
        String source = record.path("eventSource").asText("");
        String eventName = record.path("eventName").asText("");
        JsonNode s3 = record.path("s3");
        if (!source.equals("aws:s3") || !s3.isObject()) {
            notices.add(new Notice.Ignored(messageId, "not an S3 record (eventSource '" + source + "')"));
            return;
        }
        String bucket = s3.path("bucket").path("name").asText("");
        String key = decodeKey(s3.path("object").path("key").asText(""));
        if (!eventName.startsWith("ObjectCreated:")) {
            notices.add(new Notice.Ignored(messageId, eventName + " s3://" + bucket + "/" + key));
            return;
        }
        JsonNode object = s3.path("object");
        notices.add(new Notice.Created(
                messageId,
                eventName,
                bucket,
                key,
                emptyToNull(object.path("versionId").asText(null)),
                emptyToNull(object.path("sequencer").asText(null)),
                object.path("size").asLong(-1)));
    }

    /** An S3 event key as the object's real key: {@code +} is a space, {@code %xx} a byte of UTF-8. */
    static String decodeKey(String encoded) {
        return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
    }

    /**
     * Compares two S3 sequencers of the same key: hexadecimal strings of possibly different lengths, compared after
     * left-padding the shorter with zeros (the S3 documentation's rule).
     */
    static int compareSequencers(String a, String b) {
        int width = Math.max(a.length(), b.length());
        String left = "0".repeat(width - a.length()) + a.toUpperCase(java.util.Locale.ROOT);
        String right = "0".repeat(width - b.length()) + b.toUpperCase(java.util.Locale.ROOT);
        return left.compareTo(right);
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
