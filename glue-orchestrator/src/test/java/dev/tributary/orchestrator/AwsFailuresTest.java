package dev.tributary.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.glue.model.ConcurrentRunsExceededException;
import software.amazon.awssdk.services.glue.model.GlueException;
import software.amazon.awssdk.services.glue.model.InvalidInputException;

/** Which SDK failures the orchestrator leaves for the next tick instead of failing the invocation. */
class AwsFailuresTest {
    static GlueException service(String code, int status) {
        return (GlueException) GlueException.builder()
                .statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(code)
                        .errorMessage(code)
                        .build())
                .build();
    }

    @Test
    void reason_whenGlueIsAtItsConcurrentRunLimit_isConcurrentRunsExceeded() {
        assertThat(AwsFailures.reason(ConcurrentRunsExceededException.builder()
                        .statusCode(400)
                        .build()))
                .contains(RetryLaterException.Reason.CONCURRENT_RUNS_EXCEEDED);
    }

    @Test
    void reason_whenThrottledOrServerSideOrUnreachable_mayPassLater() {
        assertThat(AwsFailures.reason(service("ThrottlingException", 400)))
                .contains(RetryLaterException.Reason.THROTTLED);
        assertThat(AwsFailures.reason(service("InternalFailure", 500))).contains(RetryLaterException.Reason.TRANSIENT);
        assertThat(AwsFailures.reason(SdkClientException.create("connection reset")))
                .contains(RetryLaterException.Reason.TRANSIENT);
    }

    @Test
    void reason_whenTheRequestIsWrong_willNotPass() {
        assertThat(AwsFailures.reason(
                        InvalidInputException.builder().statusCode(400).build()))
                .isEmpty();
        assertThat(AwsFailures.reason(service("AccessDeniedException", 400))).isEmpty();
        assertThat(AwsFailures.reason(new IllegalStateException("bug"))).isEqualTo(Optional.empty());
    }

    @Test
    void retryLater_whenTheCallMayPassLater_keepsTheSdkMessageAndCause() {
        GlueException throttled = service("ThrottlingException", 400);

        assertThatThrownBy(() -> AwsFailures.retryLater(() -> {
                    throw throttled;
                }))
                .isInstanceOf(RetryLaterException.class)
                .hasMessage(throttled.getMessage())
                .cause()
                .isSameAs(throttled);
    }
}
