package dev.tributary.processor;

import static dev.tributary.processor.BatchProcessorTest.pageView;
import static dev.tributary.processor.BatchProcessorTest.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.common.event.EventDecoder;
import dev.tributary.common.event.EventSchemas;
import dev.tributary.common.event.QuarantineReason;
import dev.tributary.common.layout.Partition;
import dev.tributary.processor.PartitionWriter.QuarantinedRecord;
import dev.tributary.toolkit.KplAggregator;
import dev.tributary.toolkit.KplAggregator.UserRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** KPL-aggregated records in a batch: each user record on its own, a corrupt aggregate whole, retries by aggregate. */
class BatchProcessorKplTest {
    private final BatchProcessorTest.RecordingWriter writer = new BatchProcessorTest.RecordingWriter();
    private final List<String> warnings = new ArrayList<>();
    private final BatchProcessor processor = new BatchProcessor(
            new EventDecoder(new EventSchemas(), 1024 * 1024, Duration.ofDays(1))::decode, writer, 4, warnings::add);

    /** A Kinesis record at sequence {@code 1000 + sequence} holding {@code events} as one KPL aggregate. */
    static StreamRecord aggregate(int sequence, String... events) {
        List<UserRecord> users = Arrays.stream(events)
                .map(e -> new UserRecord("pk-" + sequence, e.getBytes(StandardCharsets.UTF_8)))
                .toList();
        StreamRecord plain = record(sequence, "");
        return new StreamRecord(plain.position(), plain.arrival(), KplAggregator.aggregate(users));
    }

    private static Partition hour(int hour) {
        return Partition.of("page_view", Instant.parse("2026-11-22T00:00:00Z").plusSeconds(hour * 3600L));
    }

    @Nested
    class Grouping {
        @Test
        void process_whenMixedBatch_storesEachUserRecordOnceNamedBySequenceAndSubSequence() {
            List<StreamRecord> batch = List.of(
                    record(1, pageView("a", "2026-11-22T10:00:00Z")),
                    aggregate(
                            2,
                            pageView("b", "2026-11-22T11:00:00Z"),
                            pageView("c", "2026-11-22T10:05:00Z"),
                            "not json",
                            pageView("d", "2026-11-22T11:05:00Z")),
                    record(3, pageView("e", "2026-11-22T11:10:00Z")));

            BatchResult result = processor.process(batch);

            assertThat(writer.rawWrites.get(hour(10))).containsExactly("1001", "1002-1");
            assertThat(writer.rawWrites.get(hour(11))).containsExactly("1002-0", "1002-3", "1003");
            assertThat(writer.quarantined.getFirst()).singleElement().satisfies(q -> {
                assertThat(q.reason()).isEqualTo(QuarantineReason.NOT_JSON);
                assertThat(q.record().position().subSequenceNumber()).isEqualTo(2);
                assertThat(new String(q.record().data(), StandardCharsets.UTF_8))
                        .isEqualTo("not json");
            });
            assertThat(result.records()).isEqualTo(3);
            assertThat(result.userRecords()).isEqualTo(6);
            assertThat(result.aggregates()).isEqualTo(1);
            assertThat(result.valid()).isEqualTo(5);
            assertThat(result.quarantined()).isEqualTo(1);
        }

        @Test
        void process_whenAggregateIsCorrupt_quarantinesTheWholeKinesisRecordAsKplCorrupt() {
            StreamRecord good = aggregate(2, pageView("b", "2026-11-22T10:00:00Z"));
            byte[] broken = good.data().clone();
            broken[broken.length - 1] ^= 1;
            List<StreamRecord> batch = List.of(
                    record(1, pageView("a", "2026-11-22T10:00:00Z")),
                    new StreamRecord(good.position(), good.arrival(), broken));

            BatchResult result = processor.process(batch);

            assertThat(writer.rawWrites.get(hour(10))).containsExactly("1001");
            QuarantinedRecord quarantined = writer.quarantined.getFirst().getFirst();
            assertThat(quarantined.reason()).isEqualTo(QuarantineReason.KPL_CORRUPT);
            assertThat(quarantined.detail()).contains("MD5");
            assertThat(quarantined.record().data()).isEqualTo(broken);
            assertThat(quarantined.record().position().isSubRecord()).isFalse();
            assertThat(result.userRecords()).isEqualTo(2);
            assertThat(result.quarantined()).isEqualTo(1);
        }

