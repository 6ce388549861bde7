package dev.tributary.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.devkit.ledger.RecordLedger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ConservationVerdictTest {
    private static final Map<String, Long> METADATA =
            Map.of("status:PROCESSED", 12L, "records_in", 990L, "records_out", 990L);
    private static final RecordLedger.Counts BALANCED =
            new RecordLedger.Counts(1000, 990, 10, 0, 0, 0, 0, 0, List.of());
    private static final List<ConservationVerdict.GlueRun> ONE_RUN =
            List.of(new ConservationVerdict.GlueRun(true, 990, 990));

    private static ConservationVerdict.Facts facts(
            RecordLedger.Counts ledger,
            List<ConservationVerdict.GlueRun> glue,
            boolean skipRequested,
            long rawRecords,
            long deadLettersLeft) {
        return new ConservationVerdict.Facts(
                1000,
                10,
                rawRecords,
                12,
                10,
                2,
                990,
                METADATA,
                glue,
                skipRequested,
                0,
                ledger,
                2,
                deadLettersLeft,
                List.of());
    }

    @Nested
    class WhenComplete {
        @Test
        void problems_whenEveryCountAgrees_isEmpty() {
            assertThat(ConservationVerdict.problems(facts(BALANCED, ONE_RUN, false, 990, 0)))
                    .isEmpty();
        }

        @Test
        void problems_whenGlueSkippedOnRequest_isEmpty() {
            assertThat(ConservationVerdict.problems(facts(BALANCED, null, true, 990, 0)))
                    .isEmpty();
        }
    }

    @Nested
    class DeadLetters {
        @Test
        void problems_whenRecordsStillDeadLettered_namesThemAndStillChecksEveryTotal() {
            RecordLedger.Counts waiting = new RecordLedger.Counts(1000, 890, 10, 100, 0, 0, 0, 0, List.of());

            List<String> problems = ConservationVerdict.problems(facts(waiting, ONE_RUN, false, 890, 3));

            assertThat(problems)
                    .anyMatch(p -> p.contains("100 records and 3 messages still on dead-letter queues"))
                    .anyMatch(p -> p.startsWith("raw + quarantined = 900"))
                    .anyMatch(p -> p.contains("890 in the output, valid events 990"));
        }

        @Test
        void problems_whenOnlyMessagesLeft_isNotComplete() {
            assertThat(ConservationVerdict.problems(facts(BALANCED, ONE_RUN, false, 990, 1)))
                    .containsExactly("0 records and 1 messages still on dead-letter queues after the redrive");
        }
    }

    @Nested
    class Glue {
        @Test
        void problems_whenGlueCouldNotRunAndNoSkipRequested_failsWithInstruction() {
            assertThat(ConservationVerdict.problems(facts(BALANCED, null, false, 990, 0)))
                    .singleElement()
                    .asString()
                    .contains("GLUE_PYTHON", "--skip-glue");
        }

        @Test
        void problems_whenCuratedTotalDiffers_namesIt() {
            List<ConservationVerdict.GlueRun> short1 = List.of(new ConservationVerdict.GlueRun(true, 990, 980));

            assertThat(ConservationVerdict.problems(facts(BALANCED, short1, false, 990, 0)))
                    .containsExactly("curated 980, valid events 990");
        }

        @Test
        void problems_whenLastRunFailed_namesIt() {
            List<ConservationVerdict.GlueRun> failed = List.of(new ConservationVerdict.GlueRun(false, 0, 0));

            assertThat(ConservationVerdict.problems(facts(BALANCED, failed, false, 990, 0)))
                    .anyMatch(p -> p.contains("the last FAILED"));
        }
    }

    @Nested
    class Ledger {
        @Test
        void problems_whenLedgerFindsUnknownRows_isNotComplete() {
            RecordLedger.Counts damaged = new RecordLedger.Counts(1000, 989, 10, 0, 1, 0, 1, 0, List.of());

            assertThat(ConservationVerdict.problems(facts(damaged, ONE_RUN, false, 990, 0)))
                    .anyMatch(p -> p.contains("lost 1, duplicated 0, unknown 1"));
        }

        @Test
        void problems_whenARoleWasDenied_listsTheDenial() {
            ConservationVerdict.Facts denied = new ConservationVerdict.Facts(
                    1000,
                    10,
                    990,
                    12,
                    10,
                    2,
                    990,
                    METADATA,
                    ONE_RUN,
                    false,
                    0,
                    BALANCED,
                    2,
                    0,
                    List.of("s3:PutObject denied"));

            assertThat(ConservationVerdict.problems(denied)).containsExactly("s3:PutObject denied");
        }
    }
}
