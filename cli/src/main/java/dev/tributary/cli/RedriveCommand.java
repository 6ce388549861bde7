package dev.tributary.cli;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.config.Env;
import dev.tributary.common.json.Json;
import dev.tributary.common.lambda.OnFailureRecord;
import dev.tributary.orchestrator.GlueDeadLetter;
import dev.tributary.orchestrator.GlueRunArguments;
import dev.tributary.toolkit.LambdaEvents;
import dev.tributary.toolkit.QueueSweep;
import dev.tributary.processor.KinesisProcessorHandler;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** {@code tributary redrive kinesis}: reprocess batches Lambda gave up on. */
@Command(
        name = "redrive",
        mixinStandardHelpOptions = true,
        description = "Reprocesses what landed on a dead-letter queue. Dry run unless --execute.",
        subcommands = {RedriveCommand.KinesisRedrive.class, RedriveCommand.TransformerRedrive.class,
            RedriveCommand.GlueRedrive.class})
public final class RedriveCommand {

    @Command(name = "kinesis", mixinStandardHelpOptions = true,
            description = "Reads the kinesis-processor's on-failure destination (each of Lambda's messages names a shard and a sequence range), re-reads those records from the stream (before the stream's retention drops them) and runs the kinesis-processor on them in this process, with the same configuration as the function. Object names are deterministic, so a redrive rewrites the same objects instead of adding duplicates. Quarantine notices have their own queue (QUARANTINE_QUEUE_URL); any other message found here is listed, not redriven.")
    static final class KinesisRedrive implements Callable<Integer> {
        @Mixin
        AwsOptions aws = new AwsOptions();

        @Option(names = "--queue", defaultValue = "${env:DEAD_LETTER_QUEUE_URL}", required = true,
                description = "The on-failure destination queue URL (default: DEAD_LETTER_QUEUE_URL).")
        String queue;

        @Option(names = "--raw-bucket", defaultValue = "${env:RAW_BUCKET}", required = true,
                description = "The processor's RAW_BUCKET (default: RAW_BUCKET).")
        String rawBucket;

        @Option(names = "--metadata-table", defaultValue = "${env:METADATA_TABLE}", required = true,
                description = "The processor's METADATA_TABLE (default: METADATA_TABLE).")
        String metadataTable;

        @Option(names = "--quarantine-queue", defaultValue = "${env:QUARANTINE_QUEUE_URL}",
                description = "The processor's QUARANTINE_QUEUE_URL, where the redriven batches' invalid records are "
                        + "noticed (default: QUARANTINE_QUEUE_URL; needed with --execute).")
        String quarantineQueue;

        @Option(names = "--execute", description = "Reprocess and delete the messages (default: only report).")
        boolean execute;

        @Option(names = "--max-messages", defaultValue = "1000", description = "Messages to look at (default: ${DEFAULT-VALUE}).")
        int maxMessages;

