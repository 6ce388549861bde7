package dev.tributary.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.common.json.Json;
import dev.tributary.common.metadata.MetadataAttributes;
import dev.tributary.devkit.AwsEmulator;
import dev.tributary.devkit.LocalDeployment;
import dev.tributary.toolkit.SamTemplate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * {@code tributary invoke} runs each function under the real Runtime Interface Emulator with the committed events of
 * {@code infra/events/} against resources deployed from the template, and the effects land in the emulator.
 *
 * <p>The events are used as committed, with one substitution: {@code s3-put-raw.json} names the raw bucket of the
 * stack {@code generate.sh} assumes ({@code tributary-raw-000000000000-us-east-1}); each test deploys under its own
 * prefix, so that bucket name (and its ARN) is replaced by the deployment's. The Kinesis event names no resource
 * the processor uses (it takes the stream name from the ARN for object keys only), and the schedule event none.
 */
class InvokeIT {
    private static final Path EVENTS = SamTemplate.locate().getParent().resolve("events");
    private static final String EVENTS_RAW_BUCKET = "tributary-raw-000000000000-us-east-1";

    private final AwsEmulator emulator = AwsEmulator.get();
    private final LocalDeployment deployment = LocalDeployment.deploy(
            SamTemplate.load(SamTemplate.locate()),
            emulator,
            "inv-" + UUID.randomUUID().toString().substring(0, 8),
            Map.of());

    @TempDir
    Path dir;

    record Run(int code, String stdout, String stderr) {}

