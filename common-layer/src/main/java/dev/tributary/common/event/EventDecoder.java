package dev.tributary.common.event;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import dev.tributary.common.json.Json;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns the bytes of one record into a validated {@link EventEnvelope}, or says precisely why it cannot.
 *
 * <p>Checks, in order: size, UTF-8, JSON, object, envelope schema, {@code event_time} (form, not before 1970, not
 * further ahead of the record's arrival than the allowed skew), payload schema. Every check is a pure function of
 * the bytes and the arrival time, never of the wall clock, so a retried record gets the same verdict.
 *
 * <p>Thread-safe; build one per container.
 */
public final class EventDecoder {
    /** Event types are S3 partition values: lower-case ASCII, digits and underscores, at most 63 characters. */
    public static final Pattern EVENT_TYPE_PATTERN = Pattern.compile("^[a-z][a-z0-9_]{0,62}$");

    private static final int MAX_ERRORS_IN_DETAIL = 3;
    private static final Instant EARLIEST_EVENT_TIME = Instant.EPOCH;

    private final EventSchemas schemas;
    private final long maxRecordBytes;
    private final Duration maxFutureSkew;

    /**
     * @param schemas        the contract's schemas
     * @param maxRecordBytes records larger than this are quarantined as {@link QuarantineReason#OVERSIZED}
     * @param maxFutureSkew  how far {@code event_time} may be ahead of the record's arrival
     */
    public EventDecoder(EventSchemas schemas, long maxRecordBytes, Duration maxFutureSkew) {
        this.schemas = schemas;
        this.maxRecordBytes = maxRecordBytes;
        this.maxFutureSkew = maxFutureSkew;
    }

    /**
     * Decodes and validates one record.
     *
     * @param data    the record's bytes, exactly as produced
     * @param arrival when the stream received it (Kinesis approximate arrival time)
     */
    public DecodeResult decode(byte[] data, Instant arrival) {
        if (data.length == 0) {
            return invalid(QuarantineReason.EMPTY, "record has no bytes");
        }
        if (data.length > maxRecordBytes) {
            return invalid(
                    QuarantineReason.OVERSIZED, "record is " + data.length + " bytes; the limit is " + maxRecordBytes);
        }
        int badByte = Utf8.firstInvalidOffset(data);
        if (badByte >= 0) {
            return invalid(
                    QuarantineReason.NOT_UTF8,
                    String.format("invalid UTF-8 at byte %d (0x%02X)", badByte, data[badByte] & 0xFF));
        }
        JsonNode tree;
        try {
            tree = Json.mapper().readTree(data);
        } catch (StreamConstraintsException e) {
            return invalid(limitExceeded(e), jsonProblem(e));
        } catch (JacksonException e) {
            return invalid(
                    isDuplicateKey(e) ? QuarantineReason.DUPLICATE_KEY : QuarantineReason.NOT_JSON, jsonProblem(e));
        } catch (IOException e) {
            return invalid(QuarantineReason.NOT_JSON, e.getMessage());
        } catch (NumberFormatException e) {
            // Found by fuzzing: a number like 1e10000000000 is well-formed JSON that no decimal can hold.
            return invalid(QuarantineReason.NUMBER_TOO_LARGE, "a number cannot be represented: " + e.getMessage());
        }
        if (tree == null || tree.isMissingNode()) {
            return invalid(QuarantineReason.NOT_JSON, "record is only whitespace");
        }
        if (!tree.isObject()) {
            return invalid(QuarantineReason.NOT_AN_OBJECT, "expected a JSON object, got " + describe(tree));
        }
        ObjectNode event = (ObjectNode) tree;
        if (!envelopeCertainlyValid(event)) {
            List<Error> envelopeErrors = schemas.validateEnvelope(tree);
            if (!envelopeErrors.isEmpty()) {
                return invalid(QuarantineReason.INVALID_ENVELOPE, summarise(envelopeErrors, ""));
            }
        }
        String eventType = event.get(EventEnvelope.EVENT_TYPE).textValue();
        // The schema's regex is applied with find(), where '$' also matches before a trailing newline;
        // the type becomes an S3 prefix, so check it again against the whole string.
        if (!isEventType(eventType)) {
            return invalid(
                    QuarantineReason.INVALID_ENVELOPE,
                    "$.event_type must match " + EVENT_TYPE_PATTERN.pattern()
                            + " (lower-case ASCII letters, digits and '_')");
        }
        String rawTime = event.get(EventEnvelope.EVENT_TIME).textValue();
        Instant eventTime = EventTimes.parseCommonForm(rawTime);
        try {
            if (eventTime == null) {
                eventTime = OffsetDateTime.parse(rawTime, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                        .toInstant();
            }
        } catch (DateTimeException e) {
            return invalid(
                    QuarantineReason.INVALID_EVENT_TIME,
                    "event_time '" + abbreviate(rawTime)
                            + "' is not an ISO-8601 date-time with an offset, e.g. 2026-11-22T10:15:30.123Z");
        }
        if (eventTime.isBefore(EARLIEST_EVENT_TIME)) {
            return invalid(QuarantineReason.INVALID_EVENT_TIME, "event_time " + rawTime + " is before 1970-01-01");
        }
        if (arrival != null && eventTime.isAfter(arrival.plus(maxFutureSkew))) {
            return invalid(
                    QuarantineReason.EVENT_TIME_IN_FUTURE,
                    "event_time " + rawTime + " is "
                            + Duration.between(arrival, eventTime).toSeconds() + " s after the record arrived; at most "
                            + maxFutureSkew.toSeconds() + " s is allowed");
        }
        Optional<EventSchemas.Payload> payloadSchema = schemas.payload(eventType);
        if (payloadSchema.isEmpty()) {
            return invalid(
                    QuarantineReason.UNKNOWN_EVENT_TYPE,
                    "no schema for event_type '" + eventType + "' and no default schema");
        }
        JsonNode payload = event.get(EventEnvelope.PAYLOAD);
        // Almost every payload is valid: ask the compiled check, then the schema for a yes/no (fail-fast, no
        // messages built), and collect the errors, for the quarantine detail, only when the answer is no.
        if (!payloadSchema.get().accepts(payload)) {
            List<Error> payloadErrors = payloadSchema.get().schema().validate(payload);
            return invalid(QuarantineReason.INVALID_PAYLOAD, summarise(payloadErrors, "payload"));
        }
        return new DecodeResult.Valid(new EventEnvelope(
                event.get(EventEnvelope.EVENT_ID).textValue(),
                eventType,
                eventTime,
                event.get(EventEnvelope.SOURCE).textValue(),
                event.get(EventEnvelope.SCHEMA_VERSION).intValue(),
                event));
    }

    /**
     * A sufficient condition for {@code envelope.schema.json}, checked by hand because the schema validator costs
     * more than parsing the record: true only when the schema would certainly accept the envelope. Anything else
     * (including what the schema might accept, like {@code schema_version: 1.0} or a string whose UTF-16 length
     * exceeds its limit in code points) goes to the schema, which gives the verdict and the error details, so the
     * verdicts are exactly the schema's. Keep in step with the schema file.
     */
    static boolean envelopeCertainlyValid(ObjectNode event) {
        return stringOfLength(event.get(EventEnvelope.EVENT_ID), 128)
                && event.get(EventEnvelope.EVENT_TYPE) instanceof JsonNode type
                && type.isTextual()
                && isEventType(type.textValue())
                && stringOfLength(event.get(EventEnvelope.EVENT_TIME), 64)
                && stringOfLength(event.get(EventEnvelope.SOURCE), 256)
                && event.get(EventEnvelope.SCHEMA_VERSION) instanceof JsonNode version
                && (version.isInt() || version.isLong())
                && version.longValue() >= 1
                && event.get(EventEnvelope.PAYLOAD) instanceof JsonNode payload
                && payload.isObject();
    }

    /**
     * Whether {@code value} matches {@link #EVENT_TYPE_PATTERN} as a whole, without a regex: three times per record
     * (envelope, type, partition), a matcher each, was measurable.
     */
    public static boolean isEventType(String value) {
        int length = value.length();
        if (length < 1 || length > 63) {
            return false;
        }
        char first = value.charAt(0);
        if (first < 'a' || first > 'z') {
            return false;
        }
        for (int i = 1; i < length; i++) {
            char c = value.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** A non-empty string of at most {@code max} UTF-16 units, so certainly at most {@code max} code points. */
    private static boolean stringOfLength(JsonNode node, int max) {
        return node != null
                && node.isTextual()
                && !node.textValue().isEmpty()
                && node.textValue().length() <= max;
    }

    private static DecodeResult invalid(QuarantineReason reason, String detail) {
        return new DecodeResult.Invalid(reason, detail);
    }

    /**
     * Which {@link dev.tributary.common.json.Json} limit a record broke. Jackson tells them apart only by message
     * (one exception type for all); {@code EventDecoderTest.Limits} pins each message, so a Jackson upgrade that
     * rewords one fails the build instead of mislabelling records.
     */
    private static QuarantineReason limitExceeded(StreamConstraintsException e) {
        String message = String.valueOf(e.getOriginalMessage());
        if (message.startsWith("Document nesting depth")) {
            return QuarantineReason.TOO_DEEP;
        }
        if (message.startsWith("Number value length")) {
            return QuarantineReason.NUMBER_TOO_LARGE;
        }
        if (message.startsWith("String value length")) {
            return QuarantineReason.STRING_TOO_LONG;
        }
        if (message.startsWith("Name length")) {
            return QuarantineReason.NAME_TOO_LONG;
        }
        // A constraint Tributary does not set (document length, token count): a limit all the same, never silence.
        throw new IllegalStateException("unexpected Jackson read constraint: " + message, e);
    }

    /** Jackson's STRICT_DUPLICATE_DETECTION reports "Duplicate field 'name'". */
    private static boolean isDuplicateKey(JacksonException e) {
        return String.valueOf(e.getOriginalMessage()).startsWith("Duplicate field");
    }

    private static String jsonProblem(JacksonException e) {
        String message = e.getOriginalMessage();
        var location = e.getLocation();
        return location == null ? message : message + " at byte " + location.getByteOffset();
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** "$.payload.tti_ms: string found, number expected; ..." for at most three errors. */
    private static String summarise(List<Error> errors, String root) {
        String shown = errors.stream()
                .limit(MAX_ERRORS_IN_DETAIL)
                .map(error -> {
                    String pointer = error.getInstanceLocation().toString(); // JSON pointer: "/tti_ms", "" for root
                    String message = error.getMessage();
                    if (message.startsWith(pointer + ": ")) {
                        message = message.substring(pointer.length() + 2);
                    }
                    return "$" + (root.isEmpty() ? "" : "." + root) + pointer.replace('/', '.') + ": " + message;
                })
                .collect(Collectors.joining("; "));
        int hidden = errors.size() - MAX_ERRORS_IN_DETAIL;
        return hidden > 0 ? shown + " (and " + hidden + " more)" : shown;
    }

    private static String abbreviate(String value) {
        return value.length() <= 64 ? value : value.substring(0, 61) + "...";
    }
}