        @Override
        public Integer call() throws IOException {
            Map<String, String> env = new java.util.HashMap<>(aws.environment());
            env.put("RAW_BUCKET", rawBucket);
            env.put("METADATA_TABLE", metadataTable);
            if (execute && (quarantineQueue == null || quarantineQueue.isBlank())) {
                throw new dev.tributary.common.config.ConfigurationException(
                        "--execute needs the processor's quarantine queue: pass --quarantine-queue or set "
                                + "QUARANTINE_QUEUE_URL");
            }
            if (quarantineQueue != null) {
                env.put("QUARANTINE_QUEUE_URL", quarantineQueue);
            }
            Region region = Region.of(env.get("AWS_REGION"));
            int batches = 0;
            int records = 0;
            int others = 0;
            int redriven = 0;
            int failed = 0;
            try (SqsClient sqs = aws.clients().configure(SqsClient.builder()).build();
                    KinesisClient kinesis = aws.clients().configure(KinesisClient.builder()).build()) {
                KinesisProcessorHandler handler = execute ? new KinesisProcessorHandler(new Env(env)) : null;
                for (Message message : receiveAll(sqs, queue, execute, maxMessages)) {
                    JsonNode body = Json.mapper().readTree(message.body());
                    Optional<OnFailureRecord.KinesisBatch> batch = OnFailureRecord.kinesisBatch(body);
                    if (batch.isEmpty()) {
                        others++;
                        System.out.printf("  skip   %s (%s)%n", body.path("kind").asText("unknown message"),
                                body.path("key").asText(message.messageId()));
                        continue;
                    }
                    batches++;
                    String shard = batch.get().shardId();
                    String start = batch.get().startSequenceNumber();
                    String end = batch.get().endSequenceNumber();
                    String streamArn = batch.get().streamArn();
                    List<Record> range = read(kinesis, batch.get());
                    records += range.size();
                    if (!execute) {
                        System.out.printf("  would  reprocess %s %s..%s: %d records (batch of %s)%n", shard, start, end,
                                range.size(), batch.get().batchSize().map(String::valueOf).orElse("?"));
                        continue;
                    }
                    if (reprocess(handler, streamArn, shard, region, range)) {
                        sqs.deleteMessage(b -> b.queueUrl(queue).receiptHandle(message.receiptHandle()));
                        redriven++;
                        System.out.printf("  done   %s %s..%s: %d records%n", shard, start, end, range.size());
                    } else {
                        failed++;
                        System.out.printf("  FAILED %s %s..%s: storage still failing, message kept%n", shard, start, end);
                    }
                }
            }
            System.out.printf("%nredrive %s: %d Lambda failure records (%d stream records), %d other messages skipped"
                    + "%s%n", execute ? "executed" : "dry run", batches, records, others,
                    execute ? String.format("; %d redriven, %d failed", redriven, failed) : "; pass --execute to act");
            return failed == 0 ? TributaryCli.EXIT_OK : TributaryCli.EXIT_FINDING;
        }

        /** The records of the batch's shard from its first through its last sequence number, re-read from the stream. */
        static List<Record> read(KinesisClient kinesis, OnFailureRecord.KinesisBatch batch) {
            BigInteger last = new BigInteger(batch.endSequenceNumber());
            // By name, not ARN: emulators (moto) ignore the StreamARN parameter.
            String iterator = kinesis.getShardIterator(b -> b.streamName(batch.streamName()).shardId(batch.shardId())
                    .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER)
                    .startingSequenceNumber(batch.startSequenceNumber()))
                    .shardIterator();
            List<Record> records = new ArrayList<>();
            while (iterator != null) {
                String current = iterator;
                var response = kinesis.getRecords(b -> b.shardIterator(current).limit(1000));
                for (Record record : response.records()) {
                    if (new BigInteger(record.sequenceNumber()).compareTo(last) > 0) {
                        return records;
                    }
                    records.add(record);
                }
                if (response.records().isEmpty()) {
                    return records;
                }
                iterator = response.nextShardIterator();
            }
            return records;
        }

