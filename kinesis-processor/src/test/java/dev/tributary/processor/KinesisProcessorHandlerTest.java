package dev.tributary.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.tributary.common.aws.AwsClientFactory;
import dev.tributary.common.aws.AwsSettings;
import dev.tributary.common.aws.OfflineHttpClient;
import dev.tributary.common.logging.StructuredLogger;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The entry point as the runtime sees it: bytes in, bytes out. (The priming batch through the same path, clients
 * answering in-process, is benchmarks' {@code PrimingTest}: this module's unit tests run with a blank
 * {@code AWS_ENDPOINT_URL}, which the SDK refuses.)
 */
class KinesisProcessorHandlerTest {
    private static final KinesisProcessorConfig CONFIG = new KinesisProcessorConfig(
            "raw-bucket",
            "metadata-table",
            "https://sqs.us-east-1.amazonaws.com/000000000000/quarantine",
            KinesisProcessorConfig.KINESIS_MAX_RECORD_BYTES,
            Duration.ofDays(1),
            8,
            6,
            Duration.ofDays(90));

    private static KinesisProcessorHandler offlineHandler() {
        AwsClientFactory clients = new AwsClientFactory(
                new AwsSettings(Region.US_EAST_1, Optional.empty()),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")),
                OfflineHttpClient.forgetful());
        return KinesisProcessorHandler.withClients(
                CONFIG,
                clients.s3(),
                clients.dynamoDb(),
                clients.configure(SqsClient.builder()).build(),
                Clock.systemUTC(),
                new StructuredLogger(
                        "kinesis-processor", new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC()));
    }

    @Test
    void handleRequest_isTheOnlyPublicMethodOfItsName_soTheRuntimeInterfaceClientHasOneCandidate() {
        // The runtime interface client picks among the public methods named in Handler (…::handleRequest); a typed
        // overload next to the stream one would compete with it.
        Method[] candidates = Arrays.stream(KinesisProcessorHandler.class.getMethods())
                .filter(method -> method.getName().equals("handleRequest"))
                .toArray(Method[]::new);

        assertThat(candidates)
                .singleElement()
                .satisfies(method -> assertThat(method.getParameterTypes())
                        .containsExactly(InputStream.class, OutputStream.class, Context.class));
        assertThat(RequestStreamHandler.class).isAssignableFrom(KinesisProcessorHandler.class);
        assertThat(RequestHandler.class.isAssignableFrom(KinesisProcessorHandler.class))
                .isFalse();
    }

    @Test
    void handleRequest_whenPayloadIsNotAKinesisEvent_failsNamingTheProblemAndWritesNothing() {
        ByteArrayOutputStream response = new ByteArrayOutputStream();

        assertThatThrownBy(() -> offlineHandler()
                        .handleRequest(
                                new ByteArrayInputStream("{\"Records\":\"none\"}".getBytes(StandardCharsets.UTF_8)),
                                response,
                                null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the invoke payload is not a Kinesis event: Records must be an array");
        assertThat(response.size()).isZero();
    }
}
