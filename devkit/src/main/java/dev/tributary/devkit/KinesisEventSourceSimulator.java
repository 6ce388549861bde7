package dev.tributary.devkit;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.tributary.toolkit.LambdaEvents;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Feeds a handler from a Kinesis stream the way Lambda's event source mapping does, for tests and the local demo.
 * Each rule quotes the sentence of the Lambda developer guide it implements; unless another page is named, the page
 * is "Using AWS Lambda with Amazon Kinesis" (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html), quoted
 * as published in awsdocs/aws-lambda-developer-guide (the live guide has since moved the error handling sentences to
 * "Retain discarded batch records for a Kinesis Data Streams event source in Lambda", kinesis-on-failure-destination,
 * in the same words); "CreateEventSourceMapping" is the Lambda API reference.
 *
 * <p>Not modelled: {@code ParallelizationFactor} (one batch per shard at a time is one of the schedules Lambda may
 * run: "Lambda still ensures in-order processing at the shard level"), batching windows and the 6 MB payload limit.
 */
public final class KinesisEventSourceSimulator {

    /** A Lambda handler for Kinesis events. */
    @FunctionalInterface
    public interface Handler {
        StreamsEventResponse handle(KinesisEvent event) throws Exception;
    }

    /**
     * The event source mapping's settings, as the template declares them ({@link LocalDeployment#kinesisSettings}).
     *
     * @param maxRetryAttempts    -1 for infinite, as in Lambda
     * @param maxRecordAgeSeconds -1 for infinite, as in Lambda
     */
    public record Settings(
            int batchSize, int maxRetryAttempts, boolean bisectOnFunctionError, int maxRecordAgeSeconds) {
        /** Settings without a maximum record age (-1, infinite). */
        public Settings(int batchSize, int maxRetryAttempts, boolean bisectOnFunctionError) {
            this(batchSize, maxRetryAttempts, bisectOnFunctionError, -1);
        }

        /** Lambda's defaults for a Tributary stream: 100 records, 3 retries, bisect on. */
        public static Settings defaults() {
            return new Settings(100, 3, true);
        }
    }

    /**
     * What a drain did.
     *
     * @param invocations     handler calls
     * @param records         records read from the stream
     * @param partialFailures responses that reported a batch item failure
     * @param functionErrors  invocations that threw
     * @param bisections      batches split in two
     * @param sentToOnFailure record ranges given up on ({@code shard:first..last}), sent to the on-failure destination
     * @param throttledReads  GetRecords calls Kinesis throttled, retried after a pause
     */
    public record Report(
            int invocations,
            int records,
            int partialFailures,
            int functionErrors,
            int bisections,
            List<String> sentToOnFailure,
            int throttledReads) {}

    private final KinesisShardReader reader;
    private final Optional<SqsClient> sqs;
    private final Region region;
    private final Settings settings;
    private final Clock clock;

    /**
     * @param kinesis reads the stream
     * @param sqs     sends on-failure records; empty to only report them
     * @param region  put into events, as Lambda does
     */
    public KinesisEventSourceSimulator(
            KinesisClient kinesis, Optional<SqsClient> sqs, Region region, Settings settings) {
        this(kinesis, sqs, region, settings, Clock.systemUTC());
    }

