package dev.tributary.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.common.aws.AwsClientFactory;
import dev.tributary.devkit.AwsEmulator;
import dev.tributary.devkit.ConsoleCapture;
import dev.tributary.toolkit.SamTemplate;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** {@code tributary demo} against the emulator, asserting on what landed (the operator commands: cli's CliIT). */
class DemoIT {
    private final AwsEmulator emulator = AwsEmulator.get();
    private final AwsClientFactory clients = emulator.clients();

    /** Runs a command, capturing standard output; returns the exit code and the text. */
    private static Run run(String... args) {
        ConsoleCapture.Result r =
                ConsoleCapture.run(() -> TributaryDev.commandLine().execute(args));
        return new Run(r.code(), r.out());
    }

    record Run(int code, String output) {}

    @Test
    void demo_whenSmallRun_accountsForEveryRecordFromStreamToCuratedParquet() throws Exception {
        // The Glue stage runs the real job under local PySpark (scripts/test.sh installs it); without it the test
        // fails with an instruction, unless -Dtributary.skipGlue=true is given (GlueStage).
        List<String> args = new ArrayList<>(List.of(
                "demo", "--events", "400", "--invalid-share", "0.05", "--batch-size", "100", "--kpl-share", "0.5"));
        args.addAll(GlueStage.demoArgs());
        Run run = run(args.toArray(String[]::new));

        assertThat(run.code()).as(run.output()).isZero();
        // Some events came from KPL-aggregating producers, and the ledger still follows each one.
        // Quarantine notices have their own queue: with nothing given up on, the dead-letter queue stays empty.
        assertThat(run.output())
                .containsPattern("notices on the quarantine queue \\(dead-letter queue: 0 given-up " + "batches\\)")
                .doesNotContainPattern("quarantined\\s+[0-9,]+ records in [0-9]+ failed/ objects, 0 notices");
        assertThat(run.output())
                .containsPattern("records in\\s+400 in [0-9,]+ Kinesis records \\([1-9][0-9,]* of them "
                        + "in [1-9][0-9]* KPL aggregates\\)");
        assertThat(run.output())
                .containsPattern("records in\\s+400")
                .containsPattern("unaccounted\\s+0\\n")
                .contains("raw/event_type=page_view/", "failed/dt=", "processed/event_type=payment/");
        if (!GlueStage.optedOut()) {
            long valid = Long.parseLong(run.output()
                    .replaceAll("(?s).*raw\\s+([0-9,]+) records.*", "$1")
                    .replace(",", ""));
            assertThat(run.output())
                    .containsPattern("curated\\s+" + String.format("%,d", valid) + " records, Glue run \\S+ SUCCEEDED")
                    .contains("curated/sensor_reading/", "aggregates/page_view_performance/");
            // The demo ends with one query over the aggregate tables, read through the catalog by the operator's
            // query tool (pyiceberg + DuckDB), as a table of at least one page.
            assertThat(run.output())
                    .contains("Slowest pages (worst hourly p95 time to interactive)")
                    .containsPattern(
                            "\\npage_url\\s+worst_hourly_tti_p95_ms\\s+views\\n[- ]+\\n\\S+\\s+[0-9.]+\\s+[1-9][0-9]*\\n")
                    .containsPattern("\\([1-5] rows?\\)\\n$");
        }
        assertNoPersonalDataLeftRaw(run.output());
    }

    /**
     * The PII policies' promise over the demo's whole output: no value a policy protects, read from the producers'
     * records in raw/, appears in processed/ or (read back through the catalog by pyiceberg, not by the job) in the
     * curated tables.
     */
    private void assertNoPersonalDataLeftRaw(String demoOutput) throws Exception {
        java.util.regex.Matcher buckets = java.util.regex.Pattern.compile("s3://(demo-[0-9a-f]+)-raw-([^/]+)/")
                .matcher(demoOutput);
        assertThat(buckets.find()).as(demoOutput).isTrue();
        String raw = buckets.group(1) + "-raw-" + buckets.group(2);
        String processed = buckets.group(1) + "-processed-" + buckets.group(2);
        PersonalDataScan scan = new PersonalDataScan();
        List<String> rawStrings = new ArrayList<>();
        List<String> processedStrings = new ArrayList<>();
        try (S3Client s3 = clients.s3()) {
            for (String line : jsonLines(s3, raw, "raw/")) {
                var event = dev.tributary.common.json.Json.mapper().readTree(line);
                scan.producerEvent(event);
                PersonalDataScan.strings(event, rawStrings);
            }
            for (String line : jsonLines(s3, processed, "processed/")) {
                PersonalDataScan.strings(dev.tributary.common.json.Json.mapper().readTree(line), processedStrings);
            }
            assertThat(scan.protectedValues())
                    .as("ids, user agents, e-mail addresses, search queries")
                    .isGreaterThan(50);
            assertThat(scan.exposedIn(rawStrings))
                    .as("the scan finds them where they are")
                    .isNotEmpty();
            assertThat(scan.exposedIn(processedStrings))
                    .as("protected values in processed/")
                    .isEmpty();
            if (!GlueStage.optedOut()) {
                try (var glue = clients.configure(software.amazon.awssdk.services.glue.GlueClient.builder())
                        .build()) {
                    Map<String, String> operator = emulator.operatorEnvironment();
                    List<String> curatedStrings = new ArrayList<>();
                    for (String json : new LocalGlueRunner(
                                    s3,
                                    glue,
                                    java.nio.file.Files.createTempDirectory("pii-scan"),
                                    SamTemplate.locate().getParent().getParent(),
                                    operator)
                            .curatedStrings(buckets.group(1).replace('-', '_'))) {
                        curatedStrings.add(dev.tributary.common.json.Json.mapper()
                                .readTree(json)
                                .asText());
                    }
                    assertThat(curatedStrings)
                            .as("the curated tables were read")
                            .isNotEmpty();
                    assertThat(scan.exposedIn(curatedStrings))
                            .as("protected values in the curated tables")
                            .isEmpty();
                }
            }
        }
    }

    /** The lines of every object under {@code prefix}, gunzipped when the key ends in .gz. */
    private static List<String> jsonLines(S3Client s3, String bucket, String prefix) throws java.io.IOException {
        List<String> lines = new ArrayList<>();
        for (S3Object object :
                s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            byte[] bytes =
                    s3.getObjectAsBytes(b -> b.bucket(bucket).key(object.key())).asByteArray();
            if (object.key().endsWith(".gz")) {
                try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(bytes))) {
                    bytes = in.readAllBytes();
                }
            }
            new String(bytes, StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> !l.isBlank())
                    .forEach(lines::add);
        }
        return lines;
    }
}
