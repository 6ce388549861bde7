package dev.tributary.devkit;

import dev.tributary.common.aws.AwsClientFactory;
import dev.tributary.common.aws.AwsSettings;
import dev.tributary.toolkit.EmulatorProtocols;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The AWS emulator that integration tests and the local demo run against.
 *
 * <ol>
 *   <li>{@code AWS_ENDPOINT_URL} set: use it (moto started by {@code scripts/emulator.sh}, or any LocalStack).</li>
 *   <li>Otherwise, when Docker answers: start LocalStack ({@value #LOCALSTACK_IMAGE}) through Testcontainers, once
 *       per JVM, passing {@code LOCALSTACK_AUTH_TOKEN} through when it is set.</li>
 *   <li>Otherwise: fail with {@link EmulatorUnavailableException}, saying how to get one. Tests never skip.</li>
 * </ol>
 */
public final class AwsEmulator {
    /**
     * The last LocalStack tag that starts without an auth token (later tags and {@code latest} require one).
     * LocalStack's free edition has no Glue; Glue tests need moto.
     */
    public static final String LOCALSTACK_IMAGE = "localstack/localstack:4.14.0";
    /** The static access key and secret every emulator accepts. */
    private static final String TEST_KEY = "test";

    private static volatile AwsEmulator shared;

    static {
        useEmulatorProtocols();
    }

    /** Makes SDK clients speak what emulators understand ({@link EmulatorProtocols}). */
    public static void useEmulatorProtocols() {
        EmulatorProtocols.use();
    }

    private final URI endpoint;
    private final Region region;
    private final String description;

    private AwsEmulator(URI endpoint, Region region, String description) {
        this.endpoint = endpoint;
        this.region = region;
        this.description = description;
    }

    /** The emulator for this JVM, found or started on first call. */
    public static AwsEmulator get() {
        AwsEmulator emulator = shared;
        if (emulator == null) {
            synchronized (AwsEmulator.class) {
                emulator = shared;
                if (emulator == null) {
                    emulator = resolve(System.getenv());
                    shared = emulator;
                }
            }
        }
        return emulator;
    }

    static AwsEmulator resolve(Map<String, String> env) {
        Region region = Region.of(Optional.ofNullable(env.get("AWS_REGION"))
                .filter(s -> !s.isBlank())
                .orElse("us-east-1"));
        String endpoint = env.get("AWS_ENDPOINT_URL");
        if (endpoint != null && !endpoint.isBlank()) {
            return new AwsEmulator(URI.create(endpoint.strip()), region, "emulator at " + endpoint.strip());
        }
        if (LocalStack.dockerAvailable()) {
            URI started = LocalStack.start(LOCALSTACK_IMAGE, env.get("LOCALSTACK_AUTH_TOKEN"));
            return new AwsEmulator(started, region, "LocalStack " + LOCALSTACK_IMAGE + " at " + started);
        }
        throw new EmulatorUnavailableException("""
                No AWS emulator: AWS_ENDPOINT_URL is not set and Docker is not available.
                Run the tests the way the README says (scripts/test.sh starts moto for you), or start one yourself:
                  scripts/emulator.sh start && eval "$(scripts/emulator.sh env)"
                or start Docker so the tests can run LocalStack (%s) through Testcontainers.""".formatted(LOCALSTACK_IMAGE));
    }

    /** The endpoint every client talks to. */
    public URI endpoint() {
        return endpoint;
    }

    /** The region resources are created in. */
    public Region region() {
        return region;
    }

    /** What this emulator is, for logs. */
    public String description() {
        return description;
    }

    /** A client factory for this emulator, with the static test credentials emulators accept. */
    public AwsClientFactory clients() {
        return new AwsClientFactory(
                AwsSettings.emulator(region, endpoint),
                StaticCredentialsProvider.create(AwsBasicCredentials.create(TEST_KEY, TEST_KEY)));
    }

    /**
     * The environment of an operator's process on this emulator (a reader, a query, the CLI): the function
     * environment plus the static test credentials of {@link #clients()}, so the process acts as the operator and
     * not as any template role.
     */
    public Map<String, String> operatorEnvironment() {
        return Map.of(
                "AWS_REGION",
                region.id(),
                "AWS_ENDPOINT_URL",
                endpoint.toString(),
                "AWS_ACCESS_KEY_ID",
                TEST_KEY,
                "AWS_SECRET_ACCESS_KEY",
                TEST_KEY);
    }

    /** The environment a function would see when pointed at this emulator. */
    public Map<String, String> functionEnvironment() {
        return Map.of("AWS_REGION", region.id(), "AWS_ENDPOINT_URL", endpoint.toString());
    }
}
