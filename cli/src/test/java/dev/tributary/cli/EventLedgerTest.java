package dev.tributary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventLedgerTest {
    private final EventLedger ledger = new EventLedger();

    @BeforeEach
    void produce() {
        ledger.produced("shard-0", "1", "{\"event_id\":\"a\",\"event_type\":\"page_view\"}");
        ledger.produced("shard-0", "2", "{\"event_id\":\"b\",\"event_type\":\"page_view\"}");
        ledger.produced("shard-1", "3", "[\"not\",\"an\",\"event\"]");
        ledger.produced("shard-1", "4", "{\"event_id\":\"c\",\"truncated");
    }

    @Test
    void reconcile_whenEveryRecordHasOnePlace_isBalanced() {
        EventLedger.Counts counts = ledger.reconcile(List.of(failed("shard-1", "3"), failed("shard-1", "4")),
                List.of("a", "b"));

        assertThat(counts).extracting(EventLedger.Counts::in, EventLedger.Counts::curated, EventLedger.Counts::failed,
                EventLedger.Counts::lost, EventLedger.Counts::duplicated).containsExactly(4L, 2L, 2L, 0L, 0L);
        assertThat(counts.balanced()).isTrue();
    }

    @Test
    void reconcile_whenAnEventIsNowhere_countsItLostAndNamesIt() {
        EventLedger.Counts counts = ledger.reconcile(List.of(failed("shard-1", "3"), failed("shard-1", "4")),
                List.of("a"));

        assertThat(counts.lost()).isEqualTo(1);
        assertThat(counts.balanced()).isFalse();
        assertThat(counts.examples()).containsExactly("lost: shard-0 #2 event_id b");
    }

    @Test
    void reconcile_whenCuratedTwice_countsItDuplicated() {
        EventLedger.Counts counts = ledger.reconcile(List.of(failed("shard-1", "3"), failed("shard-1", "4")),
                List.of("a", "b", "b"));

        assertThat(counts.duplicated()).isEqualTo(1);
        assertThat(counts.curated()).isEqualTo(1);
        assertThat(counts.balanced()).isFalse();
    }

    @Test
    void reconcile_whenQuarantinedTwice_countsItDuplicated() {
        EventLedger.Counts counts = ledger.reconcile(
                List.of(failed("shard-1", "3"), failed("shard-1", "3"), failed("shard-1", "4")), List.of("a", "b"));

        assertThat(counts.duplicated()).isEqualTo(1);
    }

    @Test
    void reconcile_whenQuarantinedAndAlsoCurated_countsItDuplicated() {
        EventLedger.Counts counts = ledger.reconcile(
                List.of(failed("shard-0", "2"), failed("shard-1", "3"), failed("shard-1", "4")), List.of("a", "b"));

        assertThat(counts.duplicated()).isEqualTo(1);
        assertThat(counts.examples()).singleElement().asString().startsWith("duplicated: shard-0 #2");
    }

    @Test
    void reconcile_whenAProducerDuplicateIsQuarantinedAndItsTwinCurated_isBalanced() {
        ledger.produced("shard-0", "5", "{\"event_id\":\"a\",\"event_type\":\"../x\"}");

        EventLedger.Counts counts = ledger.reconcile(
                List.of(failed("shard-1", "3"), failed("shard-1", "4"), failed("shard-0", "5")), List.of("a", "b"));

        assertThat(counts.balanced()).isTrue();
        assertThat(counts.failed()).isEqualTo(3);
    }

    @Test
    void reconcile_whenACuratedIdWasNeverProduced_countsItUnexpected() {
        EventLedger.Counts counts = ledger.reconcile(List.of(failed("shard-1", "3"), failed("shard-1", "4")),
                List.of("a", "b", "zzz"));

        assertThat(counts.unexpected()).isEqualTo(1);
        assertThat(counts.balanced()).isFalse();
        assertThat(counts.examples()).containsExactly("curated but never produced: zzz");
    }

    @Test
    void reconcile_whenAQuarantinedLineHasNoReason_isNotBalanced() {
        EventLedger.Counts counts = ledger.reconcile(
                List.of(failed("shard-1", "3"), new EventLedger.Quarantined("shard-1", "4", " ")), List.of("a", "b"));

        assertThat(counts.withoutReason()).isEqualTo(1);
        assertThat(counts.balanced()).isFalse();
    }

    @Test
    void reconcile_whenRecordsWaitOnTheDeadLetterQueues_countsThemDeadLetteredNotLost() {
        EventLedger.DeadLettered deadLetters = new EventLedger.DeadLettered(
                List.of(new EventLedger.SequenceRange("shard-1", "3", "4")), List.of("b"));

        EventLedger.Counts counts = ledger.reconcile(List.of(), List.of("a"), deadLetters);

        assertThat(counts).extracting(EventLedger.Counts::curated, EventLedger.Counts::deadLettered,
                EventLedger.Counts::lost).containsExactly(1L, 3L, 0L);
        assertThat(counts.balanced()).isTrue();
    }

    @Test
    void reconcile_whenASequenceIsOutsideTheDeadLetteredRange_isStillLost() {
        EventLedger.DeadLettered deadLetters = new EventLedger.DeadLettered(
                List.of(new EventLedger.SequenceRange("shard-1", "4", "9")), List.of());

        EventLedger.Counts counts = ledger.reconcile(List.of(), List.of("a", "b"), deadLetters);

        assertThat(counts.lost()).isEqualTo(1);
        assertThat(counts.examples()).containsExactly("lost: shard-1 #3 (no event_id)");
    }

    @org.junit.jupiter.api.Nested
    class KplAggregates {
        private final EventLedger aggregated = new EventLedger();

        @BeforeEach
        void produce() {
            aggregated.produced("shard-0", "7", 0, "{\"event_id\":\"x\"}");
            aggregated.produced("shard-0", "7", 1, "not json");
            aggregated.produced("shard-0", "7", 2, "{\"event_id\":\"y\"}");
            aggregated.produced("shard-0", "8", 0, "{\"event_id\":\"z1\"}");
            aggregated.produced("shard-0", "8", 1, "{\"event_id\":\"z2\"}");
        }

        @Test
        void reconcile_whenEachUserRecordHasOnePlace_followsThemBySubSequence() {
            EventLedger.Counts counts = aggregated.reconcile(List.of(
                    new EventLedger.Quarantined("shard-0", "7", 1, "not_json"),
                    new EventLedger.Quarantined("shard-0", "8", "kpl_corrupt")), List.of("x", "y"));

            assertThat(counts).extracting(EventLedger.Counts::in, EventLedger.Counts::curated,
                    EventLedger.Counts::failed, EventLedger.Counts::lost).containsExactly(5L, 2L, 3L, 0L);
            assertThat(counts.balanced()).isTrue();
        }

        @Test
        void reconcile_whenAQuarantinedLineNamesAnotherSubRecord_theUnnamedOneIsLost() {
            EventLedger.Counts counts = aggregated.reconcile(List.of(
                    new EventLedger.Quarantined("shard-0", "7", 0, "not_json"),
                    new EventLedger.Quarantined("shard-0", "8", "kpl_corrupt")), List.of("y"));

            assertThat(counts.lost()).isEqualTo(1);
            assertThat(counts.examples()).contains("lost: shard-0 #7-1 (no event_id)");
        }

        @Test
        void reconcile_whenAnAggregateIsCorruptButOneOfItsRecordsIsCurated_countsItDuplicated() {
            EventLedger.Counts counts = aggregated.reconcile(List.of(
                    new EventLedger.Quarantined("shard-0", "7", 1, "not_json"),
                    new EventLedger.Quarantined("shard-0", "8", "kpl_corrupt")), List.of("x", "y", "z2"));

            assertThat(counts.duplicated()).isEqualTo(1);
        }
    }

    private static EventLedger.Quarantined failed(String shard, String sequence) {
        return new EventLedger.Quarantined(shard, sequence, "schema_violation");
    }
}
