package dev.tributary.devkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.devkit.RuntimeInterfaceEmulator.Invocation;
import dev.tributary.devkit.RuntimeInterfaceEmulator.Outcome;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RuntimeInterfaceEmulatorTest {
    @Nested
    class OutcomeOfAnAnswer {
        @Test
        void outcome_whenRuntimeReportedAnError_isFunctionError() {
            String error = "{\"errorMessage\":\"boom\",\"errorType\":\"java.lang.IllegalStateException\","
                    + "\"stackTrace\":[\"a.B.c(B.java:1)\"]}";

            assertThat(RuntimeInterfaceEmulator.outcome(200, error)).isEqualTo(Outcome.FUNCTION_ERROR);
        }

        @Test
        void outcome_whenResponseMerelyHasAnErrorMessageField_isSuccess() {
            String response = "{\"errorMessage\":\"none\",\"errorType\":\"x\",\"batchItemFailures\":[]}";

            assertThat(RuntimeInterfaceEmulator.outcome(200, response)).isEqualTo(Outcome.SUCCESS);
            assertThat(RuntimeInterfaceEmulator.outcome(200, "{\"batchItemFailures\":[]}"))
                    .isEqualTo(Outcome.SUCCESS);
            assertThat(RuntimeInterfaceEmulator.outcome(200, "not json")).isEqualTo(Outcome.SUCCESS);
        }

        @Test
        void outcome_whenEmulatorStoppedTheInvocation_isTimeout() {
            assertThat(RuntimeInterfaceEmulator.outcome(200, "Task timed out after 60.00 seconds"))
                    .isEqualTo(Outcome.TIMEOUT);
        }

        @Test
        void outcome_whenInitFailed_isFunctionError() {
            assertThat(RuntimeInterfaceEmulator.outcome(502, "")).isEqualTo(Outcome.FUNCTION_ERROR);
        }
    }

    @Test
    void heapFlag_whenMemoryGiven_isEightyFivePercentInKib() {
        assertThat(RuntimeInterfaceEmulator.heapFlag(1536)).isEqualTo("-XX:MaxHeapSize=1336935k");
        assertThat(RuntimeInterfaceEmulator.heapFlag(1024)).isEqualTo("-XX:MaxHeapSize=891290k");
    }

    @Test
    void reportLine_whenColdInvoke_hasLambdasFieldsInLambdasOrder() {
        Invocation cold = new Invocation(
                Outcome.SUCCESS,
                200,
                "{}",
                "8f5c1c4e-0000-4000-8000-000000000001",
                OptionalDouble.of(812.345),
                101.2,
                178,
                1024,
                0);
        Invocation warm = new Invocation(Outcome.SUCCESS, 200, "{}", "id", OptionalDouble.empty(), 3.0, -1, 512, 0);

        assertThat(cold.reportLine())
                .isEqualTo("REPORT RequestId: 8f5c1c4e-0000-4000-8000-000000000001\t"
                        + "Init Duration: 812.35 ms\tDuration: 101.20 ms\tBilled Duration: 102 ms\tMemory Size: 1024 MB\t"
                        + "Max Memory Used: 178 MB");
        assertThat(warm.reportLine()).doesNotContain("Init Duration").endsWith("Max Memory Used: n/a");
    }
}
