package dev.tributary.cli;

import dev.tributary.common.metadata.MetadataAttributes;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** {@code tributary inspect}: metadata of one object, or the health of the pipeline. */
@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description = "Shows the metadata of a raw object, or the pipeline's health.",
        subcommands = {InspectCommand.ObjectCommand.class, InspectCommand.HealthCommand.class})
final class InspectCommand {

    @Command(name = "object", mixinStandardHelpOptions = true,
            description = "Prints the metadata item of a raw object (its S3 key), or says there is none.")
    static final class ObjectCommand implements Callable<Integer> {
        @Mixin
        AwsOptions aws = new AwsOptions();

        @Option(names = "--metadata-table", defaultValue = "${env:METADATA_TABLE}", required = true,
                description = "Metadata table (default: METADATA_TABLE).")
        String table;

        @Parameters(paramLabel = "KEY", description = "A raw or processed object key, e.g. "
                + "raw/event_type=page_view/dt=…/….jsonl.gz (a processed key shows its raw object's item)")
        String key;

        @Override
        public Integer call() {
            // Items are keyed by the raw key; a processed object has the same partition and name under processed/.
            String rawKey = key.startsWith(dev.tributary.common.layout.ObjectKeys.PROCESSED_PREFIX)
                    ? dev.tributary.common.layout.ObjectKeys.RAW_PREFIX
                            + key.substring(dev.tributary.common.layout.ObjectKeys.PROCESSED_PREFIX.length())
                    : key;
            try (DynamoDbClient dynamoDb = aws.clients().dynamoDb()) {
                Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table)
                        .key(Map.of(MetadataAttributes.OBJECT_KEY, AttributeValue.fromS(rawKey)))
                        .consistentRead(true)).item();
                if (item == null || item.isEmpty()) {
                    System.out.println("no metadata for " + key + " in " + table);
                    return 1;
                }
                new TreeMap<>(item).forEach((name, value) -> System.out.printf("  %-20s %s%n", name, render(value)));
                return 0;
            }
        }
    }

    @Command(name = "health", mixinStandardHelpOptions = true,
            description = "Counts metadata items per status (a scan: fine for an operator, not for a dashboard), dead-letter queue depths (exit code 2 when anything waits there), quarantine notices (reported, not a failure: invalid input is expected at some rate), and the Glue job's checkpoint item.")
    static final class HealthCommand implements Callable<Integer> {
        @Mixin
        AwsOptions aws = new AwsOptions();

        @Option(names = "--metadata-table", defaultValue = "${env:METADATA_TABLE}", required = true,
                description = "Metadata table (default: METADATA_TABLE).")
        String table;

        @Option(names = "--queue", description = "A dead-letter queue URL to report on (repeatable).")
        List<String> queues = List.of();

        @Option(names = "--quarantine-queue", defaultValue = "${env:QUARANTINE_QUEUE_URL}",
                description = "The processor's quarantine notice queue (default: QUARANTINE_QUEUE_URL).")
        String quarantineQueue;

        @Option(names = "--checkpoint-table", defaultValue = "${env:CHECKPOINT_TABLE}",
                description = "Checkpoint table (default: CHECKPOINT_TABLE).")
        String checkpointTable;

        @Option(names = "--job", defaultValue = "${env:GLUE_JOB_NAME}", description = "Glue job name (default: GLUE_JOB_NAME).")
        String job;

        @Override
        public Integer call() {
            try (DynamoDbClient dynamoDb = aws.clients().dynamoDb();
                    SqsClient sqs = aws.clients().configure(SqsClient.builder()).build()) {
                Map<String, Long> counts = new TreeMap<>();
                dynamoDb.scanPaginator(b -> b.tableName(table)
                                .projectionExpression("#s")
                                .expressionAttributeNames(Map.of("#s", MetadataAttributes.STATUS)))
                        .items()
                        .forEach(item -> counts.merge(item.containsKey(MetadataAttributes.STATUS)
                                ? item.get(MetadataAttributes.STATUS).s() : "(none)", 1L, Long::sum));
                System.out.println("objects by status (" + table + ")");
                if (counts.isEmpty()) {
                    System.out.println("  (no objects)");
                }
                counts.forEach((status, n) -> System.out.printf("  %-12s %,10d%n", status, n));
                int deadLetters = 0;
                if (!queues.isEmpty()) {
                    System.out.println("dead-letter queues");
                }
                for (String queue : queues) {
                    deadLetters += printDepth(sqs, queue);
                }
                if (quarantineQueue != null && !quarantineQueue.isBlank()) {
                    // Not added to the exit code: quarantine is data that was invalid, already in failed/.
                    System.out.println("quarantine notices (invalid records in failed/; not dead letters)");
                    printDepth(sqs, quarantineQueue);
                }
                if (checkpointTable != null && job != null) {
                    Map<String, AttributeValue> checkpoint = dynamoDb.getItem(b -> b.tableName(checkpointTable)
                            .key(Map.of("job_name", AttributeValue.fromS(job))).consistentRead(true)).item();
                    System.out.println("checkpoint of " + job);
                    if (checkpoint == null || checkpoint.isEmpty()) {
                        System.out.println("  (none yet)");
                    } else {
                        new TreeMap<>(checkpoint).forEach((name, value) ->
                                System.out.printf("  %-20s %s%n", name, render(value)));
                        AttributeValue runId = checkpoint.get("run_id");
                        if (runId != null && runId.s() != null) {
                            try (GlueClient glue = aws.clients().configure(GlueClient.builder()).build()) {
                                var run = glue.getJobRun(b -> b.jobName(job).runId(runId.s())).jobRun();
                                System.out.printf("in-flight Glue run %s: %s, started %s%s%n", run.id(),
                                        run.jobRunStateAsString(), run.startedOn(),
                                        run.errorMessage() == null ? "" : " (" + run.errorMessage() + ")");
                            }
                        } else {
                            System.out.println("no Glue run in flight");
                        }
                    }
                }
                return deadLetters == 0 ? 0 : 2;
            }
        }
    }

    /** Prints a queue's depth; returns its visible messages. */
    private static int printDepth(SqsClient sqs, String queue) {
        Map<String, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(queue)
                        .attributeNamesWithStrings("ApproximateNumberOfMessages",
                                "ApproximateNumberOfMessagesNotVisible"))
                .attributesAsStrings();
        int visible = Integer.parseInt(attributes.getOrDefault("ApproximateNumberOfMessages", "0"));
        System.out.printf("  %-70s %,6d waiting, %s in flight%n", queue, visible,
                attributes.getOrDefault("ApproximateNumberOfMessagesNotVisible", "0"));
        return visible;
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
