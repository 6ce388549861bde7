package dev.tributary.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The Glue stage going wrong end to end, with the per-event ledger reading the curated Iceberg tables afterwards
 * (pyiceberg): a run that dies after its table commits but before its summary (the orchestrator retries the window;
 * the retry finds every event already curated by the same window and commits nothing twice), and a run whose
 * state-change event never arrives (the next tick reconciles it with GetJobRun).
 * Needs the local Glue runtime, which scripts/test.sh installs (GLUE_PYTHON, SPARK_JAVA_HOME).
 */
class GlueRecoveryIT {

    @Test
    void demo_whenTheFirstRunFailsMidWrite_theRetryCuratesEachEventOnce() {
        String output = demo("RUN_FAILS_MIDWAY");

        assertThat(output)
                .containsPattern("Glue run \\S+ FAILED \\(log: injected failure after the run's table "
                        + "commits, before its summary\\)");
        // The retry met the dead run's commits: the ledger (in demo()) finds each event once, not twice.
        assertThat(output).containsPattern("Glue run \\S+ SUCCEEDED");
    }

    @Test
    void demo_whenTheStateChangeEventIsLost_theNextTickReconcilesAndNothingRunsTwice() {
        String output = demo("STATE_EVENT_LOST");

        assertThat(output).containsOnlyOnce("Glue run ").containsPattern("Glue run \\S+ SUCCEEDED");
    }

    private static String demo(String glueFault) {
        assertThat(LocalGlueRunner.available())
                .as("the local Glue runtime is missing: run through scripts/test.sh, or `source scripts/lib.sh && "
                        + "ensure_glue_env` first")
                .isTrue();
        PrintStream original = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            code = TributaryDev.commandLine()
                    .execute(
                            "demo",
                            "--events",
                            "400",
                            "--invalid-share",
                            "0.05",
                            "--batch-size",
                            "100",
                            "--seed",
                            "5",
                            "--glue-fault",
                            glueFault);
        } finally {
            System.setOut(original);
            System.setErr(originalErr);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        System.out.println("glue fault " + glueFault + ":\n" + output);
        assertThat(code).as(output).isZero();
        assertThat(output)
                .containsPattern("per event\\s+in 400 = curated [\\d,]+ \\+ failed [\\d,]+ "
                        + "\\+ dead-lettered 0 \\+ lost 0;"
                        + "\\s+duplicated 0\\n");
        return output;
    }
}
