package dev.tributary.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.glue.GlueClient;
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
    }

    @Test
    void reason_whenNothingListensAtTheEndpoint_mayPassLater() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        SdkClientException refused = callGetJobs(
                URI.create("http://127.0.0.1:" + closedPort),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")));

        assertThat(refused).hasRootCauseInstanceOf(java.net.ConnectException.class);
        assertThat(AwsFailures.reason(refused)).contains(RetryLaterException.Reason.TRANSIENT);
    }

    @Test
    void reason_whenTheFunctionHasNoCredentials_willNotPass() {
        // A profile file with no credentials: the SDK's own "Unable to load credentials" failure, raised before any
        // request is sent. It fails the same way on every tick, so it must fail the invocation (and the alarm).
        ProfileCredentialsProvider noCredentials = ProfileCredentialsProvider.builder()
                .profileFile(ProfileFile.builder()
                        .content(new ByteArrayInputStream(new byte[0]))
                        .type(ProfileFile.Type.CREDENTIALS)
                        .build())
                .profileName("tributary-nobody")
                .build();
        SdkClientException missing = callGetJobs(URI.create("http://127.0.0.1:9"), noCredentials);

        assertThat(missing).hasMessageContaining("credentials");
        assertThat(AwsFailures.reason(missing)).isEmpty();
    }

    private static SdkClientException callGetJobs(URI endpoint, AwsCredentialsProvider credentials) {
        try (GlueClient glue = GlueClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(endpoint)
                .credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
            glue.getJobs(r -> r.maxResults(1));
        } catch (SdkClientException e) {
            return e;
        }
        throw new AssertionError("the call succeeded");
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
