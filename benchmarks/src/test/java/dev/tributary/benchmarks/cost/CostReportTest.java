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
    private static JsonNode counters(long records, double seconds, double cpuSeconds) {
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
