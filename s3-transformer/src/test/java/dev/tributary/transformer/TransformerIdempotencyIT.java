package dev.tributary.transformer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.common.event.EventSchemas;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Exactly once per raw version: duplicates, out-of-order versions and concurrent invocations all end with the
 * processed object equal, byte for byte, to transforming the latest raw version once.
 */
class TransformerIdempotencyIT {
    private final TransformerTestBed bed = new TransformerTestBed();

    @AfterEach
    void close() {
        bed.close();
    }

    static List<String> readings(int count) {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(RawObjects.reading("r-" + i));
        }
        return events;
    }

    /** Version 1 of one raw key (4 records), then version 2 (the first 2: a bisected batch's retry). */
    List<Message> twoVersions() {
        bed.produce(readings(4), 1L);
        bed.produce(readings(2), 1L);
        List<Message> notifications = bed.objectNotifications(2);
        assertThat(notifications)
                .extracting(TransformerTestBed::rawKey)
                .containsOnly(bed.rawKeys().getFirst());
        return notifications;
    }

    void assertProcessedIsLatestTransformedOnce(String rawKey, int records) throws Exception {
        assertThat(bed.processedBytes(rawKey)).isEqualTo(bed.expectedProcessed(rawKey, Map.of()));
        assertThat(bed.processedRecords(rawKey)).hasSize(records);
        var item = bed.metadata(rawKey);
        assertThat(item.get("status").s()).isEqualTo("PROCESSED");
        assertThat(item.get("checksum_sha256").s())
                .isEqualTo(bed.s3
                        .headObject(b -> b.bucket(bed.resources.rawBucket())
                                .key(rawKey)
                                .checksumMode(software.amazon.awssdk.services.s3.model.ChecksumMode.ENABLED))
                        .checksumSHA256());
        assertThat(item.get("records_in").n()).isEqualTo(Integer.toString(records));
        assertThat(item).doesNotContainKeys("lease_owner", "lease_expires_at");
    }

    @Test
    void handleRequest_whenSameNotificationTwice_transformsOnceAndChangesNothingTheSecondTime() throws Exception {
        bed.produce(readings(3));
        String event = bed.sqsEvent(bed.objectNotifications(1));
        String rawKey = bed.rawKeys().getFirst();
        S3TransformerHandler handler = bed.transformer();

        TransformerTestBed.invoke(handler, event);
        String processedAt = bed.metadata(rawKey).get("processed_at").s();
        TransformerTestBed.invoke(handler, event);

        assertProcessedIsLatestTransformedOnce(rawKey, 3);
        assertThat(bed.processedWrites(rawKey)).isEqualTo(1);
        assertThat(bed.metadata(rawKey).get("processed_at").s()).isEqualTo(processedAt);
        assertThat(bed.logText()).contains("\"outcome\":\"already_processed\"");
    }

    @Test
    void handleRequest_whenNewerVersionNotifiedFirst_theOlderNotificationLeavesTheNewerOutput() throws Exception {
        List<Message> notifications = twoVersions();
        String rawKey = bed.rawKeys().getFirst();
        S3TransformerHandler handler = bed.transformer();

        TransformerTestBed.invoke(handler, bed.sqsEvent(List.of(notifications.get(1))));
        TransformerTestBed.invoke(handler, bed.sqsEvent(List.of(notifications.get(0))));

        assertProcessedIsLatestTransformedOnce(rawKey, 2);
        assertThat(bed.processedWrites(rawKey)).isEqualTo(1);
    }

    @Test
    void handleRequest_whenEachVersionNotifiedAfterItWasWritten_outputFollowsTheLatest() throws Exception {
        bed.produce(readings(4), 1L);
        String first = bed.sqsEvent(bed.objectNotifications(1));
        String rawKey = bed.rawKeys().getFirst();
        S3TransformerHandler handler = bed.transformer();
        TransformerTestBed.invoke(handler, first);
        assertThat(bed.processedRecords(rawKey)).hasSize(4);

        bed.produce(readings(2), 1L); // the processor replaces the object: status back to WRITTEN
        assertThat(bed.metadata(rawKey).get("status").s()).isEqualTo("WRITTEN");
        TransformerTestBed.invoke(handler, bed.sqsEvent(bed.objectNotifications(1)));
        TransformerTestBed.invoke(handler, first); // and the first one again, late

        assertProcessedIsLatestTransformedOnce(rawKey, 2);
        assertThat(bed.processedWrites(rawKey)).isEqualTo(2);
    }

    @Test
    void handleRequest_whenSequencerIsNotNewerThanTheProcessedOne_skipsWithoutTouchingTheObject() throws Exception {
        bed.produce(readings(2));
        String body = bed.objectNotifications(1).getFirst().body();
        String rawKey = bed.rawKeys().getFirst();
        AtomicInteger s3Calls = new AtomicInteger();
        ExecutionInterceptor counting = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                s3Calls.incrementAndGet();
            }
        };
        S3TransformerHandler handler = bed.transformer(Map.of(), List.of(counting), new EventSchemas());

        TransformerTestBed.invoke(handler, withSequencer(body, "0062A1B2C3D4E5F602")); // moto sends none; S3 does
        assertThat(bed.metadata(rawKey).get("source_sequencer").s()).isEqualTo("0062A1B2C3D4E5F602");
        int callsAfterFirst = s3Calls.get();
        TransformerTestBed.invoke(handler, withSequencer(body, "62A1B2C3D4E5F601")); // older, and shorter

        assertThat(s3Calls.get()).isEqualTo(callsAfterFirst);
        assertThat(bed.logText()).contains("\"outcome\":\"stale_event\"");
        assertProcessedIsLatestTransformedOnce(rawKey, 2);
    }

    @Test
    void handleRequest_whenSameNotificationInFourConcurrentInvocations_exactlyOneWrites() throws Exception {
        bed.produce(readings(50));
        String event = bed.sqsEvent(bed.objectNotifications(1));
        String rawKey = bed.rawKeys().getFirst();

        runConcurrently(4, i -> TransformerTestBed.invoke(bed.transformer(), event));

        assertProcessedIsLatestTransformedOnce(rawKey, 50);
        assertThat(bed.processedWrites(rawKey)).isEqualTo(1);
    }

    @Test
    void handleRequest_whenTwoVersionsNotifiedConcurrently_outputEqualsTheLatestTransformedOnce() throws Exception {
        List<Message> notifications = twoVersions();
        String rawKey = bed.rawKeys().getFirst();

        runConcurrently(
                2, i -> TransformerTestBed.invoke(bed.transformer(), bed.sqsEvent(List.of(notifications.get(i)))));

        assertProcessedIsLatestTransformedOnce(rawKey, 2);
        assertThat(bed.processedWrites(rawKey)).isEqualTo(1);
    }

    @Test
    void handleRequest_whenProcessorReplacesTheRawObjectMidTransform_commitsTheNewVersionNotTheOld() throws Exception {
        bed.produce(readings(4), 1L);
        String event = bed.sqsEvent(bed.objectNotifications(1));
        String rawKey = bed.rawKeys().getFirst();
        AtomicBoolean replaced = new AtomicBoolean();
        ExecutionInterceptor replaceBeforeFirstWrite = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof PutObjectRequest put
                        && put.bucket().equals(bed.processedBucket)
                        && replaced.compareAndSet(false, true)) {
                    // Version 1 is transformed and about to be written: the processor writes version 2 now.
                    bed.produce(readings(2), 1L);
                }
            }
        };

        TransformerTestBed.invoke(
                bed.transformer(Map.of(), List.of(replaceBeforeFirstWrite), new EventSchemas()), event);

        assertThat(replaced).isTrue();
        assertProcessedIsLatestTransformedOnce(rawKey, 2);
        assertThat(bed.processedWrites(rawKey)).isEqualTo(2); // version 1's output, then version 2's
        assertThat(bed.logText()).contains("raw object changed while it was transformed");
    }

    @Test
    void handleRequest_whenProcessorReplacesTheRawObjectBetweenHeadAndGet_transformsTheNewVersion() throws Exception {
        bed.produce(readings(4), 1L);
        String event = bed.sqsEvent(bed.objectNotifications(1));
        String rawKey = bed.rawKeys().getFirst();
        AtomicBoolean replaced = new AtomicBoolean();
        ExecutionInterceptor replaceBeforeFirstRead = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if ("GetObject".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))
                        && replaced.compareAndSet(false, true)) {
                    bed.produce(readings(2), 1L); // the GET's If-Match now fails: 412
                }
            }
        };

        TransformerTestBed.invoke(
                bed.transformer(Map.of(), List.of(replaceBeforeFirstRead), new EventSchemas()), event);

        assertThat(replaced).isTrue();
        assertProcessedIsLatestTransformedOnce(rawKey, 2);
        assertThat(bed.processedWrites(rawKey)).isEqualTo(1);
    }

    static String withSequencer(String s3Event, String sequencer) throws Exception {
        ObjectNode event = (ObjectNode) TransformerTestBed.parse(s3Event);
        ((ObjectNode) event.at("/Records/0/s3/object")).put("sequencer", sequencer);
        return event.toString();
    }

    @FunctionalInterface
    interface Invocation {
        void run(int index) throws Exception;
    }

    /** Starts {@code count} invocations at the same moment and waits for all; any failure fails the test. */
    static void runConcurrently(int count, Invocation invocation) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    invocation.run(index);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
