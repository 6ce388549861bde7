package dev.tributary.common.event;

/** The outcome of decoding one record: a valid event, or the reason it must be quarantined. */
public sealed interface DecodeResult {

    /** The record is a valid event. */
    record Valid(EventEnvelope event) implements DecodeResult {}

    /**
     * The record is invalid.
     *
     * @param reason the machine-readable reason
     * @param detail a human-readable explanation naming the offending field or byte offset
     */
    record Invalid(QuarantineReason reason, String detail) implements DecodeResult {}
}
