package dev.tributary.devkit;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.tributary.common.json.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Feeds a handler from a Kinesis stream the way Lambda's event source mapping does, for tests and the local demo.
 *
 * <ul>
 *   <li>Reads each shard in order and delivers batches of at most {@code batchSize} records.</li>
 *   <li>A response with a batch item failure (ReportBatchItemFailures): the identifier must be a sequence number of
 *       the batch (otherwise Lambda fails the whole batch; so does this, loudly), and the rest of the batch, from
 *       that record on, is retried.</li>
 *   <li>An exception (function error): with bisection on, the batch is split in two and each half retried.</li>
 *   <li>After {@code maxRetryAttempts} retries the batch goes to the on-failure destination (an SQS queue, with the
 *       message shape Lambda uses) and the shard moves on.</li>
 * </ul>
 */
public final class KinesisEventSourceSimulator {

    /** A Lambda handler for Kinesis events. */
    @FunctionalInterface
    public interface Handler {
        StreamsEventResponse handle(KinesisEvent event) throws Exception;
    }

    /** The event source mapping's settings. */
    public record Settings(int batchSize, int maxRetryAttempts, boolean bisectOnFunctionError) {
        /** Lambda's defaults for a Tributary stream: 100 records, 3 retries, bisect on. */
        public static Settings defaults() {
            return new Settings(100, 3, true);
        }
    }

    /**
     * What a drain did.
     *
     * @param invocations handler calls
     * @param records     records read from the stream
     * @param partialFailures responses that reported a batch item failure
     * @param functionErrors  invocations that threw
     * @param bisections  batches split in two
     * @param sentToOnFailure batches given up on (sent to the on-failure destination)
     */
    public record Report(int invocations, int records, int partialFailures, int functionErrors, int bisections,
            List<String> sentToOnFailure) {}

    private final KinesisClient kinesis;
    private final Optional<SqsClient> sqs;
    private final Region region;
    private final Settings settings;

    /**
     * @param kinesis reads the stream
     * @param sqs     sends on-failure records; empty to only report them
     * @param region  put into events, as Lambda does
     */
    public KinesisEventSourceSimulator(KinesisClient kinesis, Optional<SqsClient> sqs, Region region,
            Settings settings) {
        this.kinesis = kinesis;
        this.sqs = sqs;
        this.region = region;
        this.settings = settings;
    }

    /**
     * Delivers everything currently in the stream to {@code handler}, shard by shard.
     *
     * @param onFailureQueueUrl the on-failure destination, or null
     */
    public Report drain(String streamName, String streamArn, Handler handler, String onFailureQueueUrl) {
        Counters counters = new Counters();
        for (Shard shard : kinesis.listShards(b -> b.streamName(streamName)).shards()) {
            List<Record> records = readShard(streamName, streamArn, shard.shardId());
            counters.records += records.size();
            int next = 0;
            while (next < records.size()) {
                int end = Math.min(records.size(), next + settings.batchSize());
                next = deliver(records, next, end, 0, streamArn, shard.shardId(), handler, onFailureQueueUrl,
                        counters);
            }
        }
        return new Report(counters.invocations, counters.records, counters.partialFailures, counters.functionErrors,
                counters.bisections, List.copyOf(counters.onFailure));
    }

    /**
     * Delivers {@code records[from, to)} until it succeeds or is given up on; returns the index after the last
     * record the shard's checkpoint has passed.
     */
    private int deliver(List<Record> records, int from, int to, int attempt, String streamArn, String shardId,
            Handler handler, String onFailureQueueUrl, Counters counters) {
        Deque<int[]> pending = new ArrayDeque<>();
        pending.push(new int[] {from, to, attempt});
        int checkpoint = from;
        while (!pending.isEmpty()) {
            int[] batch = pending.pop();
            int start = batch[0];
            int stop = batch[1];
            int tries = batch[2];
            List<Record> slice = records.subList(start, stop);
            counters.invocations++;
            StreamsEventResponse response;
            try {
                response = handler.handle(LambdaEvents.kinesisEvent(streamArn, shardId, region, slice));
            } catch (Exception e) {
                counters.functionErrors++;
                if (tries >= settings.maxRetryAttempts()) {
                    giveUp(slice, streamArn, shardId, onFailureQueueUrl, counters, "RetryAttemptsExhausted");
                    checkpoint = stop;
                    continue;
                }
                if (settings.bisectOnFunctionError() && slice.size() > 1) {
                    counters.bisections++;
                    int middle = start + slice.size() / 2;
                    pending.push(new int[] {middle, stop, tries + 1});
                    pending.push(new int[] {start, middle, tries + 1});
                } else {
                    pending.push(new int[] {start, stop, tries + 1});
                }
                continue;
            }
            Optional<String> failed = firstFailure(response);
            if (failed.isEmpty()) {
                checkpoint = stop;
                continue;
            }
            counters.partialFailures++;
            int failedIndex = indexOf(slice, failed.get());
            if (failedIndex < 0) {
                throw new IllegalStateException("handler reported item failure '" + failed.get()
                        + "', which is not a sequence number of the batch; Lambda would fail the whole batch");
            }
            int retryFrom = start + failedIndex;
            if (tries >= settings.maxRetryAttempts()) {
                giveUp(records.subList(retryFrom, stop), streamArn, shardId, onFailureQueueUrl, counters,
                        "RetryAttemptsExhausted");
                checkpoint = stop;
                continue;
            }
            // "The batch is bisected at the returned sequence number and Lambda retries only the remaining
            // records": the retry is the rest of this batch, never records of a half still waiting its turn.
            pending.push(new int[] {retryFrom, stop, tries + 1});
        }
        return Math.max(checkpoint, to);
    }

