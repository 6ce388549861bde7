package dev.tributary.transformer.enrich;

/** Why a URL cannot be parsed; the message never quotes the URL (it may hold personal data). */
public final class InvalidUrlException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidUrlException(String message) {
        super(message);
    }
}
