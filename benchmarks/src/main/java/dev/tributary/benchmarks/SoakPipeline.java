package dev.tributary.benchmarks;

import dev.tributary.devkit.AsyncInvocationSimulator;
import dev.tributary.devkit.KinesisEventSourceSimulator;
import dev.tributary.processor.KinesisProcessorHandler;
import dev.tributary.toolkit.LambdaEvents;
import dev.tributary.transformer.S3TransformerHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Drives the two warm handlers as Lambda would: the processor over a drained stream through the event source
 * mapping ({@link KinesisEventSourceSimulator}), the transformer over the raw bucket's S3 notifications with
 * Lambda's asynchronous retries ({@link AsyncInvocationSimulator}). Keeps the run's invocation tallies, and with
 * {@code --plant-leak} keeps bytes per record on purpose.
 */
final class SoakPipeline {
    private final KinesisEventSourceSimulator esm;
    private final KinesisProcessorHandler processor;
    private final S3TransformerHandler transformer;
    private final SqsClient sqs;
    private final String region;
    private final String processorDlq;
    private final String notifications;
    private final String transformerDlq;
    private final int asyncRetries;
    private final int plantedLeakBytes;
    /** What {@code --plant-leak} keeps: proof that the verdict catches a leak of that size. */
    private final List<byte[]> planted = new ArrayList<>();

    private long invocations;
    private long givenUp;
    private long notified;
    private long retries;
    private long deadLettered;

    /** The queues: the processor's on-failure destination, the raw bucket's notifications, the transformer's DLQ. */
    record Queues(String processorDlq, String notifications, String transformerDlq, int asyncRetries) {}

    SoakPipeline(
            KinesisEventSourceSimulator esm,
            KinesisProcessorHandler processor,
            S3TransformerHandler transformer,
            SqsClient sqs,
            String region,
            Queues queues,
            int plantedLeakBytes) {
        this.esm = esm;
        this.processor = processor;
        this.transformer = transformer;
        this.sqs = sqs;
        this.region = region;
        this.processorDlq = queues.processorDlq();
        this.notifications = queues.notifications();
        this.transformerDlq = queues.transformerDlq();
        this.asyncRetries = queues.asyncRetries();
        this.plantedLeakBytes = plantedLeakBytes;
    }

    /**
     * Drains {@code stream} through the processor; fails unless every Kinesis record put was read. {@code delivered}
     * hears the records delivered so far.
     */
    void process(String stream, String arn, long kinesisRecords, LongConsumer delivered) {
        long[] count = {0};
        KinesisEventSourceSimulator.Report report = esm.drain(
                stream,
                arn,
                event -> {
                    var response = LambdaEvents.invoke(processor, event, null);
                    if (plantedLeakBytes > 0) {
                        event.getRecords().forEach(r -> planted.add(new byte[plantedLeakBytes]));
                    }
                    count[0] += event.getRecords().size();
                    delivered.accept(count[0]);
                    return response;
                },
                processorDlq);
        givenUp += report.sentToOnFailure().size();
        invocations += report.invocations();
        if (report.records() != kinesisRecords) {
            throw new IllegalStateException(
                    "read " + report.records() + " records from " + stream + ", produced " + kinesisRecords);
        }
    }

    /**
     * Delivers the notification queue's S3 events to the transformer as S3 → Lambda would; returns how many.
     * Moto queues notifications during PutObject, so a round stops at the first empty polls; the final sweep
     * ({@code patient}) long-polls in case an emulator does not.
     */
    int transform(boolean patient, IntConsumer progress) {
        AsyncInvocationSimulator.Report report = new AsyncInvocationSimulator(sqs, region)
                .deliver(
                        notifications,
                        event -> transformer.handleRequest(
                                new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)),
                                new ByteArrayOutputStream(),
                                null),
                        asyncRetries,
                        transformerDlq,
                        "s3-transformer",
                        patient,
                        progress);
        notified += report.notifications();
        retries += report.retries();
        deadLettered += report.deadLettered();
        return report.notifications();
    }

    /** Processor invocations so far. */
    long invocations() {
        return invocations;
    }

    /** Kinesis batches the event source mapping gave up on (sent to the on-failure destination). */
    long givenUp() {
        return givenUp;
    }

    /** S3 notifications delivered to the transformer. */
    long notified() {
        return notified;
    }

    /** Asynchronous retries of the transformer. */
    long retries() {
        return retries;
    }

    /** Notifications the transformer's retries gave up on (sent to its dead-letter queue). */
    long deadLettered() {
        return deadLettered;
    }

    /** Bytes kept on purpose by {@code --plant-leak}. */
    long plantedBytes() {
        return (long) planted.size() * plantedLeakBytes;
    }
}
