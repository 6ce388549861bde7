package dev.tributary.processor;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.tributary.common.layout.StreamPosition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The edge of the processor: Lambda's Kinesis invoke payload (the JSON the event source mapping sends) in, the
 * processor's own {@link StreamRecord}s out; and the partial-batch response back.
 *
 * <p>The payload is read with Jackson's streaming parser, each record's base64 {@code data} decoded straight into
 * its byte array: no {@code KinesisEvent} object tree, no base64 {@code String} per record. It yields what the Java
 * runtime's own deserialisation ({@code aws-lambda-java-serialization}) followed by the former
 * {@code from(KinesisEvent)} yielded; {@code KinesisEventRecordsDifferentialTest} proves it on every fixture and on
 * random events.
 */
final class KinesisEventRecords {
    static final String UNKNOWN_STREAM = "unknown-stream";

    /**
     * Lambda's synchronous invoke payload quota, 6 MB: no string in a payload (a record's base64 data) is longer.
     * Jackson's default string limit (20 M) would do too; the limit is set because a default may change.
     */
    static final int MAX_PAYLOAD_CHARS = 6 * 1024 * 1024;

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(MAX_PAYLOAD_CHARS)
                    .build())
            // The runtime owns its output stream: the response is flushed into it, never closed.
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    private KinesisEventRecords() {}

    /**
     * The records of the invoke payload {@code json}, in delivery order. Fields this class does not read (Lambda
     * may add some) are skipped; a {@code null} payload or {@code Records} is an empty batch.
     *
     * @throws IllegalArgumentException naming the problem, if {@code json} is not a Kinesis event: not JSON, not an
     *                                  object, a record without an {@code eventID} of the form
     *                                  {@code shardId:sequenceNumber} or without {@code kinesis}, or {@code data}
     *                                  that is not base64
     */
    static List<StreamRecord> read(InputStream json) throws IOException {
        try (JsonParser parser = JSON.createParser(json)) {
            JsonToken root = parser.nextToken();
            if (root == JsonToken.VALUE_NULL) {
                return List.of();
            }
            expect(parser, root, JsonToken.START_OBJECT, "the event");
            List<StreamRecord> records = List.of();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                JsonToken value = parser.nextToken();
                if (parser.currentName().equals("Records") && value != JsonToken.VALUE_NULL) {
                    expect(parser, value, JsonToken.START_ARRAY, "Records");
                    records = records(parser);
                } else {
                    parser.skipChildren();
                }
            }
            return records;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the invoke payload is not a Kinesis event: " + e.getMessage(), e);
        }
    }

    /** Writes the partial-batch response: no item failure, or one, the sequence number to retry from. */
    static void writeResponse(Optional<String> retryFrom, OutputStream out) throws IOException {
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeArrayFieldStart("batchItemFailures");
            if (retryFrom.isPresent()) {
                json.writeStartObject();
                json.writeStringField("itemIdentifier", retryFrom.get());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        }
    }

    private static List<StreamRecord> records(JsonParser parser) throws IOException {
        List<StreamRecord> records = new ArrayList<>();
        // Every record of a batch comes from one stream: derive its name once, not 3,000 times (a regex each).
        String arn = null;
        String stream = null;
        String shardId = null; // one shard per batch too: one substring, not one per record
        RecordFields fields = new RecordFields(); // reused: its decode buffer grows to the largest record once
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (token != JsonToken.START_OBJECT) {
                throw unexpected(parser, token, "Records[" + records.size() + "]");
            }
            recordFields(parser, records.size(), fields);
            String eventId = fields.eventId;
            int colon = eventId == null ? -1 : eventId.indexOf(':');
            if (colon <= 0 || !fields.hasKinesis) {
                throw new IllegalArgumentException("not a Kinesis event source record: eventID=" + eventId);
            }
            if (stream == null || !Objects.equals(arn, fields.eventSourceArn)) {
                arn = fields.eventSourceArn;
                stream = streamName(arn);
            }
            if (shardId == null || colon != shardId.length() || !eventId.startsWith(shardId)) {
                shardId = eventId.substring(0, colon);
            }
            StreamPosition position = new StreamPosition(stream, shardId, fields.sequenceNumber);
            Instant arrival = fields.arrival == null ? Instant.now() : fields.arrival;
            records.add(new StreamRecord(position, arrival, fields.data == null ? new byte[0] : fields.data));
        }
        return records;
    }

    /** The fields of one record the processor uses; the parser is on its START_OBJECT and ends on its END_OBJECT. */
    private static void recordFields(JsonParser parser, int index, RecordFields fields) throws IOException {
        fields.clear();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "eventID" -> fields.eventId = scalar(parser, value, index, name);
                case "eventSourceARN" -> fields.eventSourceArn = scalar(parser, value, index, name);
                case "kinesis" -> {
                    if (value != JsonToken.VALUE_NULL) {
                        if (value != JsonToken.START_OBJECT) {
                            throw unexpected(parser, value, "Records[" + index + "].kinesis");
                        }
                        fields.hasKinesis = true;
                        kinesisFields(parser, index, fields);
                    }
                }
                default -> parser.skipChildren();
            }
        }
    }

    private static void kinesisFields(JsonParser parser, int index, RecordFields fields) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "sequenceNumber" -> fields.sequenceNumber = scalar(parser, value, index, name);
                case "data" -> fields.data = data(parser, value, index, fields.decoded);
                case "approximateArrivalTimestamp" -> fields.arrival = arrival(parser, value, index);
                default -> parser.skipChildren();
            }
        }
    }

    private static byte[] data(JsonParser parser, JsonToken value, int index, ByteArrayOutputStream decoded)
            throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.VALUE_STRING) {
            throw unexpected(parser, value, "Records[" + index + "].kinesis.data");
        }
        try {
            // Decodes from the parser's input buffer (through its recycled base64 buffer) into one buffer reused for
            // the whole batch, then copies the record's bytes out once: the base64 text never becomes a String (6 MB
            // of chars per full batch). getBinaryValue would do the same but through a fresh ByteArrayBuilder block
            // per record (about 1 KB of garbage each, measured).
            decoded.reset();
            parser.readBinaryValue(decoded);
            return decoded.toByteArray();
        } catch (JsonProcessingException e) {
            throw notBase64(index, e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) { // what Jackson's base64 decoder throws for a bad character
            throw notBase64(index, e.getMessage(), e);
        }
    }

    private static IllegalArgumentException notBase64(int index, String reason, Exception cause) {
        return new IllegalArgumentException(
                "not a Kinesis event: Records[" + index + "].kinesis.data is not base64: " + reason, cause);
    }

    /**
     * Epoch seconds with a fraction, as Lambda sends them. Converted as the runtime's serializer does (its
     * {@code DateModule}: {@code (long) (seconds * 1000.0)} milliseconds, and 0 means absent), so an arrival, and
     * with it a record's partition, is what it was when the runtime parsed the event.
     */
    private static Instant arrival(JsonParser parser, JsonToken value, int index) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.VALUE_NUMBER_INT
                && value != JsonToken.VALUE_NUMBER_FLOAT
                && value != JsonToken.VALUE_STRING) {
            throw unexpected(parser, value, "Records[" + index + "].kinesis.approximateArrivalTimestamp");
        }
        double seconds = parser.getValueAsDouble();
        return seconds == 0.0 ? null : Instant.ofEpochMilli((long) (seconds * 1000.0));
    }

    /** A string field; a number or boolean becomes its text, as Jackson binds it to a {@code String} property. */
    private static String scalar(JsonParser parser, JsonToken value, int index, String name) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (!value.isScalarValue()) {
            throw unexpected(parser, value, "Records[" + index + "]." + name);
        }
        return parser.getValueAsString();
    }

    private static void expect(JsonParser parser, JsonToken actual, JsonToken expected, String what) {
        if (actual != expected) {
            throw new IllegalArgumentException("the invoke payload is not a Kinesis event: " + what + " must be "
                    + describe(expected) + ", is " + describe(actual) + " at " + where(parser));
        }
    }

    private static IllegalArgumentException unexpected(JsonParser parser, JsonToken actual, String what) {
        return new IllegalArgumentException("the invoke payload is not a Kinesis event: " + what + " is "
                + describe(actual) + " at " + where(parser));
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "the end of the input";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.name();
        };
    }

    private static String where(JsonParser parser) {
        JsonLocation location = parser.currentTokenLocation();
        return "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /**
     * {@code arn:aws:kinesis:<region>:<account>:stream/<name>} → {@code <name>}.
     *
     * <p>Lambda always sends a full stream ARN. Hand-written test events ({@code sam local generate-event} uses
     * {@code arn:aws:kinesis:EXAMPLE}) may not; their last segment, reduced to characters safe in a key, is used
     * instead, so a debugging session does not crash on the event's placeholder.
     */
    static String streamName(String arn) {
        if (arn == null || arn.isBlank()) {
            return UNKNOWN_STREAM;
        }
        int marker = arn.indexOf(":stream/");
        String name =
                marker >= 0 ? arn.substring(marker + ":stream/".length()) : arn.substring(arn.lastIndexOf(':') + 1);
        name = name.replaceAll("[^A-Za-z0-9_.-]", "_");
        return name.isEmpty() ? UNKNOWN_STREAM : name.substring(0, Math.min(128, name.length()));
    }

    /** What one record says, collected in any field order (Lambda sends {@code kinesis} before {@code eventID}). */
    private static final class RecordFields {
        final ByteArrayOutputStream decoded = new ByteArrayOutputStream(4096);
        String eventId;
        String eventSourceArn;
        boolean hasKinesis;
        String sequenceNumber;
        byte[] data;
        Instant arrival;

        void clear() {
            eventId = null;
            eventSourceArn = null;
            hasKinesis = false;
            sequenceNumber = null;
            data = null;
            arrival = null;
        }
    }
}
