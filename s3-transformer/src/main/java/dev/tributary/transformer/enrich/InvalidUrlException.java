package dev.tributary.transformer.enrich;

/** Why a URL cannot be parsed; the message never quotes the URL (it may hold personal data). */
public final class InvalidUrlException extends Exception {
    public InvalidUrlException(String message) {
        super(message);
    }
}
