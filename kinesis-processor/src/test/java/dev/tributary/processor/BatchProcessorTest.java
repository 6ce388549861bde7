package dev.tributary.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.common.event.EventDecoder;
import dev.tributary.common.event.EventSchemas;
import dev.tributary.common.event.QuarantineReason;
import dev.tributary.common.io.S3ObjectStore.PutOutcome;
import dev.tributary.common.layout.Partition;
import dev.tributary.common.layout.StreamPosition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The batch logic with an in-memory writer: grouping, quarantine, and where Lambda is told to retry from. */
class BatchProcessorTest {
    private static final Instant ARRIVAL = Instant.parse("2026-11-22T10:30:00Z");
    private final RecordingWriter writer = new RecordingWriter();
    private final List<String> warnings = new ArrayList<>();
    private final BatchProcessor processor = new BatchProcessor(
            new EventDecoder(new EventSchemas(), 1024 * 1024, Duration.ofDays(1))::decode, writer, 4, warnings::add);

    static StreamRecord record(int sequence, String json) {
        return new StreamRecord(
                new StreamPosition("events", "shardId-000000000000", Integer.toString(1000 + sequence)),
                ARRIVAL,
                json.getBytes(StandardCharsets.UTF_8));
    }

    static String pageView(String id, String time) {
        return "{\"event_id\":\"" + id + "\",\"event_type\":\"page_view\",\"event_time\":\"" + time
                + "\",\"source\":\"web\",\"schema_version\":1,\"payload\":{\"page_url\":\"https://a.example/\","
                + "\"tti_ms\":1,\"ttar_ms\":2}}";
    }

    @Test
    void process_whenEmptyBatch_writesNothingAndReportsNoFailure() {
        BatchResult result = processor.process(List.of());

        assertThat(result.records()).isZero();
        assertThat(result.retryFrom()).isEmpty();
        assertThat(writer.rawWrites).isEmpty();
    }

    @Test
    void process_whenRecordsSpanTwoHours_writesOneObjectPerPartitionInSequenceOrder() {
        List<StreamRecord> batch = List.of(
                record(1, pageView("a", "2026-11-22T09:59:00Z")),
                record(2, pageView("b", "2026-11-22T10:01:00Z")),
                record(3, pageView("c", "2026-11-22T09:58:00Z")),
                record(4, pageView("d", "2026-11-22T10:02:00Z")));

        BatchResult result = processor.process(batch);

        assertThat(writer.rawWrites).hasSize(2);
        assertThat(writer.rawWrites.get(Partition.of("page_view", Instant.parse("2026-11-22T09:00:00Z"))))
                .containsExactly("1001", "1003");
        assertThat(writer.rawWrites.get(Partition.of("page_view", Instant.parse("2026-11-22T10:00:00Z"))))
                .containsExactly("1002", "1004");
        assertThat(result.valid()).isEqualTo(4);
        assertThat(result.retryFrom()).isEmpty();
    }

    @Test
    void process_whenOnlyInvalidRecords_quarantinesAllInOneObjectAndDoesNotFailTheBatch() {
        List<StreamRecord> batch = List.of(record(1, "not json"), record(2, "[1]"), record(3, "{}"));

        BatchResult result = processor.process(batch);

        assertThat(writer.rawWrites).isEmpty();
        assertThat(writer.quarantineWrites).hasSize(1);
        assertThat(writer.quarantineWrites.getFirst())
                .containsExactly(
                        QuarantineReason.NOT_JSON, QuarantineReason.NOT_AN_OBJECT, QuarantineReason.INVALID_ENVELOPE);
        assertThat(result.quarantined()).isEqualTo(3);
        assertThat(result.retryFrom()).isEmpty();
    }

    @Test
    void process_whenDuplicateEventIdsInBatch_keepsBothRecordsInRaw() {
        BatchResult result = processor.process(List.of(
                record(1, pageView("same", "2026-11-22T10:00:00Z")),
                record(2, pageView("same", "2026-11-22T10:00:00Z"))));

        assertThat(result.valid()).isEqualTo(2);
        assertThat(writer.rawWrites.values().iterator().next()).containsExactly("1001", "1002");
    }

