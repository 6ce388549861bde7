package dev.tributary.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.common.json.Json;
import dev.tributary.devkit.ledger.RecordLedger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The soak's verdict: slope arithmetic, leak bounds and the per-record conservation ledger, without an emulator. */
class SoakVerdictTest {
    private static final long MB = 1024 * 1024;
    private static final SoakVerdict.Limits LIMITS = SoakVerdict.Limits.defaults();

    @Test
    void slope_whenPointsOnALine_isItsGradient() {
        assertThat(SoakVerdict.slope(new double[] {0, 1, 2, 3}, new double[] {5, 7, 9, 11}))
                .isEqualTo(2.0);
    }

    @Test
    void slope_whenNoisyAroundALine_isTheLeastSquaresFit() {
        // y = x + noise {+1, -1, -1, +1}: symmetric noise leaves the fitted gradient at 1 exactly.
        assertThat(SoakVerdict.slope(new double[] {0, 1, 2, 3}, new double[] {1, 0, 1, 4}))
                .isCloseTo(1.0, within(1e-12));
    }

    @Test
    void slope_whenOnePointOrNoSpread_isNaN() {
        assertThat(SoakVerdict.slope(new double[] {1}, new double[] {1})).isNaN();
        assertThat(SoakVerdict.slope(new double[] {2, 2}, new double[] {1, 3})).isNaN();
    }

    @Test
    void fitStart_whenManyRounds_isTheSecondHalfAndNeverRoundOne() {
        assertThat(SoakVerdict.fitStart(20)).isEqualTo(10);
        assertThat(SoakVerdict.fitStart(4)).isEqualTo(1); // widened to 3 points: rounds 2-4
        assertThat(SoakVerdict.fitStart(2)).isEqualTo(1);
        assertThat(SoakVerdict.fitStart(1)).isEqualTo(1);
    }

    @Test
    void judge_whenHeapFlatAndResourcesSteady_passes() {
        List<SoakVerdict.Sample> samples = run(20, round -> 40 * MB + (round % 2) * 200_000, 0);

        SoakVerdict.Result result = SoakVerdict.judge(samples, balanced(100_000), LIMITS);

        assertThat(result.problems()).isEmpty();
        assertThat(result.passed()).isTrue();
        assertThat(result.fitFrom()).isEqualTo(11);
        assertThat(Math.abs(result.slopeBytesPer10k())).isLessThan(0.1 * MB);
    }

    @Test
    void judge_whenWarmUpRoundIsLowButRestIsFlat_passes() {
        // Round 1 is below the rest (caches still filling): neither the fit nor the growth bound look at it.
        List<SoakVerdict.Sample> samples = run(20, round -> round == 1 ? 20 * MB : 45 * MB, 0);

        assertThat(SoakVerdict.judge(samples, balanced(100_000), LIMITS).passed())
                .isTrue();
    }

    @Test
    void judge_whenHeapGrowsPerEvent_failsOnSlope() {
        // 300 bytes kept per event: 3 MB per 10,000 events.
        List<SoakVerdict.Sample> samples = run(20, round -> 40 * MB + round * 5_000L * 300, 0);

        SoakVerdict.Result result = SoakVerdict.judge(samples, balanced(100_000), LIMITS);

        assertThat(result.slopeBytesPer10k()).isCloseTo(3_000_000.0, within(1.0));
        assertThat(result.problems()).anySatisfy(p -> assertThat(p).startsWith("heap grows 2.86 MB per 10,000"));
    }

    @Test
    void judge_whenHeapGrowsJustUnderTheSlopeLimit_passesTheFitButFailsOnGrowthOverALongRun() {
        // 40 bytes per event (0.38 MB per 10,000) over 200,000 events: 7.6 MB from round 2 on.
        List<SoakVerdict.Sample> samples = run(40, round -> 40 * MB + round * 5_000L * 40, 0);

        SoakVerdict.Result result = SoakVerdict.judge(samples, balanced(200_000), LIMITS);

        assertThat(result.problems()).singleElement().asString().startsWith("heap grew 7.2 MB from round 2");
    }