    /** The command in this JVM (the function runs in the emulator's child process), capturing both streams. */
    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        try {
            int code = TributaryDev.commandLine().execute(args);
            return new Run(code, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** An {@code --env-vars} file in SAM's format with the deployment's names (and {@code extra}) for a function. */
    private Path envVars(String function, Map<String, String> extra) throws IOException {
        ObjectNode root = Json.mapper().createObjectNode();
        ObjectNode variables = root.putObject(function);
        deployment.functionEnvironment(function).forEach((k, v) -> {
            if (!k.equals("AWS_REGION")) { // Lambda sets it; the template does not declare it
                variables.put(k, v);
            }
        });
        extra.forEach(variables::put);
        Path file = dir.resolve(function + "-env.json");
        Json.mapper().writeValue(file.toFile(), root);
        return file;
    }

    private Run invoke(String function, Path event, Map<String, String> extra) throws IOException {
        Run run = run(
                "invoke",
                function,
                "--event",
                event.toString(),
                "--env-vars",
                envVars(function, extra).toString());
        assertThat(run.stderr())
                .as(run.stderr())
                .containsPattern("REPORT RequestId: [0-9a-f-]{36}\tInit Duration: [0-9.]+ ms\tDuration: [0-9.]+ ms\t"
                        + "Billed Duration: [0-9]+ ms\tMemory Size: [0-9]+ MB\tMax Memory Used: [0-9]+ MB");
        // The function ran as its template role (the session in --env-vars) behind the IAM gate, refused nothing.
        assertThat(run.stderr()).doesNotContain("which the template does not declare");
        assertThat(deployment.denials()).isEmpty();
        return run;
    }

    private Run processKinesisEvent() throws IOException {
        Run run = invoke("KinesisProcessorFunction", EVENTS.resolve("kinesis-get-records.json"), Map.of());
        assertThat(run.code()).as(run.stderr()).isZero();
        return run;
    }

    /** The raw object {@code s3-put-raw.json} names, decoded as the transformer decodes it. */
    private static String rawKeyOfS3Event() throws IOException {
        JsonNode event =
                Json.mapper().readTree(EVENTS.resolve("s3-put-raw.json").toFile());
        return URLDecoder.decode(event.at("/Records/0/s3/object/key").asText(), StandardCharsets.UTF_8);
    }

    private String status(DynamoDbClient dynamoDb, String rawKey) {
        var item = dynamoDb.getItem(b -> b.tableName(deployment.physicalId("MetadataTable"))
                        .consistentRead(true)
                        .key(Map.of(MetadataAttributes.OBJECT_KEY, AttributeValue.fromS(rawKey))))
                .item();
        return item.containsKey(MetadataAttributes.STATUS)
                ? item.get(MetadataAttributes.STATUS).s()
                : "no item";
    }

    @Nested
    class KinesisProcessor {
        @Test
        void invoke_whenCommittedKinesisEvent_writesRawObjectsAndQuarantinesTheTwoBadRecords() throws IOException {
            Run run = processKinesisEvent();

            assertThat(Json.mapper()
                            .readTree(run.stdout())
                            .path("batchItemFailures")
                            .size())
                    .isZero();
            try (S3Client s3 = emulator.clients().s3();
                    DynamoDbClient dynamoDb = emulator.clients().dynamoDb()) {
                List<String> keys =
                        s3.listObjectsV2(b -> b.bucket(deployment.physicalId("RawBucket"))).contents().stream()
                                .map(S3Object::key)
                                .toList();
                // page_view, sensor_reading, payment (three partitions) + one failed/ object with the two bad records
                assertThat(keys).hasSize(4).contains(rawKeyOfS3Event());
                assertThat(keys.stream().filter(k -> k.startsWith("failed/"))).hasSize(1);
                assertThat(status(dynamoDb, rawKeyOfS3Event())).isEqualTo("WRITTEN");
                String failedKey = keys.stream()
                        .filter(k -> k.startsWith("failed/"))
                        .findFirst()
                        .orElseThrow();
                assertThat(lines(s3, deployment.physicalId("RawBucket"), failedKey))
                        .hasSize(2);
            }
        }
    }

    @Nested
    class S3Transformer {
        @Test
        void invoke_whenCommittedS3EventForTheProcessorsObject_writesTheProcessedObject() throws IOException {
            processKinesisEvent();
            String rawBucket = deployment.physicalId("RawBucket");
            Path event = dir.resolve("s3-put-raw.json");
            Files.writeString(
                    event, Files.readString(EVENTS.resolve("s3-put-raw.json")).replace(EVENTS_RAW_BUCKET, rawBucket));
            try (SsmClient ssm =
                    emulator.clients().configure(SsmClient.builder()).build()) {
                // The transformer's minimum key length is 32 bytes (PiiHasher.MIN_KEY_BYTES); 32 random bytes in
                // base64.
                byte[] key = new byte[32];
                new java.security.SecureRandom().nextBytes(key);
                ssm.putParameter(b -> b.name(deployment
                                .functionEnvironment("S3TransformerFunction")
                                .get("PII_HMAC_KEY_PARAMETER"))
                        .type("SecureString")
                        .overwrite(true)
                        .value(Base64.getEncoder().encodeToString(key)));
            }

            Run run = invoke("S3TransformerFunction", event, Map.of());

            assertThat(run.code()).as(run.stderr()).isZero();
            assertThat(run.stdout().strip()).isEqualTo("{}");
            String processedKey = rawKeyOfS3Event().replaceFirst("^raw/", "processed/");
            try (S3Client s3 = emulator.clients().s3();
                    DynamoDbClient dynamoDb = emulator.clients().dynamoDb()) {
                List<String> processed = lines(s3, deployment.physicalId("ProcessedBucket"), processedKey);
                assertThat(processed).hasSize(1);
                assertThat(processed.getFirst())
                        .contains("0b9d7c1e-5f2a-4d0e-9a51-8c1f3e6b2a10")
                        .doesNotContain("u-1842"); // the user id is PII: only its HMAC leaves the transformer
                assertThat(status(dynamoDb, rawKeyOfS3Event())).isEqualTo("PROCESSED");
            }
        }

        @Test
        void invoke_whenEventIsNotAnS3Event_exitsNonZeroWithTheFunctionsError() throws IOException {
            Run run = invoke("S3TransformerFunction", EVENTS.resolve("scheduled-event.json"), Map.of());

            assertThat(run.code()).isEqualTo(1);
            assertThat(Json.mapper().readTree(run.stdout()).path("errorType").asText())
                    .isEqualTo("java.lang.IllegalArgumentException");
            assertThat(run.stderr()).contains("error: S3TransformerFunction failed");
        }
    }

    @Nested
    class GlueOrchestrator {
        @Test
        void invoke_whenScheduledEventAfterProcessedData_startsAGlueRunOfTheStacksJob() throws IOException {
            processKinesisEvent();
            try (SsmClient ssm =
                    emulator.clients().configure(SsmClient.builder()).build()) {
                ssm.putParameter(b -> b.name(deployment
                                .functionEnvironment("S3TransformerFunction")
                                .get("PII_HMAC_KEY_PARAMETER"))
                        .type("SecureString")
                        .overwrite(true)
                        .value("a-test-key-of-at-least-thirty-two-bytes!"));
            }
            Path s3Event = dir.resolve("s3-put-raw.json");
            Files.writeString(
                    s3Event,
                    Files.readString(EVENTS.resolve("s3-put-raw.json"))
                            .replace(EVENTS_RAW_BUCKET, deployment.physicalId("RawBucket")));
            assertThat(invoke("S3TransformerFunction", s3Event, Map.of()).code())
                    .isZero();

            // SETTLE_SECONDS=1 (default 60): the window ends a second before the tick, which comes seconds after
            // the transformer processed the object (a cold JVM in between), so the object is in it.
            Run run = invoke(
                    "GlueOrchestratorFunction", EVENTS.resolve("scheduled-event.json"), Map.of("SETTLE_SECONDS", "1"));

            assertThat(run.code()).as(run.stderr()).isZero();
            JsonNode response = Json.mapper().readTree(run.stdout());
            assertThat(response.path("event").asText()).isEqualTo("Tick");
            assertThat(response.path("outcomes").toString()).contains("STARTED");
            try (GlueClient glue =
                    emulator.clients().configure(GlueClient.builder()).build()) {
                assertThat(glue.getJobRuns(b -> b.jobName(deployment.physicalId("CurationJob")))
                                .jobRuns())
                        .hasSize(1);
            }
        }
    }

    /** The lines of an object; {@code .gz} ones decompressed (quarantine objects are plain JSON Lines). */
    @Nested
    class Timeout {
        @Test
        void invoke_whenFunctionOutlivesItsTimeout_exitsNonZeroSayingSo() throws IOException {
            // The template with the processor's Timeout at 1 s (CodeUri and the layer's ContentUri made absolute for
            // the copy's location) and
            // an endpoint that accepts connections and never answers: the S3 call outlives the timeout.
            Path root = SamTemplate.locate().toAbsolutePath().getParent().getParent();
            String template = Files.readString(SamTemplate.locate())
                    .replace("CodeUri: ../", "CodeUri: " + root + "/")
                    .replace("ContentUri: ../", "ContentUri: " + root + "/")
                    .replace(
                            "      Timeout: 60\n      Role: !GetAtt KinesisProcessorRole.Arn",
                            "      Timeout: 1\n      Role: !GetAtt KinesisProcessorRole.Arn");
            assertThat(template).contains("Timeout: 1\n");
            Path copy = dir.resolve("template.yaml");
            Files.writeString(copy, template);
            try (var silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
                Path env = envVars(
                        "KinesisProcessorFunction",
                        Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:" + silent.getLocalPort()));

                Run run = run(
                        "invoke",
                        "KinesisProcessorFunction",
                        "--template",
                        copy.toString(),
                        "--event",
                        EVENTS.resolve("kinesis-get-records.json").toString(),
                        "--env-vars",
                        env.toString());

                assertThat(run.code()).as(run.stderr()).isEqualTo(1);
                assertThat(run.stdout()).startsWith("Task timed out after 1.00 seconds");
                assertThat(run.stderr()).contains("error: KinesisProcessorFunction timed out after 1 s");
            }
        }
    }

    private static List<String> lines(S3Client s3, String bucket, String key) throws IOException {
        try (var object = s3.getObject(b -> b.bucket(bucket).key(key));
                var in = key.endsWith(".gz") ? new GZIPInputStream(object) : object) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }
}
