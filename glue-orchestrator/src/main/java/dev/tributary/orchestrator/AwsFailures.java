package dev.tributary.orchestrator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.glue.model.ConcurrentRunsExceededException;
import software.amazon.awssdk.services.glue.model.InternalServiceException;
import software.amazon.awssdk.services.glue.model.OperationTimeoutException;

/** Which SDK failures may pass on their own: the one classification the orchestrator's adapters share. */
final class AwsFailures {
    private AwsFailures() {}

    /** Runs {@code call}, turning a failure that may pass later into {@link RetryLaterException}. */
    static <T> T retryLater(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            Optional<RetryLaterException.Reason> reason = reason(e);
            if (reason.isPresent()) {
                throw new RetryLaterException(reason.get(), e);
            }
            throw e;
        }
    }

    /** Why {@code e} may pass later; empty when it will not. */
    static Optional<RetryLaterException.Reason> reason(RuntimeException e) {
        if (e instanceof ConcurrentRunsExceededException) {
            return Optional.of(RetryLaterException.Reason.CONCURRENT_RUNS_EXCEEDED);
        }
        if (e instanceof AwsServiceException service) {
            if (service.isThrottlingException()) {
                return Optional.of(RetryLaterException.Reason.THROTTLED);
            }
            if (service instanceof InternalServiceException
                    || service instanceof OperationTimeoutException
                    || service.statusCode() >= 500) {
                return Optional.of(RetryLaterException.Reason.TRANSIENT);
            }
            return Optional.empty();
        }
        if (e instanceof SdkClientException client && mayPass(client)) {
            return Optional.of(RetryLaterException.Reason.TRANSIENT);
        }
        return Optional.empty();
    }

    /**
     * A client-side failure passes on its own only when the network failed it: an I/O error (connection refused or
     * reset, DNS, TLS) or a timeout, the exceptions the SDK's own retry policy retries. Every other client failure
     * (no credentials, a malformed endpoint, a request the SDK refuses to build) fails the same way on every tick,
     * so it must fail the invocation and raise the alarm instead of hiding as a transient error.
     */
    private static boolean mayPass(SdkClientException e) {
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException || e.retryable()) {
            return true;
        }
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException || cause instanceof UncheckedIOException) {
                return true;
            }
        }
        return false;
    }
}
