package dev.tributary.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.toolkit.LambdaEvents;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Runs the benchmark's code once, so a change that breaks the harness (or makes the offline SDK stub reject a
 * response) fails `./mvnw verify` instead of the next `scripts/bench.sh`. Timings are not checked here.
 */
class ProcessorThroughputBenchmarkTest {

    @Test
    void processBatch_whenFullBatch_handlesEveryRecordWithoutFailures() {
        for (String path : new String[] {"created", "retried"}) {
            ProcessorThroughputBenchmark benchmark = new ProcessorThroughputBenchmark();
            benchmark.gzipLevel = 6;
            benchmark.s3Path = path;
            benchmark.setUp();
            try {
                assertThat(LambdaEvents.streamsEventResponse(benchmark.processBatch())
                                .getBatchItemFailures())
                        .as(path)
                        .isEmpty();
            } finally {
                benchmark.tearDown();
            }
        }
    }

    @Test
    void batch_whenFull_isAboutSixMegabytesWithOnePercentInvalid() throws IOException {
        BenchmarkBatch batch = new BenchmarkBatch(BenchmarkBatch.FULL_BATCH_RECORDS, "shardId-000000000000", 42);

        assertThat(batch.eventJson().length).isBetween(5_500_000, 6_291_456);
        assertThat(batch.expectedInvalid()).isEqualTo(30);
        assertThat(batch.deserialise().getRecords()).hasSize(3000);
        assertThat(ProcessorThroughputBenchmark.parseAndGzip(batch, 6)).isPositive();
    }
}