        @Test
        void process_whenAggregatedUserRecordIsEmpty_quarantinesItAsEmpty() {
            BatchResult result = processor.process(List.of(aggregate(1, pageView("a", "2026-11-22T10:00:00Z"), "")));

            assertThat(writer.quarantineWrites.getFirst()).containsExactly(QuarantineReason.EMPTY);
            assertThat(result.valid()).isEqualTo(1);
        }
    }

    @Nested
    class Retries {
        @Test
        void process_whenFailedGroupStartsInsideAnAggregate_retriesFromTheAggregate() {
            writer.failWhen = partition -> partition.hour() == 11;
            List<StreamRecord> batch = List.of(
                    record(1, pageView("a", "2026-11-22T10:00:00Z")),
                    aggregate(2, pageView("b", "2026-11-22T10:01:00Z"), pageView("c", "2026-11-22T11:00:00Z")));

            // hr=11 starts at 1002-1; hr=10 holds 1001 and 1002-0, so it straddles the aggregate: all of it and
            // the records before it that share its objects are retried.
            assertThat(processor.process(batch).retryFrom()).contains("1001");
        }

        @Test
        void process_whenWrittenGroupStartsInTheSameAggregateAsTheFailedOne_retriesFromTheAggregate() {
            writer.failWhen = partition -> partition.hour() == 11;
            List<StreamRecord> batch = List.of(
                    record(1, pageView("a", "2026-11-22T09:00:00Z")),
                    aggregate(
                            2,
                            pageView("b", "2026-11-22T10:00:00Z"),
                            pageView("c", "2026-11-22T11:00:00Z"),
                            pageView("d", "2026-11-22T10:01:00Z")));

            // hr=10 (1002-0, 1002-2) starts in the failed group's aggregate: the retry, from 1002, rewrites it
            // under the same name, 1002-0. hr=9 ends before the aggregate and stays checkpointed.
            BatchResult result = processor.process(batch);

            assertThat(result.retryFrom()).contains("1002");
            assertThat(writer.rawWrites.get(hour(10))).containsExactly("1002-0", "1002-2");
        }

        @Test
        void process_whenRetriedFromTheReportedAggregate_rewritesTheSameObjectNames() {
            writer.failWhen = partition -> partition.hour() == 11;
            List<StreamRecord> batch = List.of(
                    record(1, pageView("a", "2026-11-22T09:00:00Z")),
                    aggregate(2, pageView("b", "2026-11-22T10:00:00Z"), pageView("c", "2026-11-22T11:00:00Z")),
                    record(3, pageView("d", "2026-11-22T10:30:00Z")));
            String retryFrom = processor.process(batch).retryFrom().orElseThrow();
            List<String> firstAttempt = writer.rawWrites.get(hour(10));

            writer.failWhen = partition -> false;
            writer.rawWrites.clear();
            List<StreamRecord> retry = batch.stream()
                    .dropWhile(r -> !r.position().sequenceNumber().equals(retryFrom))
                    .toList();
            BatchResult result = processor.process(retry);

            assertThat(result.retryFrom()).isEmpty();
            assertThat(writer.rawWrites.get(hour(10))).isEqualTo(firstAttempt).containsExactly("1002-0", "1003");
            assertThat(writer.rawWrites.get(hour(11))).containsExactly("1002-1");
            assertThat(writer.rawWrites).doesNotContainKey(hour(9));
        }
    }
}
