package dev.tributary.common.aws;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Builds the SDK v2 clients a function needs, once per container.
 *
 * <p>All clients share one {@link UrlConnectionHttpClient}: the JDK's own HTTP stack loads the fewest classes,
 * which is what a Lambda cold start pays for. The Apache and Netty clients are excluded from the build.
 * Region and endpoint come from {@link AwsSettings}; credentials from the environment it was read from when that
 * has them (what the SDK's chain would read first in Lambda anyway: the process environment never changes), else
 * from the default chain (container credentials under SnapStart, which sets no key variables; profiles on a laptop).
 */
public final class AwsClientFactory {
    private final AwsSettings settings;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient httpClient;

    /** A factory with the settings' credentials, or the default credential chain. */
    public AwsClientFactory(AwsSettings settings) {
        this(
                settings,
                settings.credentials()
                        .<AwsCredentialsProvider>map(StaticCredentialsProvider::create)
                        .orElseGet(() -> DefaultCredentialsProvider.builder().build()));
    }

    /** A factory with explicit credentials (tests against an emulator). */
    public AwsClientFactory(AwsSettings settings, AwsCredentialsProvider credentials) {
        this(
                settings,
                credentials,
                UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(settings.socketTimeout())
                        .build());
    }

    /**
     * A factory whose clients share {@code httpClient}: {@link OfflineHttpClient} for priming and benchmarks,
     * another SDK client to compare cold starts.
     */
    public AwsClientFactory(AwsSettings settings, AwsCredentialsProvider credentials, SdkHttpClient httpClient) {
        this.settings = settings;
        this.credentials = credentials;
        this.httpClient = httpClient;
    }

    /** The settings the clients are built with. */
    public AwsSettings settings() {
        return settings;
    }

    /**
     * Applies region, endpoint, credentials and the shared HTTP client to any SDK client builder.
     *
     * @param builder e.g. {@code SqsClient.builder()}
     * @return the same builder, for service-specific settings before {@code build()}
     */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B configure(B builder) {
        builder.region(settings.region()).credentialsProvider(credentials).httpClient(httpClient);
        settings.endpoint().ifPresent(builder::endpointOverride);
        return builder;
    }

    /** An S3 client; path-style addressing when an emulator endpoint is set (no wildcard DNS on 127.0.0.1). */
    public S3Client s3() {
        return configure(S3Client.builder())
                .forcePathStyle(settings.endpoint().isPresent())
                .build();
    }

    /**
     * A DynamoDB client that gives up on a throttled call after {@value #DYNAMODB_MAX_ATTEMPTS} attempts (2.7 s
     * measured).
     * The SDK's DynamoDB default, nine attempts with backoff up to 20 s, measured 61 s against an always-throttling
     * table: longer than the processor's 60 s function timeout, so throttling would turn into timed-out invocations
     * instead of one retried record. The functions' own retries (partial batch failure, Lambda's async retries)
     * take over from here.
     */
    public DynamoDbClient dynamoDb() {
        return configure(DynamoDbClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(DYNAMODB_MAX_ATTEMPTS)))
                .build();
    }

    /** Attempts per DynamoDB call, the first included. */
    public static final int DYNAMODB_MAX_ATTEMPTS = 4;
}
