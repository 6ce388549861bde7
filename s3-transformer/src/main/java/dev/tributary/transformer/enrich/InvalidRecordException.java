package dev.tributary.transformer.enrich;

/** A raw line is a JSON object but not a usable event; the message names the field, never its value. */
public final class InvalidRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidRecordException(String message) {
        super(message);
    }
}
