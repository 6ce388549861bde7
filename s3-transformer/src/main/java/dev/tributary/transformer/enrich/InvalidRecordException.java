package dev.tributary.transformer.enrich;

/** A raw line is a JSON object but not a usable event; the message names the field, never its value. */
public final class InvalidRecordException extends Exception {
    public InvalidRecordException(String message) {
        super(message);
    }
}
