package dev.tributary.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.common.layout.ObjectKeys;
import dev.tributary.common.metadata.DynamoDbMetadataStore;
import dev.tributary.orchestrator.CheckpointStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.JobRun;
import software.amazon.awssdk.services.sqs.SqsClient;

/** {@code tributary inspect}: metadata of one object, or the health of the pipeline. */
@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description = "Shows the metadata of a raw object, or the pipeline's health.",
        subcommands = {InspectCommand.ObjectCommand.class, InspectCommand.HealthCommand.class})
final class InspectCommand {

    @Command(
            name = "object",
            mixinStandardHelpOptions = true,
            description = "Prints the metadata item of a raw object (its S3 key), or says there is none (exit 1).")
    static final class ObjectCommand implements Callable<Integer> {
        @Mixin
        AwsOptions aws = new AwsOptions();

        @Mixin
        OutputOptions output = new OutputOptions();

        @Option(
                names = "--metadata-table",
                defaultValue = "${env:METADATA_TABLE}",
                required = true,
                description = "Metadata table (default: METADATA_TABLE).")
        String table;

        @Parameters(
                paramLabel = "KEY",
                description = "A raw or processed object key, e.g. "
                        + "raw/event_type=page_view/dt=…/….jsonl.gz (a processed key shows its raw object's item)")
        String key;

        @Override
        public Integer call() {
            String rawKey = ObjectKeys.rawFor(key);
            try (DynamoDbClient dynamoDb = aws.clients().dynamoDb()) {
                Optional<Map<String, AttributeValue>> item = new DynamoDbMetadataStore(dynamoDb, table).find(rawKey);
                if (output.json()) {
                    ObjectNode json = OutputOptions.object();
                    json.put("key", key);
                    json.put("raw_key", rawKey);
                    json.put("table", table);
                    json.put("found", item.isPresent());
                    item.ifPresent(i -> json.set("item", attributes(i)));
                    OutputOptions.print(json);
                } else if (item.isEmpty()) {
                    System.out.println("no metadata for " + key + " in " + table);
                } else {
                    new TreeMap<>(item.get())
                            .forEach((name, value) -> System.out.printf("  %-20s %s%n", name, render(value)));
                }
                return item.isPresent() ? TributaryCli.EXIT_OK : TributaryCli.EXIT_FINDING;
            }
        }
    }

    @Command(
            name = "health",
            mixinStandardHelpOptions = true,
            description =
                    "Counts metadata items per status (a scan: fine for an operator, not for a dashboard), dead-letter queue depths (exit code 1 when anything waits there), quarantine notices (reported, not a failure: invalid input is expected at some rate), and the Glue job's checkpoint item.")
    static final class HealthCommand implements Callable<Integer> {
        @Mixin
        AwsOptions aws = new AwsOptions();

        @Mixin
        OutputOptions output = new OutputOptions();

        @Option(
                names = "--metadata-table",
                defaultValue = "${env:METADATA_TABLE}",
                required = true,
                description = "Metadata table (default: METADATA_TABLE).")
        String table;

        @Option(names = "--queue", description = "A dead-letter queue URL to report on (repeatable).")
        List<String> queues = List.of();

        @Option(
                names = "--quarantine-queue",
                defaultValue = "${env:QUARANTINE_QUEUE_URL}",
                description = "The processor's quarantine notice queue (default: QUARANTINE_QUEUE_URL).")
        String quarantineQueue;

        @Option(
                names = "--checkpoint-table",
                defaultValue = "${env:CHECKPOINT_TABLE}",
                description = "Checkpoint table (default: CHECKPOINT_TABLE).")
        String checkpointTable;

        @Option(
                names = "--job",
                defaultValue = "${env:GLUE_JOB_NAME}",
                description = "Glue job name (default: GLUE_JOB_NAME).")
        String job;