    private static Optional<String> firstFailure(StreamsEventResponse response) {
        if (response == null || response.getBatchItemFailures() == null) {
            return Optional.empty();
        }
        return response.getBatchItemFailures().stream()
                .map(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .findFirst();
    }

    private static int indexOf(List<Record> slice, String sequenceNumber) {
        for (int i = 0; i < slice.size(); i++) {
            if (slice.get(i).sequenceNumber().equals(sequenceNumber)) {
                return i;
            }
        }
        return -1;
    }

    private void giveUp(List<Record> slice, String streamArn, String shardId, String queueUrl, Counters counters,
            String condition) {
        String range = shardId + ":" + slice.getFirst().sequenceNumber() + ".." + slice.getLast().sequenceNumber();
        counters.onFailure.add(range);
        if (queueUrl == null || sqs.isEmpty()) {
            return;
        }
        ObjectNode message = Json.mapper().createObjectNode();
        message.putObject("requestContext")
                .put("requestId", java.util.UUID.randomUUID().toString())
                .put("functionArn", "arn:aws:lambda:" + region.id() + ":123456789012:function:kinesis-processor")
                .put("condition", condition)
                .put("approximateInvokeCount", settings.maxRetryAttempts() + 1);
        message.putObject("responseContext")
                .put("statusCode", 200)
                .put("executedVersion", "$LATEST")
                .put("functionError", "Unhandled");
        message.put("version", "1.0");
        message.put("timestamp", Instant.now().toString());
        message.putObject("KinesisBatchInfo")
                .put("shardId", shardId)
                .put("startSequenceNumber", slice.getFirst().sequenceNumber())
                .put("endSequenceNumber", slice.getLast().sequenceNumber())
                .put("approximateArrivalOfFirstRecord", slice.getFirst().approximateArrivalTimestamp().toString())
                .put("approximateArrivalOfLastRecord", slice.getLast().approximateArrivalTimestamp().toString())
                .put("batchSize", slice.size())
                .put("streamArn", streamArn);
        sqs.get().sendMessage(b -> b.queueUrl(queueUrl).messageBody(message.toString()));
    }

    private List<Record> readShard(String streamName, String streamArn, String shardId) {
        String iterator = kinesis.getShardIterator(b -> b.streamName(streamName)
                        .shardId(shardId)
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                .shardIterator();
        List<Record> records = new ArrayList<>();
        for (int emptyReads = 0; iterator != null && emptyReads < 2; ) {
            String current = iterator;
            // The stream's ARN goes along so the call can be authorized against the function's role (its iterator
            // alone names no resource): Lambda reads the stream with the execution role's permissions.
            GetRecordsResponse response = kinesis.getRecords(b -> b.shardIterator(current).streamARN(streamArn)
                    .limit(1000));
            records.addAll(response.records());
            emptyReads = response.records().isEmpty() ? emptyReads + 1 : 0;
            iterator = response.nextShardIterator();
            if (response.millisBehindLatest() != null && response.millisBehindLatest() == 0
                    && response.records().isEmpty()) {
                break;
            }
        }
        return records;
    }

    private static final class Counters {
        int invocations;
        int records;
        int partialFailures;
        int functionErrors;
        int bisections;
        final List<String> onFailure = new ArrayList<>();
    }
}