    @Test
    void judge_whenHeapJumpsLateOnly_failsOnGrowth() {
        // Flat, then one step of 20 MB in the last round: the growth bound names it, whatever the fit makes of it.
        List<SoakVerdict.Sample> samples = run(20, round -> round == 20 ? 60 * MB : 40 * MB, 0);

        SoakVerdict.Result result = SoakVerdict.judge(samples, balanced(100_000), LIMITS);

        assertThat(result.problems()).anySatisfy(p -> assertThat(p).startsWith("heap grew 20.0 MB from round 2"));
    }

    @Test
    void judge_whenTooFewRoundsToFit_skipsSlopeButKeepsGrowthBound() {
        // 3 rounds: the fit would have rounds 2-3 only (round 1 is warm-up), too few for a slope.
        List<SoakVerdict.Sample> samples = run(3, round -> 40 * MB + round * 5 * MB, 0);

        SoakVerdict.Result result = SoakVerdict.judge(samples, balanced(15_000), LIMITS);

        assertThat(result.slopeBytesPer10k()).isNaN();
        assertThat(result.problems()).singleElement().asString().startsWith("heap grew 5.0 MB from round 2 to round 3");
    }

    @Test
    void judge_whenThreadsOrSocketsAccumulate_failsWithBothNamed() {
        List<SoakVerdict.Sample> samples = new ArrayList<>(run(20, round -> 40 * MB, 0));
        SoakVerdict.Sample last = samples.removeLast();
        samples.add(new SoakVerdict.Sample(
                last.round(),
                last.events(),
                last.seconds(),
                last.heapBytes(),
                last.threads() + 3,
                last.virtualThreads(),
                last.fds() + 40,
                last.sockets() + 40));

        SoakVerdict.Result result = SoakVerdict.judge(samples, balanced(100_000), LIMITS);

        assertThat(result.problems())
                .containsExactly(
                        "platform threads: 23 at the end, 20 after round 1 (limit +2)",
                        "file descriptors: 82 at the end, 41 after round 1 (limit +8)",
                        "sockets: 47 at the end, 6 after round 1 (limit +8)");
    }

    @Test
    void judge_whenThreadsWithinSlack_passes() {
        List<SoakVerdict.Sample> samples = run(20, round -> 40 * MB, 2);

        assertThat(SoakVerdict.judge(samples, balanced(100_000), LIMITS).passed())
                .isTrue();
    }

    @Test
    void judge_whenResourceUnknown_skipsItsBound() {
        List<SoakVerdict.Sample> samples = List.of(
                new SoakVerdict.Sample(1, 5_000, 1, 40 * MB, 20, -1, -1, -1),
                new SoakVerdict.Sample(2, 10_000, 2, 40 * MB, 20, -1, -1, -1));

        assertThat(SoakVerdict.judge(samples, balanced(10_000), LIMITS).passed())
                .isTrue();
    }

