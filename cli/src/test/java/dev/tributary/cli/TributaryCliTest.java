package dev.tributary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.json.Json;
import dev.tributary.devkit.ConsoleCapture;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/** The command line without AWS: usage errors, help, completion, error diagnosis and the JSON shapes. */
class TributaryCliTest {

    /** Runs the command as {@code main} would (same handlers), capturing both streams. */
    static Run run(String... args) {
        ConsoleCapture.Result r = ConsoleCapture.run(() -> {
            var commandLine = TributaryCli.commandLine();
            commandLine.setOut(new PrintWriter(System.out, true));
            commandLine.setErr(new PrintWriter(System.err, true));
            return commandLine.execute(args);
        });
        return new Run(r.code(), r.out(), r.err());
    }

    record Run(int code, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    @Nested
    class UsageErrors {
        @ParameterizedTest
        @ValueSource(
                strings = {
                    "produce --stream s --duration 5x",
                    "produce --stream s --duration 0s",
                    "produce --stream s --count 1 --duration 5s",
                    "produce --count 10",
                    "produce --stream s --rate 0 --region us-east-1",
                    "produce --stream s --rate fast",
                    "produce --stream s --kpl-share 0.5 --region us-east-1",
                    "produce --stream s --file /nonexistent/events.jsonl --region us-east-1",
                    "produce --stream s --output yaml",
                    "produce --stream s --bogus",
                    "inspect health --metadata-table t --no-such-option",
                    "inspect object --metadata-table t",
                    "redrive glue --queue q --job j",
                    "nosuchcommand",
                })
        void execute_whenArgumentsAreWrong_printsOneLineAndExitsWithTheUsageCode(String commandLine) {
            Run run = run(commandLine.split(" +"));

            assertThat(run.code()).as(run.err()).isEqualTo(TributaryCli.EXIT_USAGE);
            assertThat(run.errLines()).as(run.err()).hasSize(1);
            assertThat(run.errLines().getFirst()).startsWith("tributary").doesNotContain("Exception");
            assertThat(run.out()).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"demo", "invoke"})
        void execute_whenADevToolIsAsked_namesTheDevToolsJar(String command) {
            Run run = run(command, "--events", "10");

            assertThat(run.code()).isEqualTo(TributaryCli.EXIT_USAGE);
            assertThat(run.errLines()).as(run.err()).hasSize(1);
            assertThat(run.err())
                    .contains("'" + command + "'", "java -jar devtools/target/tributary-dev.jar " + command);
        }

        @Test
        void execute_whenDurationIsBad_namesTheOptionAndTheAcceptedForms() {
            Run run = run("produce", "--stream", "s", "--duration", "5x");

            assertThat(run.err()).contains("--duration", "'5x'", "30s, 5m, 1h", "tributary produce --help");
        }

        @Test
        void execute_whenDebugGiven_printsTheStackTraceToo() {
            Run run = run("produce", "--stream", "s", "--duration", "5x", "--debug");

            assertThat(run.code()).isEqualTo(TributaryCli.EXIT_USAGE);
            assertThat(run.errLines()).hasSizeGreaterThan(1);
            assertThat(run.err()).contains("\tat picocli.");
        }
    }

    @Nested
    class AwsErrors {
        @Test
        void diagnose_whenNotFound_says404AndNamesTheResourcesGiven() {
            var missing = ResourceNotFoundException.builder()
                    .statusCode(400)
                    .awsErrorDetails(AwsErrorDetails.builder()
                            .errorCode("ResourceNotFoundException")
                            .serviceName("Kinesis")
                            .errorMessage("Stream s under account 123456789012 not found.")
                            .build())
                    .build();

            var diagnosis = CommandErrors.diagnose(missing, Optional.empty(), "--stream=s");

            assertThat(diagnosis.exitCode()).isEqualTo(TributaryCli.EXIT_AWS);
            assertThat(diagnosis.message()).startsWith("not found").contains("Stream s", "check --stream=s");
        }

        @Test
        void diagnose_whenQueueDoesNotExist_saysNotFound() {
            var missing = QueueDoesNotExistException.builder()
                    .statusCode(400)
                    .awsErrorDetails(AwsErrorDetails.builder()
                            .errorCode("AWS.SimpleQueueService.NonExistentQueue")
                            .serviceName("Sqs")
                            .errorMessage("The specified queue does not exist.")
                            .build())
                    .build();

            assertThat(CommandErrors.diagnose(missing, Optional.empty(), "").message())
                    .startsWith("not found");
        }

