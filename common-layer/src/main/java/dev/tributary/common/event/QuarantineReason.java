package dev.tributary.common.event;

/** Why a record was quarantined; {@link #code()} is what lands in {@code failed/} objects and notices. */
public enum QuarantineReason {
    /** Larger than the configured maximum record size. */
    OVERSIZED("oversized"),
    /** Empty record. */
    EMPTY("empty"),
    /** The bytes are not valid UTF-8. */
    NOT_UTF8("not_utf8"),
    /** UTF-8, but not one well-formed JSON value. */
    NOT_JSON("not_json"),
    /** Objects and arrays nested deeper than {@code Json.MAX_NESTING_DEPTH} (64) levels. */
    TOO_DEEP("too_deep"),
    /**
     * A number literal of more than {@code Json.MAX_NUMBER_LENGTH} (1000) digits, or one no decimal can hold (an
     * exponent beyond ±2,147,483,647).
     */
    NUMBER_TOO_LARGE("number_too_large"),
    /** A string value longer than {@code Json.MAX_STRING_LENGTH} (1,048,576) characters. */
    STRING_TOO_LONG("string_too_long"),
    /** A property name longer than {@code Json.MAX_NAME_LENGTH} (50,000) characters. */
    NAME_TOO_LONG("name_too_long"),
    /** The same property name twice in one object (which value is meant is ambiguous). */
    DUPLICATE_KEY("duplicate_key"),
    /** Well-formed JSON, but an array or a scalar instead of an object. */
    NOT_AN_OBJECT("not_an_object"),
    /** The envelope fields are missing or of the wrong type or form. */
    INVALID_ENVELOPE("invalid_envelope"),
    /** {@code event_time} is not an ISO-8601 instant with an offset. */
    INVALID_EVENT_TIME("invalid_event_time"),
    /** {@code event_time} is further ahead of the record's arrival than the configured skew allows. */
    EVENT_TIME_IN_FUTURE("event_time_in_future"),
    /** No schema for the {@code event_type} and no default schema. */
    UNKNOWN_EVENT_TYPE("unknown_event_type"),
    /** The payload does not match its type's schema. */
    INVALID_PAYLOAD("invalid_payload"),
    /**
     * A KPL-aggregated Kinesis record (it starts with the KPL magic bytes) whose aggregate cannot be read: MD5
     * mismatch, truncated or malformed protobuf, a table index out of range, or no user records. The whole Kinesis
     * record is quarantined, since none of its user records can be trusted.
     */
    KPL_CORRUPT("kpl_corrupt"),
    /**
     * The decoder itself failed on this record (a bug, not bad data). Quarantined rather than failing the batch, so
     * one record cannot block its shard; the detail names the exception.
     */
    DECODER_ERROR("decoder_error");

    private final String code;

    QuarantineReason(String code) {
        this.code = code;
    }

    /** The stable, snake_case code. */
    public String code() {
        return code;
    }
}
