package dev.tributary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.cli.TributaryCliTest.Run;
import dev.tributary.common.json.Json;
import dev.tributary.devkit.AwsEmulator;
import dev.tributary.devkit.LocalDeployment;
import dev.tributary.toolkit.SamTemplate;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The operator commands against the emulator: each AWS error case prints one line and exits 3; a dead letter makes
 * {@code inspect health} exit 1 (a finding), never the usage code 2; the JSON outputs parse and have their fields.
 */
class OperatorCommandsIT {
    private final AwsEmulator emulator = AwsEmulator.get();

    private String[] withEndpoint(String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 4);
        all[args.length] = "--endpoint-url";
        all[args.length + 1] = emulator.endpoint().toString();
        all[args.length + 2] = "--region";
        all[args.length + 3] = emulator.region().id();
        return all;
    }

    private static String fresh(String what) {
        return what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Nested
    class AwsErrors {
        @Test
        void produce_whenStreamDoesNotExist_printsOneNotFoundLineNamingItAndExits3() {
            String stream = fresh("no-such-stream");

            Run run = TributaryCliTest.run(withEndpoint("produce", "--stream", stream, "--count", "5"));

            assertThat(run.code()).as(run.err()).isEqualTo(TributaryCli.EXIT_AWS);
            assertThat(run.errLines()).as(run.err()).hasSize(1);
            assertThat(run.err()).startsWith("tributary produce: not found").contains(stream, "--region");
        }

        @Test
        void inspectHealth_whenTableDoesNotExist_printsOneNotFoundLineNamingTheOptionAndExits3() {
            String table = fresh("no-such-table");

            Run run = TributaryCliTest.run(withEndpoint("inspect", "health", "--metadata-table", table));

            assertThat(run.code()).as(run.err()).isEqualTo(TributaryCli.EXIT_AWS);
            assertThat(run.errLines()).as(run.err()).hasSize(1);
            assertThat(run.err())
                    .startsWith("tributary inspect health: not found")
                    .contains("--metadata-table=" + table);
        }

        @Test
        void inspectObject_whenTableDoesNotExist_printsOneNotFoundLineAndExits3() {
            Run run = TributaryCliTest.run(withEndpoint(
                    "inspect",
                    "object",
                    "--metadata-table",
                    fresh("no-such-table"),
                    "raw/event_type=x/dt=2024-01-01/hr=00/a.jsonl.gz"));

            assertThat(run.code()).as(run.err()).isEqualTo(TributaryCli.EXIT_AWS);
            assertThat(run.errLines()).as(run.err()).hasSize(1);
        }

        @Test
        void redriveKinesis_whenQueueDoesNotExist_printsOneNotFoundLineAndExits3() {
            String queue = emulator.endpoint() + "/123456789012/" + fresh("no-such-queue");

            Run run = TributaryCliTest.run(
                    withEndpoint("redrive", "kinesis", "--queue", queue, "--raw-bucket", "b", "--metadata-table", "t"));

            assertThat(run.code()).as(run.err()).isEqualTo(TributaryCli.EXIT_AWS);
            assertThat(run.errLines()).as(run.err()).hasSize(1);
            assertThat(run.err()).contains("not found");
        }

        @Test
        void produce_whenEndpointRefusesConnections_printsOneLineNamingTheEndpointAndExits3() {
            // Port 1 on loopback: nothing listens there, the connection is refused.
            Run run = TributaryCliTest.run(
                    "produce",
                    "--stream",
                    "s",
                    "--count",
                    "1",
                    "--region",
                    emulator.region().id(),
                    "--endpoint-url",
                    "http://127.0.0.1:1");

            assertThat(run.code()).as(run.err()).isEqualTo(TributaryCli.EXIT_AWS);
            assertThat(run.errLines()).as(run.err()).hasSize(1);
            assertThat(run.err())
                    .contains("cannot reach endpoint http://127.0.0.1:1", "connection refused", "--endpoint-url");
        }

        @Test
        void produce_whenEndpointRefusesAndDebugGiven_printsTheStackTraceToo() {
            Run run = TributaryCliTest.run(
                    "produce",
                    "--stream",
                    "s",
                    "--count",
                    "1",
                    "--region",
                    emulator.region().id(),
                    "--endpoint-url",
                    "http://127.0.0.1:1",
                    "--debug");

            assertThat(run.code()).isEqualTo(TributaryCli.EXIT_AWS);
            assertThat(run.err()).contains("SdkClientException", "\tat ");
        }
    }

    @Nested
    class Deployed {
        private final LocalDeployment deployment = LocalDeployment.deploy(
                SamTemplate.load(SamTemplate.locate()), emulator, fresh("cli-op"), Map.of("ShardCount", "1"));

        @Test
        void inspectHealth_whenADeadLetterWaits_exits1AndItsJsonCountsIt() throws Exception {
            String deadLetterQueue = deployment.physicalId("ProcessorDeadLetterQueue");
            try (SqsClient sqs =
                    emulator.clients().configure(SqsClient.builder()).build()) {
                sqs.sendMessage(b -> b.queueUrl(deadLetterQueue).messageBody("{\"KinesisBatchInfo\": {}}"));
            }

            Run run = TributaryCliTest.run(withEndpoint(
                    "inspect",
                    "health",
                    "--output",
                    "json",
                    "--metadata-table",
                    deployment.physicalId("MetadataTable"),
                    "--queue",
                    deadLetterQueue,
                    "--quarantine-queue",
                    deployment.physicalId("QuarantineQueue")));

            assertThat(run.code()).as(run.err()).isEqualTo(TributaryCli.EXIT_FINDING);
            JsonNode json = Json.mapper().readTree(run.out());
            assertThat(json.get("metadata_table").asText()).isEqualTo(deployment.physicalId("MetadataTable"));
            assertThat(json.get("objects_by_status").isObject()).isTrue();
            assertThat(json.get("dead_letters_waiting").asLong()).isEqualTo(1);
            assertThat(json.get("dead_letter_queues").get(0).get("url").asText())
                    .isEqualTo(deadLetterQueue);
            assertThat(json.get("dead_letter_queues").get(0).get("waiting").asLong())
                    .isEqualTo(1);
            assertThat(json.get("quarantine_queue").get("waiting").asLong()).isZero();
        }

        @Test
        void inspectHealth_whenNothingWaits_exits0() {
            Run run = TributaryCliTest.run(withEndpoint(
                    "inspect",
                    "health",
                    "--metadata-table",
                    deployment.physicalId("MetadataTable"),
                    "--queue",
                    deployment.physicalId("ProcessorDeadLetterQueue")));

            assertThat(run.code()).as(run.err()).isZero();
            assertThat(run.out()).contains("(no objects)", "0 waiting");
        }

        @Test
        void inspectObject_whenNoItem_exits1AndItsJsonSaysNotFound() throws Exception {
            String processed = "processed/event_type=page_view/dt=2024-03-01/hr=07/s.shardId-000000000000.1.jsonl.gz";

            Run run = TributaryCliTest.run(withEndpoint(
                    "inspect",
                    "object",
                    "--output",
                    "json",
                    "--metadata-table",
                    deployment.physicalId("MetadataTable"),
                    processed));

            assertThat(run.code()).as(run.err()).isEqualTo(TributaryCli.EXIT_FINDING);
            JsonNode json = Json.mapper().readTree(run.out());
            assertThat(json.get("found").asBoolean()).isFalse();
            assertThat(json.get("key").asText()).isEqualTo(processed);
            assertThat(json.get("raw_key").asText()).isEqualTo(processed.replaceFirst("^processed/", "raw/"));
            assertThat(json.has("item")).isFalse();
        }

        @Test
        void produce_whenOutputJson_printsOneDocumentWithTheSummary() throws Exception {
            Run run = TributaryCliTest.run(withEndpoint(
                    "produce",
                    "--output",
                    "json",
                    "--stream",
                    deployment.physicalId("EventStream"),
                    "--count",
                    "321",
                    "--rate",
                    "100000"));

            assertThat(run.code()).as(run.err()).isZero();
            assertThat(run.out().lines()).hasSize(1);
            JsonNode json = Json.mapper().readTree(run.out());
            assertThat(json.get("stream").asText()).isEqualTo(deployment.physicalId("EventStream"));
            assertThat(json.get("sent").asLong()).isEqualTo(321);
            assertThat(json.get("failed").asLong()).isZero();
            assertThat(json.get("put_records_calls").asLong()).isOne();
        }
    }
}
