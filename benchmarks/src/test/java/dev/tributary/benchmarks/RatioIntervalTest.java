package dev.tributary.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RatioIntervalTest {
    @Test
    void of_whenEveryRunIsTwiceTheReference_isTwoWithNoSpread() {
        RatioInterval ratio = RatioInterval.of(new double[] {200, 200, 200}, new double[] {100, 100, 100, 100});

        assertThat(ratio).isEqualTo(new RatioInterval(2, 2, 2));
    }

    @Test
    void of_whenRunsSpread_isTheRatioOfMediansInsideItsInterval() {
        double[] measured = {300, 320, 350, 400, 900};
        double[] reference = {100, 110, 120, 130, 300};

        RatioInterval ratio = RatioInterval.of(measured, reference);

        assertThat(ratio.ratio()).isCloseTo(350.0 / 120, within(1e-9));
        assertThat(ratio.low()).isLessThan(ratio.ratio()).isGreaterThan(1);
        assertThat(ratio.high()).isGreaterThan(ratio.ratio());
        assertThat(RatioInterval.of(measured, reference)).as("seeded").isEqualTo(ratio);
    }

    @Test
    void percentile_whenBetweenRanks_interpolatesInclusively() {
        double[] values = {40, 10, 30, 20};

        assertThat(RatioInterval.percentile(values, 0)).isEqualTo(10);
        assertThat(RatioInterval.percentile(values, 1)).isEqualTo(40);
        assertThat(RatioInterval.median(values)).isEqualTo(25);
        assertThat(RatioInterval.percentile(values, 0.1)).isCloseTo(13, within(1e-9));
    }
}