    /** @param clock decides records' ages ({@code MaximumRecordAgeInSeconds}) */
    public KinesisEventSourceSimulator(
            KinesisClient kinesis, Optional<SqsClient> sqs, Region region, Settings settings, Clock clock) {
        if (settings.maxRetryAttempts() < 0 && settings.maxRecordAgeSeconds() < 0) {
            // "With the default settings, this means that a bad record can block processing on the affected shard
            // for up to one week." A simulator cannot wait a week: one of the two limits must be finite.
            throw new IllegalArgumentException("MaximumRetryAttempts and MaximumRecordAgeInSeconds are both -1"
                    + " (infinite): a failing batch would be retried until the stream's retention expires");
        }
        this.reader = new KinesisShardReader(kinesis);
        this.sqs = sqs;
        this.region = region;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Delivers everything currently in the stream to {@code handler}, shard by shard, parents before children.
     *
     * @param onFailureQueueUrl the on-failure destination, or null
     */
    public Report drain(String streamName, String streamArn, Handler handler, String onFailureQueueUrl) {
        Counters counters = new Counters();
        Map<String, String> checkpoints = new HashMap<>();
        Map<String, Boolean> ended = new HashMap<>();
        // Shards are listed again after each round: a split or merge during the drain creates children that are
        // read once their parents have ended.
        for (boolean progress = true; progress; ) {
            progress = false;
            List<Shard> shards = reader.shards(streamName);
            Set<String> listed = new HashSet<>();
            shards.forEach(shard -> listed.add(shard.shardId()));
            for (Shard shard : KinesisShardReader.parentsFirst(shards)) {
                // A parent no longer listed (past the retention period) holds nothing left to read.
                if (ended.getOrDefault(shard.shardId(), false)
                        || KinesisShardReader.parents(shard).stream()
                                .anyMatch(parent -> listed.contains(parent) && !ended.getOrDefault(parent, false))) {
                    continue;
                }
                KinesisShardReader.Read read =
                        reader.read(streamName, streamArn, shard, checkpoints.get(shard.shardId()));
                counters.throttledReads += read.throttled();
                List<Record> records = read.records();
                counters.records += records.size();
                // "Lambda reads records in batches and invokes your function to process records from the batch.
                // Each batch contains records from a single shard/data stream."
                for (int next = 0; next < records.size(); ) {
                    int end = Math.min(records.size(), next + settings.batchSize());
                    deliver(
                            records.subList(next, end),
                            streamArn,
                            shard.shardId(),
                            handler,
                            onFailureQueueUrl,
                            counters);
                    next = end;
                }
                if (!records.isEmpty()) {
                    checkpoints.put(shard.shardId(), records.getLast().sequenceNumber());
                    progress = true;
                }
                if (read.ended()) {
                    ended.put(shard.shardId(), true);
                    progress = true;
                }
            }
        }
        return new Report(
                counters.invocations,
                counters.records,
                counters.partialFailures,
                counters.functionErrors,
                counters.bisections,
                List.copyOf(counters.onFailure),
                counters.throttledReads);
    }

    /** One pending invocation: records of the batch, retries used, invocations that included them. */
    private record Attempt(List<Record> records, int retries, int invokes) {}

    /** Delivers one batch until every record in it has succeeded or gone to the on-failure destination. */
    private void deliver(
            List<Record> batch,
            String streamArn,
            String shardId,
            Handler handler,
            String onFailureQueueUrl,
            Counters counters) {
        Deque<Attempt> pending = new ArrayDeque<>();
        pending.push(new Attempt(batch, 0, 0));
        while (!pending.isEmpty()) {
            Attempt attempt = pending.pop();
            List<Record> slice = withoutExpired(attempt, streamArn, shardId, onFailureQueueUrl, counters);
            if (slice.isEmpty()) {
                continue;
            }
            int invokes = attempt.invokes() + 1;
            counters.invocations++;
            StreamsEventResponse response;
            try {
                // "Lambda reads records from the data stream and invokes your function synchronously with an event
                // that contains stream records."
                response = handler.handle(LambdaEvents.kinesisEvent(streamArn, shardId, region, slice));
            } catch (Exception e) {
                counters.functionErrors++;
                if (settings.bisectOnFunctionError() && slice.size() > 1) {
                    // "For function errors, you can also configure the event source mapping to split a failed batch
                    // into two batches. [...] Splitting a batch does not count towards the retry quota."
                    counters.bisections++;
                    int middle = slice.size() / 2;
                    pending.push(new Attempt(slice.subList(middle, slice.size()), attempt.retries(), invokes));
                    pending.push(new Attempt(slice.subList(0, middle), attempt.retries(), invokes));
                } else {
                    retryOrGiveUp(
                            pending,
                            slice,
                            attempt.retries(),
                            invokes,
                            streamArn,
                            shardId,
                            onFailureQueueUrl,
                            counters);
                }
                continue;
            }
            Optional<Integer> failedAt = firstFailure(response, slice);
            if (failedAt.isEmpty()) {
                continue; // "Lambda treats a batch as a complete success if you return [...] An empty batchItemFailure
                // list"
            }
            counters.partialFailures++;
            // "When a partial batch success response is received and both BisectBatchOnFunctionError and
            // ReportBatchItemFailures are turned on, the batch is bisected at the returned sequence number and Lambda
            // retries only the remaining records": the retry is the rest of this batch, never records of a half
            // still waiting its turn.
            retryOrGiveUp(
                    pending,
                    slice.subList(failedAt.get(), slice.size()),
                    attempt.retries(),
                    invokes,
                    streamArn,
                    shardId,
                    onFailureQueueUrl,
                    counters);
        }
    }

    private void retryOrGiveUp(
            Deque<Attempt> pending,
            List<Record> records,
            int retries,
            int invokes,
            String streamArn,
            String shardId,
            String queueUrl,
            Counters counters) {
        // "If the function receives the records but returns an error, Lambda retries until the records in the batch
        // expire, exceed the maximum age, or reach the configured retry quota." CreateEventSourceMapping,
        // MaximumRetryAttempts: "When set to infinite (-1), failed records are retried until the record expires."
        if (settings.maxRetryAttempts() >= 0 && retries >= settings.maxRetryAttempts()) {
            // "If the error handling measures fail, Lambda discards the records and continues processing batches
            // from the stream."
            giveUp(records, invokes, streamArn, shardId, queueUrl, counters, "RetryAttemptsExhausted");
        } else {
            pending.push(new Attempt(records, retries + 1, invokes));
        }
    }

    /**
     * Sends the records of {@code attempt} that are older than {@code MaximumRecordAgeInSeconds} to the on-failure
     * destination and returns the rest. CreateEventSourceMapping: "MaximumRecordAgeInSeconds – Discard records older
     * than the specified age." "When Lambda discards a batch of records that's too old or has exhausted all retries,
     * Lambda sends details about the batch to the queue or topic." Within a shard records arrive in order, so the
     * expired ones are a prefix of the batch.
     */
    private List<Record> withoutExpired(
            Attempt attempt, String streamArn, String shardId, String queueUrl, Counters counters) {
        List<Record> records = attempt.records();
        if (settings.maxRecordAgeSeconds() < 0) {
            return records;
        }
        Duration limit = Duration.ofSeconds(settings.maxRecordAgeSeconds());
        int expired = 0;
        while (expired < records.size()
                && Duration.between(records.get(expired).approximateArrivalTimestamp(), clock.instant())
                                .compareTo(limit)
                        > 0) {
            expired++;
        }
        if (expired > 0) {
            // The guide's example shows only the condition RetryAttemptsExhausted; RecordAgeExceeded is the name
            // Lambda gives an age discard, not quoted from the guide.
            giveUp(
                    records.subList(0, expired),
                    attempt.invokes(),
                    streamArn,
                    shardId,
                    queueUrl,
                    counters,
                    "RecordAgeExceeded");
        }
        return records.subList(expired, records.size());
    }

    /**
     * The index in {@code slice} to retry from, or empty when the batch succeeded. "If the batchItemFailures array
     * contains multiple items, Lambda uses the record with the lowest sequence number as the checkpoint. Lambda then
     * retries all records starting from that checkpoint." An identifier that names no record of the batch fails it
     * whole: "Lambda treats a batch as a complete failure if you return any of the following: An empty string
     * itemIdentifier, A null itemIdentifier, An itemIdentifier with a bad key name".
     */
    private static Optional<Integer> firstFailure(StreamsEventResponse response, List<Record> slice) {
        if (response == null
                || response.getBatchItemFailures() == null
                || response.getBatchItemFailures().isEmpty()) {
            return Optional.empty();
        }
        int lowest = Integer.MAX_VALUE;
        for (StreamsEventResponse.BatchItemFailure failure : response.getBatchItemFailures()) {
            int index = indexOf(slice, failure.getItemIdentifier());
            if (index < 0) {
                return Optional.of(0);
            }
            lowest = Math.min(lowest, index);
        }
        return Optional.of(lowest);
    }

    private static int indexOf(List<Record> slice, String sequenceNumber) {
        if (sequenceNumber == null || sequenceNumber.isEmpty()) {
            return -1;
        }
        for (int i = 0; i < slice.size(); i++) {
            if (new BigInteger(slice.get(i).sequenceNumber()).equals(new BigInteger(sequenceNumber))) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Records the discarded range and sends Lambda's invocation record for it. "To retain a record of discarded
     * batches, configure a failed-event destination. Lambda sends a document to the destination queue or topic with
     * details about the batch." ({@link KinesisInvocationRecord})
     */
    private void giveUp(
            List<Record> slice,
            int invokes,
            String streamArn,
            String shardId,
            String queueUrl,
            Counters counters,
            String condition) {
        counters.onFailure.add(shardId + ":" + slice.getFirst().sequenceNumber() + ".."
                + slice.getLast().sequenceNumber());
        if (queueUrl == null || sqs.isEmpty()) {
            return;
        }
        String message =
                KinesisInvocationRecord.json(region, condition, invokes, clock.instant(), shardId, streamArn, slice);
        sqs.get().sendMessage(b -> b.queueUrl(queueUrl).messageBody(message));
    }

    private static final class Counters {
        int invocations;
        int records;
        int partialFailures;
        int functionErrors;
        int bisections;
        int throttledReads;
        final List<String> onFailure = new ArrayList<>();
    }
}
