package dev.tributary.cli;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.config.Env;
import dev.tributary.common.json.Json;
import dev.tributary.common.lambda.OnFailureRecord;
import dev.tributary.processor.KinesisProcessorHandler;
import dev.tributary.toolkit.LambdaEvents;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
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

/** {@code tributary redrive kinesis}: reprocess the Kinesis batches Lambda gave up on. */
@Command(
        name = "kinesis",
        mixinStandardHelpOptions = true,
        description =
                "Reads the kinesis-processor's on-failure destination (each of Lambda's messages names a shard and a sequence range), re-reads those records from the stream (before the stream's retention drops them) and runs the kinesis-processor on them in this process, with the same configuration as the function. Object names are deterministic, so a redrive rewrites the same objects instead of adding duplicates. Quarantine notices have their own queue (QUARANTINE_QUEUE_URL); any other message found here is listed, not redriven.")
final class KinesisRedrive implements Callable<Integer> {
    @Mixin
    AwsOptions aws = new AwsOptions();

    @Option(
            names = "--queue",
            defaultValue = "${env:DEAD_LETTER_QUEUE_URL}",
            required = true,
            description = "The on-failure destination queue URL (default: DEAD_LETTER_QUEUE_URL).")
    String queue;

    @Option(
            names = "--raw-bucket",
            defaultValue = "${env:RAW_BUCKET}",
            required = true,
            description = "The processor's RAW_BUCKET (default: RAW_BUCKET).")
    String rawBucket;

    @Option(
            names = "--metadata-table",
            defaultValue = "${env:METADATA_TABLE}",
            required = true,
            description = "The processor's METADATA_TABLE (default: METADATA_TABLE).")
    String metadataTable;

    @Option(
            names = "--quarantine-queue",
            defaultValue = "${env:QUARANTINE_QUEUE_URL}",
            description = "The processor's QUARANTINE_QUEUE_URL, where the redriven batches' invalid records are "
                    + "noticed (default: QUARANTINE_QUEUE_URL; needed with --execute).")
    String quarantineQueue;

    @Mixin
    ReprocessOptions run = new ReprocessOptions();

    @Override
    public Integer call() throws IOException {
        Map<String, String> env = new java.util.HashMap<>(aws.environment());
        env.put("RAW_BUCKET", rawBucket);
        env.put("METADATA_TABLE", metadataTable);
        if (run.execute && (quarantineQueue == null || quarantineQueue.isBlank())) {
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
                KinesisClient kinesis =
                        aws.clients().configure(KinesisClient.builder()).build()) {
            KinesisProcessorHandler handler = run.execute ? new KinesisProcessorHandler(new Env(env)) : null;
            for (Message message : run.messages(sqs, queue)) {
                JsonNode body = Json.mapper().readTree(message.body());
                Optional<OnFailureRecord.KinesisBatch> batch = OnFailureRecord.kinesisBatch(body);
                if (batch.isEmpty()) {
                    others++;
                    System.out.printf(
                            "  skip   %s (%s)%n",
                            body.path("kind").asText("unknown message"),
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
                if (!run.execute) {
                    System.out.printf(
                            "  would  reprocess %s %s..%s: %d records (batch of %s)%n",
                            shard,
                            start,
                            end,
                            range.size(),
                            batch.get().batchSize().map(String::valueOf).orElse("?"));
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
        System.out.printf(
                "%nredrive %s: %d Lambda failure records (%d stream records), %d other messages skipped" + "%s%n",
                run.execute ? "executed" : "dry run",
                batches,
                records,
                others,
                run.execute ? String.format("; %d redriven, %d failed", redriven, failed) : "; pass --execute to act");
        return failed == 0 ? TributaryCli.EXIT_OK : TributaryCli.EXIT_FINDING;
    }

    /** The records of the batch's shard from its first through its last sequence number, re-read from the stream. */
    static List<Record> read(KinesisClient kinesis, OnFailureRecord.KinesisBatch batch) {
        BigInteger last = new BigInteger(batch.endSequenceNumber());
        // By name, not ARN: emulators (moto) ignore the StreamARN parameter.
        String iterator = kinesis.getShardIterator(b -> b.streamName(batch.streamName())
                        .shardId(batch.shardId())
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
    private static boolean reprocess(
            KinesisProcessorHandler handler, String streamArn, String shard, Region region, List<Record> range) {
        List<Record> remaining = range;
        for (int attempt = 0; attempt < 5 && !remaining.isEmpty(); attempt++) {
            StreamsEventResponse response = LambdaEvents.invoke(
                    handler,
                    LambdaEvents.kinesisEventJson(streamArn, shard, region, remaining)
                            .getBytes(StandardCharsets.UTF_8),
                    null);
            if (response.getBatchItemFailures().isEmpty()) {
                return true;
            }
            String from = response.getBatchItemFailures().getFirst().getItemIdentifier();
            int index = 0;
            while (index < remaining.size()
                    && !remaining.get(index).sequenceNumber().equals(from)) {
                index++;
            }
            remaining = remaining.subList(index, remaining.size());
        }
        return remaining.isEmpty();
    }
}