    @Test
    void judge_whenNoSamples_throws() {
        assertThatThrownBy(() -> SoakVerdict.judge(List.of(), balanced(0), LIMITS))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void problems_whenEverythingAccountedFor_isEmpty() {
        assertThat(balanced(100_000).problems()).isEmpty();
    }

    @Test
    void problems_whenOneRecordLostAndAnotherDuplicated_failsThoughTotalsBalance() {
        RecordLedger ledger = new RecordLedger();
        String[] events = {event("e-1", 1), event("e-2", 2), event("e-3", 3)};
        for (int i = 0; i < events.length; i++) {
            ledger.accepted(
                    new RecordLedger.Position("s/shard-0", Integer.toString(i + 1), RecordLedger.NOT_AGGREGATED),
                    events[i].getBytes(StandardCharsets.UTF_8));
        }
        // e-2 never arrives, e-1 arrives twice: three rows for three events, as the totals wanted.
        RecordLedger.Places places = new RecordLedger.Places()
                .output(processed(events[0]))
                .output(processed(events[0]))
                .output(processed(events[2]));

        RecordLedger.Counts reconciled = ledger.reconcile(places);
        SoakVerdict.Counts counts = new SoakVerdict.Counts(3, 0, reconciled, 1, 1, 0);

        assertThat(reconciled.output() + reconciled.lost() + reconciled.duplicated())
                .isEqualTo(3);
        assertThat(counts.problems())
                .contains(
                        "1 records lost (in no place, by content)", "1 records duplicated", "e.g. lost: s/shard-0 #2");
        assertThat(SoakVerdict.judge(run(20, round -> 40 * MB, 0), counts, LIMITS)
                        .passed())
                .isFalse();
    }

    @Test
    void problems_whenOutputCorrupted_countsLostAndUnknown() {
        RecordLedger ledger = new RecordLedger();
        String sent = event("e-1", 1);
        ledger.accepted(
                new RecordLedger.Position("s/shard-0", "1", RecordLedger.NOT_AGGREGATED),
                sent.getBytes(StandardCharsets.UTF_8));
        ObjectNode damaged = processed(sent);
        ((ObjectNode) damaged.get("payload")).put("value", 99.5);

        SoakVerdict.Counts counts =
                new SoakVerdict.Counts(1, 0, ledger.reconcile(new RecordLedger.Places().output(damaged)), 1, 1, 0);

        assertThat(counts.problems())
                .contains(
                        "1 records lost (in no place, by content)",
                        "1 rows or lines no accepted record has (corrupted, truncated, relabelled or never produced)");
    }

    @Test
    void problems_whenValidRecordsQuarantinedOrObjectsUnprocessed_namesEachDisagreement() {
        SoakVerdict.Counts counts = new SoakVerdict.Counts(
                100_000,
                1_000,
                new RecordLedger.Counts(100_000, 98_990, 1_010, 0, 0, 0, 0, 0, List.of()),
                2_000,
                1_999,
                1);

        assertThat(counts.problems())
                .containsExactly(
                        "quarantined 1010 records, generated invalid 1000",
                        "1999 of 2000 raw objects PROCESSED, 1 in another status");
    }

    @Test
    void problems_whenRecordsDeadLettered_reportsThem() {
        SoakVerdict.Counts counts =
                new SoakVerdict.Counts(10, 0, new RecordLedger.Counts(10, 8, 0, 2, 0, 0, 0, 0, List.of()), 1, 1, 0);

        assertThat(counts.problems()).containsExactly("2 records wait on a dead-letter queue");
    }

    @Test
    void problems_whenLedgerHoldsFewerRecordsThanProduced_saysSo() {
        SoakVerdict.Counts counts =
                new SoakVerdict.Counts(10, 0, new RecordLedger.Counts(9, 9, 0, 0, 0, 0, 0, 0, List.of()), 1, 1, 0);

        assertThat(counts.problems()).containsExactly("the ledger holds 9 accepted records, 10 events were produced");
    }

    /** A sensor reading (a type without a PII policy: the transformer keeps its payload as sent). */
    private static String event(String id, int second) {
        return "{\"event_id\":\"" + id + "\",\"event_type\":\"sensor_reading\",\"event_time\":\"2026-11-22T10:15:0"
                + second + "Z\",\"source\":\"soak\",\"schema_version\":1,\"payload\":{\"device_id\":\"d-1\","
                + "\"metric\":\"temperature\",\"value\":21.5}}";
    }

    /** The transformer's documented output line for {@code sent} (docs/transformer.md, "Output record"). */
    private static ObjectNode processed(String sent) {
        try {
            ObjectNode line = (ObjectNode) Json.mapper().readTree(sent);
            line.put(
                    "event_time_ms",
                    java.time.Instant.parse(line.remove("event_time").asText()).toEpochMilli());
            line.put("ingest_lag_ms", 1200);
            return line;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code rounds} rounds of 5,000 events, heap from {@code heap}, threads drifting by {@code threadDrift}. */
    private static List<SoakVerdict.Sample> run(
            int rounds, java.util.function.IntToLongFunction heap, int threadDrift) {
        List<SoakVerdict.Sample> samples = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            int threads = 20 + (round == rounds ? threadDrift : 0);
            samples.add(new SoakVerdict.Sample(
                    round,
                    round * 5_000L,
                    round * 10.0,
                    heap.applyAsLong(round),
                    threads,
                    0,
                    40 + round % 3,
                    5 + round % 3));
        }
        return samples;
    }

    private static SoakVerdict.Counts balanced(long produced) {
        long invalid = produced / 100;
        return new SoakVerdict.Counts(
                produced,
                invalid,
                new RecordLedger.Counts(produced, produced - invalid, invalid, 0, 0, 0, 0, 0, List.of()),
                produced / 50,
                produced / 50,
                0);
    }
}
