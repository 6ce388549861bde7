package dev.tributary.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.cli.QueryCommand;
import dev.tributary.common.json.Json;
import dev.tributary.devkit.AwsEmulator;
import dev.tributary.devkit.ConsoleCapture;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code tributary query} over the tables the demo's Glue run curated, checked against counts the test takes itself
 * from the processed objects in S3 (neither the job's code nor the query tool's reader).
 */
// A demo with its Glue run of its own (about 3 minutes): outside CI's bounded run, in scripts/test.sh --long.
@Tag("long")
class QueryIT {
    private final AwsEmulator emulator = AwsEmulator.get();

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        ConsoleCapture.Result r =
                ConsoleCapture.run(() -> TributaryDev.commandLine().execute(args));
        return new Run(r.code(), r.out(), r.err());
    }

    private Run query(String database, String... rest) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "query",
                "--endpoint-url",
                emulator.endpoint().toString(),
                "--region",
                emulator.region().id(),
                "--database",
                database));
        args.addAll(List.of(rest));
        return run(args.toArray(String[]::new));
    }

    @Test
    void query_afterTheDemosGlueRun_countsEveryProcessedEventOncePerTypeAndInTheHourlyAggregate() throws IOException {
        // Needs the local Glue runtime and the query tool (scripts/test.sh installs both); never skipped.
        assertThat(LocalGlueRunner.available())
                .as("GLUE_PYTHON, SPARK_JAVA_HOME, TRIBUTARY_ICEBERG_JARS, " + "ICEBERG_READER_PYTHON (scripts/lib.sh)")
                .isTrue();
        String python = System.getenv(QueryCommand.PYTHON_VARIABLE);
        assertThat(python != null && Files.isExecutable(Path.of(python)))
                .as("TRIBUTARY_QUERY_PYTHON (scripts/lib.sh ensure_query_env)")
                .isTrue();

        Run demo = run("demo", "--events", "300", "--invalid-share", "0.05", "--seed", "7");
        // Not the demo's exit code: its verdict also fails on a Glue run the local runner timed out and the
        // orchestrator retried (seen on a machine at load 40); CliIT judges the demo. Here the tables only need to be
        // complete, which the per-type counts against processed/ below check.
        assertThat(demo.out()).as(demo.out()).containsPattern("Glue run \\S+ SUCCEEDED");
        Matcher buckets = Pattern.compile("s3://(demo-[0-9a-f]+)-raw-([^/]+)/").matcher(demo.out());
        assertThat(buckets.find()).as(demo.out()).isTrue();
        String database = buckets.group(1).replace('-', '_');
        Map<String, Set<String>> processedIds = processedIdsByType(buckets.group(1) + "-processed-" + buckets.group(2));
        assertThat(processedIds).containsKeys("page_view", "sensor_reading", "payment");

        for (var type : processedIds.entrySet()) {
            Run count = query(
                    database,
                    "--format",
                    "json",
                    "SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM curated_" + type.getKey());
            assertThat(count.code()).as(count.err()).isZero();
            JsonNode row = Json.mapper().readTree(count.out());
            assertThat(row.path("n").asLong())
                    .as(type.getKey())
                    .isEqualTo(type.getValue().size());
            assertThat(row.path("d").asLong())
                    .as(type.getKey())
                    .isEqualTo(type.getValue().size());
        }
        long total = processedIds.values().stream().mapToLong(Set::size).sum();
        Run hourly = query(
                database,
                "--format",
                "csv",
                "SELECT sum(event_count) AS events FROM \"" + database + "\".agg_event_counts_hourly");
        assertThat(hourly.code()).as(hourly.err()).isZero();
        assertThat(hourly.out()).isEqualTo("events\n" + total + "\n");

        // The demo's closing question, as a table: slowest pages by p95 time to interactive.
        Run slowest = query(
                database,
                "SELECT page_url, max(tti_p95_ms) AS p95 FROM agg_page_view_performance "
                        + "GROUP BY page_url ORDER BY p95 DESC LIMIT 3");
        assertThat(slowest.code()).as(slowest.err()).isZero();
        assertThat(slowest.out()).startsWith("page_url").contains("(3 rows)");

        Run unknown = query(database, "SELECT count(*) FROM curated_no_such_type");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err().strip())
                .doesNotContain("\n")
                .startsWith("error: ")
                .contains("curated_no_such_type", "curated_page_view");
    }

    /** Distinct event ids per event_type in the processed JSON Lines objects, read by the test itself. */
    private Map<String, Set<String>> processedIdsByType(String bucket) throws IOException {
        Map<String, Set<String>> ids = new HashMap<>();
        try (S3Client s3 = emulator.clients().s3()) {
            for (S3Object object : s3.listObjectsV2Paginator(
                            b -> b.bucket(bucket).prefix("processed/"))
                    .contents()) {
                byte[] bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(object.key()))
                        .asByteArray();
                if (object.key().endsWith(".gz")) {
                    try (var in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                        bytes = in.readAllBytes();
                    }
                }
                for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                    if (!line.isBlank()) {
                        JsonNode event = Json.mapper().readTree(line);
                        ids.computeIfAbsent(event.path("event_type").asText(), t -> new HashSet<>())
                                .add(event.path("event_id").asText());
                    }
                }
            }
        }
        return ids;
    }
}
