package dev.tributary.orchestrator;

import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.glue.model.ThrottlingException;

/**
 * Fault injection at the SDK layer (like kinesis-processor's InjectedFault): the first {@code times} calls of an
 * operation fail as if the service had kept failing past the SDK's retries. The code under test is unchanged.
 */
final class GlueFault implements ExecutionInterceptor {
    private final String operation;
    private final int times;
    private final boolean throttle;
    private final AtomicInteger seen = new AtomicInteger();

    private GlueFault(String operation, int times, boolean throttle) {
        this.operation = operation;
        this.times = times;
        this.throttle = throttle;
    }

    /** {@code operation} answers 400 ThrottlingException, {@code times} times. */
    static GlueFault throttling(String operation, int times) {
        return new GlueFault(operation, times, true);
    }

    /** {@code operation} cannot reach the service (connection reset, timeout), {@code times} times. */
    static GlueFault unreachable(String operation, int times) {
        return new GlueFault(operation, times, false);
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (!operation.equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))
                || seen.incrementAndGet() > times) {
            return;
        }
        if (throttle) {
            throw ThrottlingException.builder()
                    .statusCode(400)
                    .awsErrorDetails(AwsErrorDetails.builder()
                            .errorCode("ThrottlingException")
                            .errorMessage("Rate exceeded (injected)")
                            .serviceName("Glue")
                            .build())
                    .message("Rate exceeded (injected)")
                    .build();
        }
        // Shaped as the SDK reports an endpoint nobody answers: a client exception caused by the I/O error
        // (AwsFailuresTest.reason_whenNothingListensAtTheEndpoint_mayPassLater checks the real SDK does).
        throw SdkClientException.builder()
                .message("injected fault: " + operation + " unreachable")
                .cause(new java.net.ConnectException("Connection refused (injected)"))
                .build();
    }
}