    @Test
    void process_whenOnePartitionFailsAfterTheOthers_retriesFromItsFirstRecord() {
        writer.failWhen = partition -> partition.hour() == 11;
        List<StreamRecord> batch = List.of(
                record(1, pageView("a", "2026-11-22T10:00:00Z")),
                record(2, pageView("b", "2026-11-22T10:10:00Z")),
                record(3, pageView("c", "2026-11-22T11:00:00Z")),
                record(4, pageView("d", "2026-11-22T11:10:00Z")));

        BatchResult result = processor.process(batch);

        assertThat(result.retryFrom()).contains("1003");
        assertThat(result.failedWrites()).isEqualTo(1);
        assertThat(warnings).singleElement().asString().contains("event_type=page_view/dt=2026-11-22/hr=11");
    }

    @Test
    void process_whenFailedPartitionInterleavesWithWrittenOne_retriesFromTheWrittenOnesFirstRecord() {
        writer.failWhen = partition -> partition.hour() == 11;
        List<StreamRecord> batch = List.of(
                record(1, pageView("a", "2026-11-22T10:00:00Z")),
                record(2, pageView("b", "2026-11-22T11:00:00Z")),
                record(3, pageView("c", "2026-11-22T10:10:00Z")));

        // The hr=10 object holds records 1 and 3; retrying from 2 would write record 3 again under another name.
        assertThat(processor.process(batch).retryFrom()).contains("1001");
    }

    @Test
    void retryIndex_whenWrittenGroupsChainAcrossThePoint_movesBackToTheEarliest() {
        var failed = List.of(BatchProcessor.Group.spanning(6, 9));
        var written = List.of(
                BatchProcessor.Group.spanning(0, 0),
                BatchProcessor.Group.spanning(3, 7),
                BatchProcessor.Group.spanning(1, 4));

        assertThat(BatchProcessor.retryIndex(failed, written)).hasValue(1);
    }

    @Test
    void retryIndex_whenNothingFailed_isEmpty() {
        assertThat(BatchProcessor.retryIndex(List.of(), List.of(BatchProcessor.Group.spanning(0, 3))))
                .isEmpty();
    }

    @Test
    void process_whenQuarantineWriteFails_retriesFromFirstInvalidRecord() {
        writer.failQuarantine = true;
        List<StreamRecord> batch = List.of(
                record(1, pageView("a", "2026-11-22T10:00:00Z")),
                record(2, "garbage"),
                record(3, pageView("c", "2026-11-22T10:05:00Z")));

        // The page_view group (1, 3) straddles record 2, so the point moves back to 1.
        assertThat(processor.process(batch).retryFrom()).contains("1001");
    }

    /** Records what would have been written; fails partitions on request. */
    static final class RecordingWriter implements PartitionWriter {
        final Map<Partition, List<String>> rawWrites = new ConcurrentHashMap<>();
        final List<List<QuarantineReason>> quarantineWrites = new ArrayList<>();
        final List<List<QuarantinedRecord>> quarantined = new ArrayList<>();
        volatile Predicate<Partition> failWhen = partition -> false;
        volatile boolean failQuarantine;

        @Override
        public Receipt writeRaw(Partition partition, List<ValidRecord> records) {
            if (failWhen.test(partition)) {
                throw new IllegalStateException("simulated S3 failure");
            }
            rawWrites.put(
                    partition,
                    records.stream()
                            .map(r -> r.record().position())
                            .map(p -> p.isSubRecord()
                                    ? p.sequenceNumber() + "-" + p.subSequenceNumber()
                                    : p.sequenceNumber())
                            .toList());
            return new Receipt(partition.path(), PutOutcome.CREATED, 1);
        }

        @Override
        public synchronized Receipt writeQuarantine(List<QuarantinedRecord> records) {
            if (failQuarantine) {
                throw new IllegalStateException("simulated SQS failure");
            }
            quarantineWrites.add(records.stream().map(QuarantinedRecord::reason).toList());
            quarantined.add(List.copyOf(records));
            return new Receipt("failed", PutOutcome.CREATED, 1);
        }
    }
}
