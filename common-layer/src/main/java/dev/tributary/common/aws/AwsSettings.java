package dev.tributary.common.aws;

import dev.tributary.common.config.ConfigurationException;
import dev.tributary.common.config.Env;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.regions.Region;

/**
 * Where the AWS clients connect: the region and, for an emulator, an endpoint override.
 *
 * @param region        from {@code AWS_REGION} (Lambda always sets it)
 * @param endpoint      from {@code AWS_ENDPOINT_URL} when set (moto, LocalStack); empty in AWS
 * @param socketTimeout how long a call may wait for the next byte of an answer before the SDK gives up on the
 *                      attempt and retries: {@code SDK_SOCKET_TIMEOUT_SECONDS}, default {@link #DEFAULT_SOCKET_TIMEOUT}
 * @param credentials   the credentials in the environment given ({@code AWS_ACCESS_KEY_ID},
 *                      {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_SESSION_TOKEN}, the variables Lambda sets for the
 *                      execution role's session), or empty for the SDK's default chain. A local runner that hosts
 *                      several functions in one JVM gives each its own role's session this way.
 */
public record AwsSettings(
        Region region, Optional<URI> endpoint, Duration socketTimeout, Optional<AwsCredentials> credentials) {
    /**
     * 10 s: far above S3's and DynamoDB's answer times, and short enough that the SDK's three attempts at a call
     * that hangs fit in the processor's 60 s function timeout, so a hung connection costs one retried call, not a
     * timed-out invocation (the HTTP client's own default, 30 s, would spend 90 s on it).
     */
    public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(10);

    /** Settings with the default socket timeout. */
    public AwsSettings(Region region, Optional<URI> endpoint) {
        this(region, endpoint, DEFAULT_SOCKET_TIMEOUT);
    }

    /** Settings with the SDK's default credential chain. */
    public AwsSettings(Region region, Optional<URI> endpoint, Duration socketTimeout) {
        this(region, endpoint, socketTimeout, Optional.empty());
    }

    /**
     * Reads {@code AWS_REGION} (required), {@code AWS_ENDPOINT_URL}, {@code SDK_SOCKET_TIMEOUT_SECONDS} and the
     * credential variables (optional; the access key and secret go together).
     *
     * @throws ConfigurationException naming the variable that is missing or malformed
     */
    public static AwsSettings fromEnv(Env env) {
        Region region = Region.of(env.required("AWS_REGION"));
        String endpoint = env.optional("AWS_ENDPOINT_URL", null);
        Duration socketTimeout = env.seconds("SDK_SOCKET_TIMEOUT_SECONDS", DEFAULT_SOCKET_TIMEOUT);
        Optional<AwsCredentials> credentials = credentials(env);
        if (endpoint == null) {
            return new AwsSettings(region, Optional.empty(), socketTimeout, credentials);
        }
        try {
            URI uri = URI.create(endpoint);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
            return new AwsSettings(region, Optional.of(uri), socketTimeout, credentials);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("AWS_ENDPOINT_URL is not a URL: '" + endpoint + "'");
        }
    }

    private static Optional<AwsCredentials> credentials(Env env) {
        String accessKey = env.optional("AWS_ACCESS_KEY_ID", null);
        String secret = env.optional("AWS_SECRET_ACCESS_KEY", null);
        if (accessKey == null && secret == null) {
            return Optional.empty();
        }
        if (accessKey == null || secret == null) {
            throw new ConfigurationException(
                    accessKey == null
                            ? "AWS_SECRET_ACCESS_KEY is set without AWS_ACCESS_KEY_ID"
                            : "AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY");
        }
        String token = env.optional("AWS_SESSION_TOKEN", null);
        return Optional.of(
                token == null
                        ? AwsBasicCredentials.create(accessKey, secret)
                        : AwsSessionCredentials.create(accessKey, secret, token));
    }

    /** Settings for an emulator at {@code endpoint}. */
    public static AwsSettings emulator(Region region, URI endpoint) {
        return new AwsSettings(region, Optional.of(endpoint));
    }
}
