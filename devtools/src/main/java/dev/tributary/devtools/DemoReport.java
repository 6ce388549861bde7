package dev.tributary.devtools;

import dev.tributary.devkit.ledger.RecordLedger;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The demo's summary: what landed where, the ledger's line, the verdict's problems, and the buckets as trees. */
final class DemoReport {
    private DemoReport() {}

    static void print(PrintStream out, int events, DemoRun.Result r) {
        out.println();
        out.printf("Tributary demo: %,d events through Kinesis -> processor -> S3 -> transformer -> Glue%n%n", events);
        out.printf(
                "  records in      %,10d%s%n",
                events,
                r.produced().aggregates() == 0
                        ? ""
                        : String.format(
                                " in %,d Kinesis records (%,d of them in %,d KPL aggregates)",
                                r.produced().kinesisRecords(),
                                r.produced().aggregatedRecords(),
                                r.produced().aggregates()));
        out.printf(
                "  raw             %,10d records in %d objects (%d invocations of batch size %d; %d partial "
                        + "failures, %d bisections)%n",
                r.raw().rawRecords,
                r.raw().rawObjects,
                r.processing().invocations(),
                r.settings().batchSize(),
                r.processing().partialFailures(),
                r.processing().bisections());
        out.printf(
                "  quarantined     %,10d records in %d failed/ objects, %d notices on the quarantine queue "
                        + "(dead-letter queue: %d given-up batches)%n",
                r.raw().failedRecords, r.raw().failedObjects, r.quarantineNotices(), r.givenUpBatches());
        out.printf(
                "  processed       %,10d records in %d objects (%d notifications, %d retries, %d dead-lettered; "
                        + "%d duplicates dropped)%n",
                r.processed().dataRecords,
                r.processed().dataObjects,
                r.transformed().notifications(),
                r.transformed().retries(),
                r.transformed().deadLettered(),
                r.metadata().getOrDefault("records_in", 0L) - r.metadata().getOrDefault("records_out", 0L));
        if (r.recovery().needed()) {
            out.printf(
                    "  redriven        %10s processor %d, transformer %d, orchestrator %d dead-letter messages "
                            + "(tributary redrive … --execute, exit codes %s)%n",
                    "",
                    r.recovery().processorMessages(),
                    r.recovery().transformerMessages(),
                    r.recovery().orchestratorMessages(),
                    r.recovery().exits());
        }
        printGlue(out, r);
        printLedger(out, r.ledger(), r.outputName());
        out.printf(
                "  iam             %,10d calls of 3 functions authorized against their template roles, %d denied%n",
                r.deployment().iamGate().evaluated(), r.deployment().denials().size());
        out.printf("  unaccounted     %10s%n", r.problems().isEmpty() ? "0" : "MISMATCH");
        r.problems().forEach(problem -> out.println("                  ! " + problem));
        out.printf("  elapsed         %10.1f s  (%,.0f events/s end to end)%n%n", r.seconds(), events / r.seconds());
        for (var bucket : List.of(
                Map.entry("RawBucket", r.raw()),
                Map.entry("ProcessedBucket", r.processed()),
                Map.entry("CuratedBucket", r.curatedFiles()))) {
            out.println("s3://" + r.deployment().physicalId(bucket.getKey()) + "/");
            List<String> prefixes = new ArrayList<>(bucket.getValue().partitions.keySet());
            for (int i = 0; i < prefixes.size(); i++) {
                long[] counts = bucket.getValue().partitions.get(prefixes.get(i));
                out.printf(
                        "  %s %-56s %4d object%s%s%n",
                        i == prefixes.size() - 1 ? "└──" : "├──",
                        prefixes.get(i),
                        counts[0],
                        counts[0] == 1 ? " " : "s",
                        counts[1] > 0 ? String.format(" %,8d records", counts[1]) : "");
            }
        }
        out.printf(
                "%nmetadata table %s, dead-letter queue: %s, quarantine queue: %s%n",
                r.deployment().physicalId("MetadataTable"),
                r.deployment().physicalId("ProcessorDeadLetterQueue"),
                r.deployment().physicalId("QuarantineQueue"));
    }

    private static void printGlue(PrintStream out, DemoRun.Result r) {
        PipelineStages.GlueReport glue = r.glue();
        if (glue == null) {
            out.println("  curated         (Glue stage skipped: " + r.glueSkipped() + ")");
            return;
        }
        for (int i = 0; i < glue.outcomes().size(); i++) {
            LocalGlueRunner.Outcome o = glue.outcomes().get(i);
            out.printf(
                    "  curated         %,10d records, Glue run %s %s in %.0f s (%d duplicates)%n",
                    o.summary() == null ? 0 : o.summary().path("records_out").asLong(),
                    glue.runs().get(i),
                    o.succeeded() ? "SUCCEEDED" : "FAILED (log: " + o.log() + ")",
                    o.seconds(),
                    o.summary() == null ? 0 : o.summary().path("duplicates").asLong());
        }
        if (glue.outcomes().isEmpty()) {
            out.println("  curated         no Glue run was started: " + glue.tickOutcomes());
        }
    }

    /** The conservation ledger's line: every record followed by its content to its one place. */
    private static void printLedger(PrintStream out, RecordLedger.Counts counts, String outputName) {
        out.printf(
                "  per event       in %,d = %s %,d + failed %,d + dead-lettered %,d + lost %,d;  duplicated %,d%s%n",
                counts.in(),
                outputName,
                counts.output(),
                counts.failed(),
                counts.deadLettered(),
                counts.lost(),
                counts.duplicated(),
                counts.unknown() + counts.withoutReason() > 0
                        ? String.format(
                                ";  unknown %,d, " + "quarantined without a reason %,d",
                                counts.unknown(), counts.withoutReason())
                        : "");
        counts.examples().forEach(example -> out.println("                  ! " + example));
        if (counts.deadLettered() > 0) {
            out.println("                  (dead-lettered records wait for `tributary redrive kinesis|transformer`)");
        }
    }
}