        @Test
        void diagnose_whenAccessDenied_pointsAtCredentialsAndPolicy() {
            var denied = KinesisException.builder()
                    .statusCode(400)
                    .awsErrorDetails(AwsErrorDetails.builder()
                            .errorCode("AccessDeniedException")
                            .serviceName("Kinesis")
                            .errorMessage(
                                    "User: arn:aws:iam::1:user/x is not authorized to perform: kinesis:PutRecords")
                            .build())
                    .build();

            var diagnosis = CommandErrors.diagnose(denied, Optional.empty(), "");

            assertThat(diagnosis.exitCode()).isEqualTo(TributaryCli.EXIT_AWS);
            assertThat(diagnosis.message()).startsWith("access denied").contains("kinesis:PutRecords", "IAM policy");
        }

        @Test
        void diagnose_whenConnectionRefused_namesTheEndpoint() {
            var refused = SdkClientException.create(
                    "Unable to execute HTTP request: Connection refused", new ConnectException("Connection refused"));

            var diagnosis = CommandErrors.diagnose(refused, Optional.of("http://localhost:4566"), "");

            assertThat(diagnosis.exitCode()).isEqualTo(TributaryCli.EXIT_AWS);
            assertThat(diagnosis.message()).contains("cannot reach endpoint http://localhost:4566");
        }

        @Test
        void diagnose_whenUnexpected_isAnInternalErrorPointingAtDebug() {
            var diagnosis = CommandErrors.diagnose(new NullPointerException("x\ny"), Optional.empty(), "");

            assertThat(diagnosis.exitCode()).isEqualTo(TributaryCli.EXIT_INTERNAL);
            assertThat(diagnosis.message())
                    .contains("NullPointerException", "--debug")
                    .doesNotContain("\n");
        }
    }

    @Nested
    class Help {
        @ParameterizedTest
        @ValueSource(
                strings = {
                    "",
                    "produce",
                    "redrive",
                    "redrive kinesis",
                    "redrive transformer",
                    "redrive glue",
                    "inspect",
                    "inspect object",
                    "inspect health",
                    "query",
                    "completion"
                })
        void help_whenAsked_printsUsageWithoutPicocliWarnings(String command) {
            String[] args = (command + " --help").trim().split(" ");

            Run run = run(args);

            assertThat(run.code()).isZero();
            assertThat(run.err()).isEmpty();
            assertThat(run.out()).contains("Usage: tributary").doesNotContain("picocli WARN");
        }

        @Test
        void help_whenAsked_listsTheOperatorCommandsOnly() {
            Run run = run("--help");

            assertThat(run.out())
                    .contains("produce", "redrive", "inspect", "query", "completion")
                    .doesNotContain("demo", "invoke");
        }

        @Test
        void completion_whenRun_printsABashScriptCoveringTheCommandsAndOptions() {
            Run run = run("completion");

            assertThat(run.code()).isZero();
            assertThat(run.out())
                    .startsWith("#!/usr/bin/env bash")
                    .contains("complete -F _complete_tributary", "produce", "inspect", "health", "--metadata-table");
        }
    }

    @Nested
    class JsonShapes {
        @Test
        void produceSummary_json_hasTheDocumentedFields() throws Exception {
            ProduceCommand.Summary summary = new ProduceCommand.Summary();
            summary.sent = 1234;
            summary.retried = 5;
            summary.batches = 3;
            summary.kinesisRecords = 1234;
            summary.seconds = 2.0;

            JsonNode json = Json.mapper().readTree(summary.json("events").toString());

            assertThat(json.get("stream").asText()).isEqualTo("events");
            assertThat(json.get("sent").asLong()).isEqualTo(1234);
            assertThat(json.get("retried").asLong()).isEqualTo(5);
            assertThat(json.get("failed").asLong()).isZero();
            assertThat(json.get("put_records_calls").asLong()).isEqualTo(3);
            assertThat(json.get("events_per_second").asLong()).isEqualTo(617);
            assertThat(json.fieldNames())
                    .toIterable()
                    .contains("kinesis_records", "kpl_aggregates", "kpl_aggregated_events", "seconds");
        }

        @Test
        void attributes_whenItemHasStringsNumbersAndBooleans_keepsEachAsTextOrBoolean() {
            var json = InspectCommand.attributes(Map.of(
                    "status",
                    AttributeValue.fromS("WRITTEN"),
                    "record_count",
                    AttributeValue.fromN("42"),
                    "flag",
                    AttributeValue.fromBool(true)));

            assertThat(json.get("status").asText()).isEqualTo("WRITTEN");
            assertThat(json.get("record_count").asText()).isEqualTo("42");
            assertThat(json.get("flag").isBoolean()).isTrue();
        }
    }

    @Nested
    class Durations {
        @Test
        void parseDuration_whenShortOrIso_parses() {
            assertThat(ProduceCommand.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
            assertThat(ProduceCommand.parseDuration("45")).isEqualTo(Duration.ofSeconds(45));
            assertThat(ProduceCommand.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
            assertThat(ProduceCommand.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
            assertThat(ProduceCommand.parseDuration("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
        }
    }
}