        @Override
        public Integer call() {
            try (DynamoDbClient dynamoDb = aws.clients().dynamoDb();
                    SqsClient sqs = aws.clients().configure(SqsClient.builder()).build()) {
                Map<String, Long> counts = new DynamoDbMetadataStore(dynamoDb, table).countByStatus();
                List<QueueDepth> deadLetterQueues = new ArrayList<>();
                for (String queue : queues) {
                    deadLetterQueues.add(QueueDepth.of(sqs, queue));
                }
                long deadLetters =
                        deadLetterQueues.stream().mapToLong(QueueDepth::waiting).sum();
                // Not added to the exit code: quarantine is data that was invalid, already in failed/.
                Optional<QueueDepth> quarantine = Optional.ofNullable(quarantineQueue)
                        .filter(q -> !q.isBlank())
                        .map(q -> QueueDepth.of(sqs, q));
                boolean checkpointAsked = checkpointTable != null && !checkpointTable.isBlank() && job != null;
                // The item as stored, not re-encoded through the typed model: an operator inspecting a broken
                // checkpoint sees every attribute it has.
                Optional<Map<String, AttributeValue>> checkpoint = checkpointAsked
                        ? new CheckpointStore(dynamoDb, checkpointTable).readItem(job)
                        : Optional.empty();
                Optional<JobRun> run = checkpoint
                        .map(item -> item.get(CheckpointStore.RUN_ID))
                        .map(AttributeValue::s)
                        .filter(id -> !id.isBlank())
                        .map(this::jobRun);
                if (output.json()) {
                    ObjectNode json = OutputOptions.object();
                    json.put("metadata_table", table);
                    ObjectNode byStatus = json.putObject("objects_by_status");
                    counts.forEach(byStatus::put);
                    var queuesJson = json.putArray("dead_letter_queues");
                    deadLetterQueues.forEach(q -> queuesJson.add(q.json()));
                    json.put("dead_letters_waiting", deadLetters);
                    quarantine.ifPresentOrElse(
                            q -> json.set("quarantine_queue", q.json()), () -> json.putNull("quarantine_queue"));
                    if (checkpointAsked) {
                        json.put("job", job);
                        checkpoint.ifPresentOrElse(
                                item -> json.set("checkpoint", attributes(item)), () -> json.putNull("checkpoint"));
                        run.ifPresentOrElse(
                                r -> json.putObject("glue_run")
                                        .put("id", r.id())
                                        .put("state", r.jobRunStateAsString())
                                        .put("started_on", String.valueOf(r.startedOn()))
                                        .put("error_message", r.errorMessage()),
                                () -> json.putNull("glue_run"));
                    }
                    OutputOptions.print(json);
                } else {
                    printText(counts, deadLetterQueues, quarantine, checkpointAsked, checkpoint, run);
                }
                return deadLetters == 0 ? TributaryCli.EXIT_OK : TributaryCli.EXIT_FINDING;
            }
        }

        private JobRun jobRun(String runId) {
            try (GlueClient glue = aws.clients().configure(GlueClient.builder()).build()) {
                return glue.getJobRun(b -> b.jobName(job).runId(runId)).jobRun();
            }
        }

        private void printText(
                Map<String, Long> counts,
                List<QueueDepth> deadLetterQueues,
                Optional<QueueDepth> quarantine,
                boolean checkpointAsked,
                Optional<Map<String, AttributeValue>> checkpoint,
                Optional<JobRun> run) {
            System.out.println("objects by status (" + table + ")");
            if (counts.isEmpty()) {
                System.out.println("  (no objects)");
            }
            counts.forEach((status, n) -> System.out.printf("  %-12s %,10d%n", status, n));
            if (!deadLetterQueues.isEmpty()) {
                System.out.println("dead-letter queues");
            }
            deadLetterQueues.forEach(QueueDepth::print);
            quarantine.ifPresent(q -> {
                System.out.println("quarantine notices (invalid records in failed/; not dead letters)");
                q.print();
            });
            if (!checkpointAsked) {
                return;
            }
            System.out.println("checkpoint of " + job);
            if (checkpoint.isEmpty()) {
                System.out.println("  (none yet)");
                return;
            }
            new TreeMap<>(checkpoint.get())
                    .forEach((name, value) -> System.out.printf("  %-20s %s%n", name, render(value)));
            run.ifPresentOrElse(
                    r -> System.out.printf(
                            "in-flight Glue run %s: %s, started %s%s%n",
                            r.id(),
                            r.jobRunStateAsString(),
                            r.startedOn(),
                            r.errorMessage() == null ? "" : " (" + r.errorMessage() + ")"),
                    () -> System.out.println("no Glue run in flight"));
        }
    }

    /** A queue's approximate depth. */
    record QueueDepth(String url, long waiting, long inFlight) {
        static QueueDepth of(SqsClient sqs, String queue) {
            Map<String, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(queue)
                            .attributeNamesWithStrings(
                                    "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"))
                    .attributesAsStrings();
            return new QueueDepth(
                    queue,
                    Long.parseLong(attributes.getOrDefault("ApproximateNumberOfMessages", "0")),
                    Long.parseLong(attributes.getOrDefault("ApproximateNumberOfMessagesNotVisible", "0")));
        }

        void print() {
            System.out.printf("  %-70s %,6d waiting, %d in flight%n", url, waiting, inFlight);
        }

        ObjectNode json() {
            return OutputOptions.object()
                    .put("url", url)
                    .put("waiting", waiting)
                    .put("in_flight", inFlight);
        }
    }

    /** An item's attributes as JSON: strings and numbers as their text, booleans as booleans. */
    static ObjectNode attributes(Map<String, AttributeValue> item) {
        ObjectNode json = OutputOptions.object();
        new TreeMap<>(item).forEach((name, value) -> {
            if (value.bool() != null) {
                json.put(name, value.bool());
            } else {
                json.put(name, render(value));
            }
        });
        return json;
    }

    static String render(AttributeValue value) {
        if (value.s() != null) {
            return value.s();
        }
        if (value.n() != null) {
            return value.n();
        }
        if (value.bool() != null) {
            return value.bool().toString();
        }
        return value.toString();
    }
}
