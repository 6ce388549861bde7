package dev.tributary.common.aws;

import dev.tributary.common.config.ConfigurationException;
import dev.tributary.common.config.Env;
import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.regions.Region;

/**
 * Where the AWS clients connect: the region and, for an emulator, an endpoint override.
 *
 * @param region   from {@code AWS_REGION} (Lambda always sets it)
 * @param endpoint from {@code AWS_ENDPOINT_URL} when set (moto, LocalStack); empty in AWS
 */
public record AwsSettings(Region region, Optional<URI> endpoint) {

    /**
     * Reads {@code AWS_REGION} (required) and {@code AWS_ENDPOINT_URL} (optional).
     *
     * @throws ConfigurationException naming the variable that is missing or malformed
     */
    public static AwsSettings fromEnv(Env env) {
        Region region = Region.of(env.required("AWS_REGION"));
        String endpoint = env.optional("AWS_ENDPOINT_URL", null);
        if (endpoint == null) {
            return new AwsSettings(region, Optional.empty());
        }
        try {
            URI uri = URI.create(endpoint);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
            return new AwsSettings(region, Optional.of(uri));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("AWS_ENDPOINT_URL is not a URL: '" + endpoint + "'");
        }
    }

    /** Settings for an emulator at {@code endpoint}. */
    public static AwsSettings emulator(Region region, URI endpoint) {
        return new AwsSettings(region, Optional.of(endpoint));
    }
}
