package dev.tributary.benchmarks.processor;

import dev.tributary.common.aws.AwsClientFactory;
import dev.tributary.common.aws.AwsSettings;
import dev.tributary.common.aws.OfflineHttpClient;
import dev.tributary.common.logging.StructuredLogger;
import dev.tributary.processor.KinesisProcessorConfig;
import dev.tributary.processor.KinesisProcessorHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The kinesis-processor exactly as deployed, except that its S3, DynamoDB and SQS clients talk to an
 * {@link OfflineHttpClient}: everything the function and the SDK do per batch is measured, the network is not.
 * Its log lines are dropped unless {@code -Dtributary.bench.log=true}.
 */
public final class OfflineProcessor implements AutoCloseable {
    private final S3Client s3;
    private final DynamoDbClient dynamoDb;
    private final SqsClient sqs;
    private final KinesisProcessorHandler handler;

    /**
     * @param http      answers the SDK's requests
     * @param gzipLevel deflate level of raw objects ({@code GZIP_LEVEL})
     */
    public OfflineProcessor(OfflineHttpClient http, int gzipLevel) {
        // Production endpoints (no override) so endpoint resolution and host-style S3 addressing are as in AWS.
        AwsClientFactory clients = new AwsClientFactory(
                new AwsSettings(Region.US_EAST_1, Optional.empty()),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBENCHMARK", "benchmark-secret")),
                http);
        s3 = clients.s3();
        dynamoDb = clients.dynamoDb();
        sqs = clients.configure(SqsClient.builder()).build();
        handler = KinesisProcessorHandler.withClients(
                config(gzipLevel),
                s3,
                dynamoDb,
                sqs,
                Clock.systemUTC(),
                new StructuredLogger(
                        "kinesis-processor",
                        Boolean.getBoolean("tributary.bench.log")
                                ? System.err
                                : new PrintStream(OutputStream.nullOutputStream()),
                        Clock.systemUTC()));
    }

    /** The configuration the function gets from its environment, with {@code GZIP_LEVEL} as given. */
    public static KinesisProcessorConfig config(int gzipLevel) {
        return new KinesisProcessorConfig(
                "tributary-raw-123456789012",
                "tributary-metadata",
                "https://sqs.us-east-1.amazonaws.com/123456789012/tributary-quarantine",
                KinesisProcessorConfig.KINESIS_MAX_RECORD_BYTES,
                Duration.ofDays(1),
                8,
                gzipLevel,
                Duration.ofDays(90));
    }

    /**
     * One invoke as the runtime makes it: the payload's bytes in (the handler reads the event JSON itself), the
     * partial-batch response's bytes out.
     */
    public byte[] handle(byte[] eventJson) {
        ByteArrayOutputStream response = new ByteArrayOutputStream(64);
        try {
            handler.handleRequest(new ByteArrayInputStream(eventJson), response, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return response.toByteArray();
    }

    @Override
    public void close() {
        s3.close();
        dynamoDb.close();
        sqs.close();
    }
}