        /** Runs the processor over the range, retrying from reported failures a few times. */
        private static boolean reprocess(KinesisProcessorHandler handler, String streamArn, String shard, Region region,
                List<Record> range) {
            List<Record> remaining = range;
            for (int attempt = 0; attempt < 5 && !remaining.isEmpty(); attempt++) {
                StreamsEventResponse response = handler.handleRequest(
                        LambdaEvents.kinesisEvent(streamArn, shard, region, remaining), null);
                if (response.getBatchItemFailures().isEmpty()) {
                    return true;
                }
                String from = response.getBatchItemFailures().getFirst().getItemIdentifier();
                int index = 0;
                while (index < remaining.size() && !remaining.get(index).sequenceNumber().equals(from)) {
                    index++;
                }
                remaining = remaining.subList(index, remaining.size());
            }
            return remaining.isEmpty();
        }
    }

    /** The queue's messages: taken (hidden until deleted or timed out) to act on, peeked in a dry run. */
    private static List<Message> receiveAll(SqsClient sqs, String queue, boolean execute, int max) {
        return execute ? QueueSweep.take(sqs, queue, max) : QueueSweep.peek(sqs, queue, max);
    }

    @Command(name = "transformer", mixinStandardHelpOptions = true,
            description = "Reads the s3-transformer's dead-letter queue (Lambda's on-failure records, whose "
                    + "requestPayload is the S3 event, or plain S3 events) and runs the transformer on each event in "
                    + "this process, with the function's configuration. The transformer is idempotent: an object "
                    + "already processed is skipped, one that still cannot be processed stays on the queue.")
    static final class TransformerRedrive implements Callable<Integer> {
        @Mixin
        AwsOptions aws = new AwsOptions();

        @Option(names = "--function-env", paramLabel = "NAME=VALUE",
                description = "The transformer's configuration (RAW_BUCKET, PROCESSED_BUCKET, METADATA_TABLE, "
                        + "PII_HMAC_KEY_PARAMETER, ...), repeatable; default: this process's environment.")
        Map<String, String> functionEnv = new java.util.HashMap<>();

        @Option(names = "--queue", required = true, description = "The transformer's dead-letter queue URL.")
        String queue;

        @Option(names = "--execute", description = "Reprocess and delete the messages (default: only report).")
        boolean execute;

        @Option(names = "--max-messages", defaultValue = "1000", description = "Messages to look at (default: ${DEFAULT-VALUE}).")
        int maxMessages;

        @Override
        public Integer call() throws IOException {
            Map<String, String> env = new java.util.HashMap<>(aws.environment());
            env.putAll(functionEnv);
            int redriven = 0;
            int failed = 0;
            int looked = 0;
            try (SqsClient sqs = aws.clients().configure(SqsClient.builder()).build()) {
                dev.tributary.transformer.S3TransformerHandler handler =
                        execute ? new dev.tributary.transformer.S3TransformerHandler(new Env(env)) : null;
                for (Message message : receiveAll(sqs, queue, execute, maxMessages)) {
                    looked++;
                    JsonNode body = Json.mapper().readTree(message.body());
                    JsonNode event = OnFailureRecord.asyncEvent(body);
                    List<String> keys = new ArrayList<>();
                    event.path("Records").forEach(r -> keys.add(r.path("s3").path("object").path("key").asText()));
                    if (!execute) {
                        System.out.printf("  would  transform %s (%s)%n", keys,
                                OnFailureRecord.asyncError(body).orElse("no error recorded"));
                        continue;
                    }
                    try {
                        handler.handleRequest(new java.io.ByteArrayInputStream(event.toString().getBytes(
                                java.nio.charset.StandardCharsets.UTF_8)), java.io.OutputStream.nullOutputStream(), null);
                        sqs.deleteMessage(b -> b.queueUrl(queue).receiptHandle(message.receiptHandle()));
                        redriven++;
                        System.out.printf("  done   %s%n", keys);
                    } catch (RuntimeException e) {
                        failed++;
                        System.out.printf("  FAILED %s: %s (message kept)%n", keys, e.getMessage());
                    }
                }
            }
            System.out.printf("%nredrive transformer %s: %d messages%s%n", execute ? "executed" : "dry run", looked,
                    execute ? String.format("; %d redriven, %d failed", redriven, failed) : "; pass --execute to act");
            return failed == 0 ? TributaryCli.EXIT_OK : TributaryCli.EXIT_FINDING;
        }
    }

    @Command(name = "glue", mixinStandardHelpOptions = true,
            description = "Reads the glue-orchestrator's dead-letter queue (windows whose runs failed MAX_RUN_ATTEMPTS "
                    + "times) and starts a Glue run of each window with its exact arguments. The job de-duplicates "
                    + "against curated data, so rerunning a window is harmless. Only the stack's own job (--job) is "
                    + "started, and only with the arguments the orchestrator itself could pass: known keys, S3 "
                    + "locations under the job's curated bucket and the processed bucket; anything else is refused.")
    static final class GlueRedrive implements Callable<Integer> {
        @Mixin
        AwsOptions aws = new AwsOptions();

        @Option(names = "--queue", required = true, description = "The orchestrator's dead-letter queue URL.")
        String queue;

        @Option(names = "--job", required = true,
                description = "The stack's curation job (stack output CurationJobName); messages naming another job are refused.")
        String job;

        @Option(names = "--processed-bucket", required = true,
                description = "The stack's processed bucket: every input path must be one of its partitions.")
        String processedBucket;

        @Option(names = "--execute", description = "Start the runs and delete the messages (default: only report).")
        boolean execute;

        @Option(names = "--max-messages", defaultValue = "100", description = "Messages to look at (default: ${DEFAULT-VALUE}).")
        int maxMessages;

        @Override
        public Integer call() throws IOException {
            int started = 0;
            int skipped = 0;
            int refused = 0;
            try (SqsClient sqs = aws.clients().configure(SqsClient.builder()).build();
                    software.amazon.awssdk.services.glue.GlueClient glue =
                            aws.clients().configure(software.amazon.awssdk.services.glue.GlueClient.builder()).build()) {
                // The curated bucket as the job itself is defined (its --curated_path default), not as a message says.
                String curatedPath = glue.getJob(b -> b.jobName(job)).job().defaultArguments()
                        .getOrDefault(GlueRunArguments.CURATED_PATH, "");
                if (!curatedPath.matches("s3://[^/]+/curated/")) {
                    throw new IllegalArgumentException("job " + job + " has no --curated_path default of the form "
                            + "s3://BUCKET/curated/ (is it the stack's curation job?)");
                }
                String curatedBucket = curatedPath.substring("s3://".length(), curatedPath.length() - "/curated/".length());
                for (Message message : receiveAll(sqs, queue, execute, maxMessages)) {
                    Optional<GlueDeadLetter> letter = GlueDeadLetter.parse(Json.mapper().readTree(message.body()));
                    if (letter.isEmpty()) {
                        skipped++;
                        System.out.printf("  skip   %s (not a window)%n", message.messageId());
                        continue;
                    }
                    String messageJob = letter.get().jobName();
                    Map<String, String> arguments = new java.util.TreeMap<>(letter.get().glueArguments());
                    java.util.List<String> problems = new java.util.ArrayList<>(
                            GlueRunArguments.violations(arguments, job, curatedBucket, processedBucket));
                    if (!job.equals(messageJob)) {
                        problems.addFirst("names job '" + messageJob + "', not this stack's " + job);
                    }
                    if (!problems.isEmpty()) {
                        refused++;
                        System.out.printf("  refuse %s (window %s): %s%n", message.messageId(),
                                letter.get().windowId(), String.join("; ", problems));
                        continue;
                    }
                    if (!execute) {
                        System.out.printf("  would  rerun window %s of %s (%d attempts, last %s: %s) with%n",
                                letter.get().windowId(), job, letter.get().attempts(), letter.get().lastRunState(),
                                letter.get().lastRunMessage());
                        arguments.forEach((k, v) -> System.out.printf("           %-18s %s%n", k, v));
                        continue;
                    }
                    String runId = glue.startJobRun(b -> b.jobName(job).arguments(arguments)).jobRunId();
                    sqs.deleteMessage(b -> b.queueUrl(queue).receiptHandle(message.receiptHandle()));
                    started++;
                    System.out.printf("  done   window %s: run %s started%n", letter.get().windowId(), runId);
                }
            }
            System.out.printf("%nredrive glue %s: %d runs started, %d refused, %d messages skipped%s%n",
                    execute ? "executed" : "dry run", started, refused, skipped, execute ? "" : "; pass --execute to act");
            return refused == 0 ? TributaryCli.EXIT_OK : TributaryCli.EXIT_FINDING;
        }
    }
}
