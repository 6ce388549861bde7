package dev.tributary.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The whole pipeline with storage failing underneath it: S3 writes and DynamoDB updates fail at random while the
 * processor, the transformer and the orchestrator run with Lambda's retry semantics. The demo's verdict is the
 * conservation check: records in = raw + quarantined, every raw object PROCESSED exactly once, records the
 * transformer read = raw records, Glue read = processed records, curated = valid events, and record by record: every
 * event in failed/ or (by event_id, read back from the curated Parquet) curated, exactly once.
 */
class PipelineFaultIT {

    @AfterEach
    void heal() {
        FaultPlan.disable();
    }

    @Test
    void demo_whenStorageFailsAtRandom_nothingIsLostOrDuplicated() {
        int before = FaultPlan.injected();
        long seed = ScenarioTable.seed();
        FaultPlan.enable(seed, 0.05, 0.02);
        PrintStream original = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            // The faults stop before the demo's recovery (its redrive of every dead-letter queue).
            List<String> args = new java.util.ArrayList<>(List.of(
                    "--events",
                    "1500",
                    "--invalid-share",
                    "0.03",
                    "--batch-size",
                    "100",
                    "--seed",
                    Long.toString(seed)));
            args.addAll(GlueStage.demoArgs());
            code = new CommandLine(new DemoCommand(FaultPlan::disable)).execute(args.toArray(String[]::new));
        } finally {
            System.setOut(original);
            System.setErr(originalErr);
            FaultPlan.disable();
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        int injected = FaultPlan.injected() - before;
        System.out.println("pipeline-faults: injected=" + injected + "\n" + output);

        assertThat(injected).as("faults must actually have been injected").isPositive();
        assertThat(output).containsPattern("[1-9][0-9]* partial\\s+failures|[1-9][0-9]* retries");
        assertThat(code).as(output).isZero();
        assertThat(output).containsPattern("unaccounted\\s+0\\n");
        // The per-record ledger: each event followed by its bytes to failed/ or by its content to the curated
        // tables; after the redrive nothing waits on a dead-letter queue.
        assertThat(output)
                .containsPattern("per event\\s+in 1,500 = " + GlueStage.output() + " [\\d,]+ \\+ failed "
                        + "[\\d,]+ \\+ dead-lettered 0 \\+ lost 0;\\s+duplicated 0\\n");
        if (!GlueStage.optedOut()) {
            assertThat(output).contains("SUCCEEDED");
        }
        publish(injected, output);
    }

    /** The failure matrix's row: what the seed decided, read from the demo's summary. */
    private static void publish(int injected, String output) {
        java.util.regex.Matcher partial =
                java.util.regex.Pattern.compile("(\\d+) partial\\s+failures").matcher(output);
        java.util.regex.Matcher retries =
                java.util.regex.Pattern.compile("(\\d+) retries").matcher(output);
        java.util.regex.Matcher ledger =
                java.util.regex.Pattern.compile("per event\\s+(in [^\\n]*)").matcher(output);
        assertThat(partial.find() && retries.find() && ledger.find()).as(output).isTrue();
        ScenarioTable table = new ScenarioTable(PipelineFaultIT.class);
        table.add(
                "demo_whenStorageFailsAtRandom_nothingIsLostOrDuplicated",
                "the whole pipeline while S3 writes (5 %) "
                        + "and DynamoDB updates (2 %) fail at random, through a global SDK interceptor every client in the JVM "
                        + "gets (`FaultPlan`), 1,500 events",
                injected + " faults injected, " + partial.group(1)
                        + " partial batch failures, " + retries.group(1) + " transformer retries; "
                        + ledger.group(1).replaceAll("\\s+", " ").strip());
        table.publish();
    }
}
