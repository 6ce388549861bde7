package dev.tributary.transformer;

/**
 * A raw object that can never be transformed as it is: corrupt or truncated gzip, a decompression bomb, a line
 * that is not a JSON object with a valid envelope, a type with no schema. Retrying cannot help; the object is marked
 * {@code FAILED} with {@link #reason()} and the invocation fails, so the event ends in the dead-letter queue.
 */
public final class TransformFailure extends Exception {
    private static final long serialVersionUID = 1L;
    private final String reason;

    /**
     * @param reason machine-readable code, e.g. {@code truncated_gzip}
     * @param detail what exactly is wrong and where (line number, byte offset); never record content
     */
    public TransformFailure(String reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    public TransformFailure(String reason, String detail, Throwable cause) {
        super(detail, cause);
        this.reason = reason;
    }

    /** Machine-readable code. */
    public String reason() {
        return reason;
    }

    /** {@code <reason>: <detail>}, as stored in {@code failure_reason}. */
    public String describe() {
        return reason + ": " + getMessage();
    }
}
