package dev.tributary.devtools;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Spark settings Glue derives from a job's special parameters, for running the job under local PySpark
 * ({@code PYSPARK_SUBMIT_ARGS}). Glue: "--datalake-formats iceberg" adds Iceberg's libraries to the job, and "--conf"
 * passes Spark configuration, several settings joined by " --conf " in one value (AWS Glue developer guide, "Using
 * the Iceberg framework in AWS Glue" and "Using job parameters in AWS Glue jobs"). Locally the Iceberg catalog's
 * AWS clients are pointed at the emulator's endpoint (path-style S3, since the emulator serves no bucket host names)
 * and region; nothing else differs from the template's settings.
 */
final class GlueSparkSettings {
    private static final String CATALOG_IMPL_SUFFIX = ".catalog-impl";

    private GlueSparkSettings() {}

    /** The {@code --conf} settings of the job's arguments, in order. */
    static Map<String, String> conf(Map<String, String> arguments) {
        Map<String, String> settings = new LinkedHashMap<>();
        String value = arguments.getOrDefault("--conf", "").strip();
        if (value.isEmpty()) {
            return settings;
        }
        for (String setting : value.split("\\s+--conf\\s+")) {
            int eq = setting.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--conf setting is not key=value: " + setting);
            }
            settings.put(
                    setting.substring(0, eq).strip(), setting.substring(eq + 1).strip());
        }
        return settings;
    }

    /**
     * {@code PYSPARK_SUBMIT_ARGS} for the job: the Iceberg jars when {@code --datalake-formats} names iceberg, every
     * {@code --conf} setting, and for each Iceberg catalog configured there its endpoints and region from
     * {@code awsEnvironment} ({@code AWS_ENDPOINT_URL}, {@code AWS_REGION}).
     */
    static String submitArguments(
            Map<String, String> arguments, String icebergJars, Map<String, String> awsEnvironment) {
        List<String> args = new ArrayList<>();
        boolean iceberg = List.of(
                        arguments.getOrDefault("--datalake-formats", "").split(","))
                .stream()
                .map(String::strip)
                .anyMatch("iceberg"::equals);
        if (iceberg) {
            if (icebergJars == null || icebergJars.isBlank()) {
                throw new IllegalStateException("the job uses --datalake-formats iceberg but TRIBUTARY_ICEBERG_JARS "
                        + "is not set (scripts/lib.sh ensure_iceberg_env)");
            }
            args.add("--jars");
            args.add(icebergJars);
        }
        Map<String, String> settings = conf(arguments);
        String endpoint = awsEnvironment.get("AWS_ENDPOINT_URL");
        String region = awsEnvironment.get("AWS_REGION");
        for (String key : List.copyOf(settings.keySet())) {
            if (key.startsWith("spark.sql.catalog.") && key.endsWith(CATALOG_IMPL_SUFFIX)) {
                String catalog = key.substring(0, key.length() - CATALOG_IMPL_SUFFIX.length());
                if (endpoint != null) {
                    URI.create(endpoint); // fail here on a malformed endpoint, not inside Spark
                    settings.put(catalog + ".glue.endpoint", endpoint);
                    settings.put(catalog + ".s3.endpoint", endpoint);
                    settings.put(catalog + ".s3.path-style-access", "true");
                }
                if (region != null) {
                    settings.put(catalog + ".client.region", region);
                }
            }
        }
        settings.forEach((key, value) -> {
            if (value.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("Spark setting " + key + " has white space: " + value);
            }
            args.add("--conf");
            args.add(key + "=" + value);
        });
        args.add("pyspark-shell");
        return String.join(" ", args);
    }
}
