package dev.tributary.transformer;

/**
 * The transform could not finish now but may later: another invocation holds the object's lease, the processor
 * has not recorded the raw version yet, reference data or the PII key could not be loaded. The invocation fails so
 * Lambda (or SQS) delivers the event again; the object's metadata is left as it was.
 */
public final class RetryableTransformException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RetryableTransformException(String message) {
        super(message);
    }

    public RetryableTransformException(String message, Throwable cause) {
        super(message, cause);
    }
}
