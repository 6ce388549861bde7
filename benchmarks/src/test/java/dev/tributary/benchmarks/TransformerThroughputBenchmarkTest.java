package dev.tributary.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Runs the transformer benchmark's code once (no timing): the harness must keep working as the transformer evolves. */
class TransformerThroughputBenchmarkTest {

    @Test
    void transformObject_whenRawPageViewObject_transformsEveryRecord() throws Exception {
        TransformerThroughputBenchmark benchmark = new TransformerThroughputBenchmark();
        benchmark.gzipLevel = 6;
        benchmark.setUp();

        assertThat(benchmark.records).isGreaterThan(4000);
        assertThat(benchmark.transformObject().recordsOut()).isEqualTo(benchmark.records);
        assertThat(benchmark.floorGunzipGzip()).isPositive();
    }
}
