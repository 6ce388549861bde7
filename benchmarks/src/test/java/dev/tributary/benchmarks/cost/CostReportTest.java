package dev.tributary.benchmarks.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the Glue job's cost per record is taken from the counters of local runs. */
class CostReportTest {
    private static com.fasterxml.jackson.databind.node.ObjectNode counters(
            long records, double seconds, double cpuSeconds) {
        return Json.mapper()
                .createObjectNode()
                .put("glue.records_in", records)
                .put("glue.seconds", seconds)
                .put("glue.cpu_seconds", cpuSeconds)
                .put("cores", 2);
    }

    @Test
    void glueFit_whenTwoRunsHaveCpuTimes_fitsCpuSecondsAgainstRecords() {
        // 2,000 records in 60 CPU-s, 10,000 in 100 CPU-s: 40 CPU-s per 8,000 records = 5 ms each, 50 s fixed.
        CostModel.GlueFit fit = CostReport.glueFit(List.of(counters(10_000, 900, 100), counters(2_000, 700, 60)));
        assertThat(fit.coreSecondsPerRecord()).isCloseTo(0.005, within(1e-12));
        assertThat(fit.fixedSeconds()).isCloseTo(50, within(1e-9));
        assertThat(fit.basis()).contains("CPU seconds", "10,000, 2,000");
    }

    @Test
    void glueFit_whenGlueOnlyRunsAreGiven_takesTheSlopeFromThemAndTheFixedCostFromTheDemo() {
        // One-window runs: 2,000 records in 100 CPU-s, 30,000 in 170 CPU-s: 70 CPU-s per 28,000 = 2.5 ms each. The demo
        // run: 10,000 records in 250 CPU-s, of which 25 per record: 225 s fixed.
        JsonNode small = counters(2_000, 0, 100).put("kind", "glue-bench");
        JsonNode large = counters(30_000, 0, 170).put("kind", "glue-bench");
        CostModel.GlueFit fit = CostReport.glueFit(List.of(counters(10_000, 700, 250), small, large));
        assertThat(fit.coreSecondsPerRecord()).isCloseTo(0.0025, within(1e-12));
        assertThat(fit.fixedSeconds()).isCloseTo(225, within(1e-9));
        assertThat(fit.basis()).contains("2.500 ms CPU per record", "225 s fixed");
    }

    @Test
    void glueFit_whenCpuTimeDoesNotGrowWithRecords_refusesWithTheRemedy() {
        assertThatThrownBy(() -> CostReport.glueFit(List.of(counters(10_000, 900, 60), counters(2_000, 700, 90))))
                .hasMessageContaining("two clearly different sizes");
    }

    @Test
    void glueFit_whenOneRunOnly_chargesItsWallTimePerRecordAsAnUpperBound() {
        CostModel.GlueFit fit = CostReport.glueFit(List.of(counters(10_000, 500, 100)));
        assertThat(fit.fixedSeconds()).isZero();
        assertThat(fit.coreSecondsPerRecord()).isCloseTo(500.0 * 2 / 10_000, within(1e-12));
        assertThat(fit.basis()).contains("upper bound");
    }
}
