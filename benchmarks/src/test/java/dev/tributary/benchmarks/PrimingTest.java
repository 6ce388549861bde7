package dev.tributary.benchmarks;

import static org.assertj.core.api.Assertions.assertThatCode;

import dev.tributary.benchmarks.processor.OfflineProcessor;
import dev.tributary.benchmarks.processor.PrimedAtInitKinesisProcessorHandler;
import org.junit.jupiter.api.Test;

/** The SnapStart priming batch must go through the whole handler without a failure (it throws on one). */
class PrimingTest {

    @Test
    void prime_whenRunOffline_completesWithoutBatchFailures() {
        assertThatCode(() -> PrimedAtInitKinesisProcessorHandler.prime(OfflineProcessor.config(6)))
                .doesNotThrowAnyException();
    }
}
