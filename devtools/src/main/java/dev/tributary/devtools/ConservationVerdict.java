package dev.tributary.devtools;

import dev.tributary.devkit.ledger.RecordLedger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Whether a demo run is complete: every count that must agree, each disagreement a problem. Pure: the run gathers
 * the {@link Facts}, this judges them. Every total is checked whatever the ledger says (a run with dead letters
 * left after its redrive fails on them, it does not skip the totals).
 */
final class ConservationVerdict {
    /** One Glue run: whether it succeeded and, if so, its summary's records in and out. */
    record GlueRun(boolean succeeded, long recordsIn, long recordsOut) {}

    /**
     * What a run observed.
     *
     * @param glueRuns             the Glue runs in order, or {@code null} when the Glue stage did not run
     * @param glueSkippedByRequest the stage was skipped on purpose ({@code --skip-glue}); a stage skipped for any
     *                             other reason (no local Glue runtime) is a failure, not a weaker check
     * @param deadLettersLeft      messages still on the three dead-letter queues after the recovery
     */
    record Facts(
            long events,
            long expectedInvalid,
            long rawRecords,
            long rawObjects,
            long failedRecords,
            long failedObjects,
            long processedRecords,
            Map<String, Long> metadata,
            List<GlueRun> glueRuns,
            boolean glueSkippedByRequest,
            long injectedGlueFailures,
            RecordLedger.Counts ledger,
            long quarantineNotices,
            long deadLettersLeft,
            List<String> denials) {}

    private ConservationVerdict() {}

    /** The problems of a run; empty when it is complete. */
    static List<String> problems(Facts f) {
        List<String> problems = new ArrayList<>();
        RecordLedger.Counts ledger = f.ledger();
        check(
                problems,
                ledger.in() == f.events(),
                "the stream accepted " + ledger.in() + " of " + f.events() + " records");
        check(
                problems,
                ledger.balanced(),
                "record by record: lost " + ledger.lost() + ", duplicated "
                        + ledger.duplicated() + ", unknown " + ledger.unknown() + ", without a reason "
                        + ledger.withoutReason());
        check(
                problems,
                ledger.deadLettered() == 0 && f.deadLettersLeft() == 0,
                ledger.deadLettered() + " records and " + f.deadLettersLeft()
                        + " messages still on dead-letter queues after the redrive");
        long valid = f.events() - f.expectedInvalid();
        check(
                problems,
                ledger.output() == valid,
                "record by record: " + ledger.output() + " in the output, valid " + "events " + valid);
        check(
                problems,
                ledger.failed() == f.expectedInvalid(),
                "record by record: " + ledger.failed() + " quarantined, generated invalid " + f.expectedInvalid());
        check(
                problems,
                f.rawRecords() + f.failedRecords() == f.events(),
                "raw + quarantined = " + (f.rawRecords() + f.failedRecords()) + ", records in = " + f.events());
        check(
                problems,
                f.failedRecords() == f.expectedInvalid(),
                "quarantined " + f.failedRecords() + ", generated invalid " + f.expectedInvalid());
        check(
                problems,
                f.failedObjects() == 0 || f.quarantineNotices() > 0,
                f.failedObjects() + " failed/ objects but no quarantine notice");
        long processedObjects = f.metadata().getOrDefault("status:PROCESSED", 0L);
        check(
                problems,
                processedObjects == f.rawObjects(),
                processedObjects + " of " + f.rawObjects() + " raw objects PROCESSED");
        long transformerIn = f.metadata().getOrDefault("records_in", 0L);
        check(
                problems,
                transformerIn == f.rawRecords(),
                "transformer read " + transformerIn + " of " + f.rawRecords() + " raw records");
        long transformerOut = f.metadata().getOrDefault("records_out", 0L);
        check(
                problems,
                f.processedRecords() == transformerOut,
                "processed objects hold " + f.processedRecords() + " records, metadata says " + transformerOut);
        if (f.glueRuns() == null) {
            check(
                    problems,
                    f.glueSkippedByRequest(),
                    "the Glue stage did not run: set GLUE_PYTHON and "
                            + "SPARK_JAVA_HOME (scripts/demo.sh sets them) or pass --skip-glue to stop after the transformer");
        } else {
            glue(problems, f, valid);
        }
        f.denials().forEach(problems::add); // every call a role did not allow is a defect, whatever it cost
        return problems;
    }

    private static void glue(List<String> problems, Facts f, long valid) {
        List<GlueRun> runs = f.glueRuns();
        long failedRuns = runs.stream().filter(run -> !run.succeeded()).count();
        check(
                problems,
                !runs.isEmpty() && runs.getLast().succeeded() && failedRuns == f.injectedGlueFailures(),
                "Glue runs: " + runs.size() + ", failed: " + failedRuns + " (injected " + f.injectedGlueFailures()
                        + "), the last "
                        + (runs.isEmpty() ? "none" : runs.getLast().succeeded() ? "SUCCEEDED" : "FAILED"));
        long glueIn = runs.stream()
                .filter(GlueRun::succeeded)
                .mapToLong(GlueRun::recordsIn)
                .sum();
        check(
                problems,
                glueIn == f.processedRecords(),
                "Glue read " + glueIn + " of " + f.processedRecords() + " processed records");
        // Sample events have unique ids: every valid one is curated exactly once. After a run that died mid-write,
        // the retry's counts depend on what the dead run left: the ledger checks each event instead.
        if (failedRuns == 0) {
            long out = runs.stream().mapToLong(GlueRun::recordsOut).sum();
            check(problems, out == valid, "curated " + out + ", valid events " + valid);
        }
    }

    private static void check(List<String> problems, boolean ok, String problem) {
        if (!ok) {
            problems.add(problem);
        }
    }
}
