package dev.tributary.orchestrator;

/**
 * A call to Glue or S3 failed in a way that may pass on its own (throttled, transient, the job at its concurrent-run
 * limit): the state machine leaves the checkpoint for the next tick instead of failing the invocation. Adapters
 * translate the SDK's exceptions into it ({@link AwsFailures}); the message is the SDK exception's.
 */
public final class RetryLaterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the call may pass later. */
    public enum Reason {
        /** {@code ConcurrentRunsExceededException}: the job already runs its maximum concurrent runs. */
        CONCURRENT_RUNS_EXCEEDED,
        /** The service throttled the call. */
        THROTTLED,
        /** A 5xx, a timeout, or no connection. */
        TRANSIENT
    }

    private final Reason reason;

    public RetryLaterException(Reason reason, RuntimeException cause) {
        super(cause.getMessage(), cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
