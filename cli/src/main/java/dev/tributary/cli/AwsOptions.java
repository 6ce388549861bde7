package dev.tributary.cli;

import dev.tributary.common.aws.AwsClientFactory;
import dev.tributary.common.aws.AwsSettings;
import dev.tributary.common.config.ConfigurationException;
import dev.tributary.common.config.Env;
import dev.tributary.toolkit.EmulatorProtocols;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where a command's AWS calls go: real AWS (standard credential chain and region) or an emulator. */
final class AwsOptions {
    @Option(names = "--region", description = "AWS region (default: AWS_REGION).")
    String region;

    @Option(
            names = "--endpoint-url",
            description =
                    "Emulator endpoint, e.g. http://127.0.0.1:4566 (default: AWS_ENDPOINT_URL; unset for real AWS).")
    String endpoint;

    /** The environment the commands and in-process handlers see: the process's, with the options applied. */
    Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(System.getenv());
        if (region != null) {
            env.put("AWS_REGION", region);
        }
        if (endpoint != null) {
            env.put("AWS_ENDPOINT_URL", endpoint);
        }
        if (env.getOrDefault("AWS_REGION", "").isBlank()) {
            throw new ConfigurationException("no region: pass --region or set AWS_REGION");
        }
        if (!env.getOrDefault("AWS_ENDPOINT_URL", "").isBlank()) {
            EmulatorProtocols.use();
        }
        return env;
    }

    AwsClientFactory clients() {
        return new AwsClientFactory(AwsSettings.fromEnv(new Env(environment())));
    }
}
