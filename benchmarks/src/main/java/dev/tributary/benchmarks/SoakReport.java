package dev.tributary.benchmarks;

import dev.tributary.devkit.ledger.PlacesReader;
import dev.tributary.devkit.ledger.RecordLedger;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** The soak's report on standard output: a line per round, then the run's figures, the ledger and the verdict. */
final class SoakReport {
    private static final double MB = 1024.0 * 1024.0;

    /**
     * What a run measured besides the samples.
     *
     * @param stages          per round: produce, process, transform and CPU seconds
     * @param ledgerBytes     the ledger's preallocated arrays, in every heap sample from round 1 on
     */
    record Run(
            List<double[]> stages,
            double seconds,
            long aggregates,
            long aggregatedRecords,
            SoakPipeline pipeline,
            long late,
            PlacesReader.BucketLines raw,
            PlacesReader.BucketLines processed,
            Map<String, Long> metadata,
            SoakLogLines logs,
            int plantedLeakBytes,
            long ledgerBytes) {}

    private final PrintStream out;

    SoakReport(PrintStream out) {
        this.out = out;
    }

    void print(List<SoakVerdict.Sample> samples, SoakVerdict.Counts counts, SoakVerdict.Result verdict, Run run) {
        SoakVerdict.Sample first = verdict.first();
        SoakVerdict.Sample last = verdict.last();
        SoakVerdict.Sample base = verdict.heapBaseline();
        double[] rates = new double[samples.size()];
        for (int i = 0; i < samples.size(); i++) {
            double previous = i == 0 ? 0 : samples.get(i - 1).seconds();
            long n = samples.get(i).events() - (i == 0 ? 0 : samples.get(i - 1).events());
            rates[i] = n / Math.max(1e-9, samples.get(i).seconds() - previous);
        }
        out.println();
        out.printf(
                "Tributary soak: %,d events through Kinesis -> processor -> S3 -> transformer, one warm handler "
                        + "each%n%n",
                counts.produced());
        out.printf(
                "  %-3s %9s %7s %9s %6s %6s %6s %6s %9s %8s %8s %5s %8s%n",
                "rnd",
                "events",
                "s",
                "events/s",
                "put s",
                "proc s",
                "xfrm s",
                "cpu s",
                "heap MB",
                "threads",
                "virtual",
                "fds",
                "sockets");
        for (int i = 0; i < samples.size(); i++) {
            SoakVerdict.Sample s = samples.get(i);
            double[] t = run.stages().get(i);
            out.printf(
                    "  %3d %,9d %7.1f %,9.0f %6.1f %6.1f %6.1f %6.1f %9.2f %8d %8d %5d %8d%n",
                    s.round(),
                    s.events(),
                    s.seconds(),
                    rates[i],
                    t[0],
                    t[1],
                    t[2],
                    t[3],
                    s.heapBytes() / MB,
                    s.threads(),
                    s.virtualThreads(),
                    s.fds(),
                    s.sockets());
        }
        out.println("  (put: PutRecords; proc: processor through the event source mapping; xfrm: transformer over the "
                + "notifications; cpu: this JVM's CPU time in the round, the rest is the emulator or other load)");
        out.println();
        SoakPipeline pipeline = run.pipeline();
        out.printf(
                "  events          %,12d in %d rounds (%,d invocations of the processor, %,d notifications to the "
                        + "transformer, %d retries, %d late)%n",
                counts.produced(),
                samples.size(),
                pipeline.invocations(),
                pipeline.notified(),
                pipeline.retries(),
                run.late());
        out.printf(
                "  KPL             %12s  %,d events in %,d aggregated Kinesis records (%.1f per aggregate)%n",
                "",
                run.aggregatedRecords(),
                run.aggregates(),
                run.aggregates() == 0 ? 0 : run.aggregatedRecords() / (double) run.aggregates());
        out.printf(
                "  elapsed         %12.1f s  (%,.0f events/s through both functions; rounds %,.0f-%,.0f "
                        + "events/s)%n",
                run.seconds(), counts.produced() / run.seconds(), min(rates), max(rates));
        out.printf(
                "  heap (post-GC)  %12s  round 1 %.2f MB, round %d %.2f MB, last %.2f MB (%+.2f MB); slope %s%n",
                "",
                first.heapBytes() / MB,
                base.round(),
                base.heapBytes() / MB,
                last.heapBytes() / MB,
                (last.heapBytes() - base.heapBytes()) / MB,
                Double.isNaN(verdict.slopeBytesPer10k())
                        ? "n/a (fewer than 3 rounds after warm-up to fit)"
                        : String.format(
                                "%+.3f MB per 10,000 events over rounds %d-%d",
                                verdict.slopeBytesPer10k() / MB, verdict.fitFrom(), last.round()));
        out.printf(
                "  threads         %12s  platform %d -> %d, virtual %d -> %d (after round 1 -> end)%n",
                "", first.threads(), last.threads(), first.virtualThreads(), last.virtualThreads());
        out.printf(
                "  descriptors     %12s  fds %d -> %d, sockets %d -> %d%n",
                "", first.fds(), last.fds(), first.sockets(), last.sockets());
        out.printf(
                "  conservation    %12s  produced %,d; raw %,d records (%,d objects), quarantined %,d (generated "
                        + "invalid %,d)%n",
                "",
                counts.produced(),
                run.raw().rawLines(),
                run.raw().rawObjects(),
                run.raw().failedLines(),
                counts.generatedInvalid());
        out.printf(
                "                  %12s  metadata %s; transformer read %,d; processed %,d records in %,d objects; "
                        + "%d batches given up, %d dead-lettered%n",
                "",
                statuses(run.metadata()),
                run.metadata().getOrDefault("records_in", 0L),
                run.processed().processedLines(),
                run.processed().processedObjects(),
                pipeline.givenUp(),
                pipeline.deadLettered());
        RecordLedger.Counts ledger = counts.ledger();
        out.printf(
                "  ledger          %12s  in %,d = processed %,d + failed %,d + dead-lettered %,d + lost %,d; "
                        + "duplicated %,d, unknown %,d (by content; %.1f MB preallocated before round 1, constant in every "
                        + "heap sample)%n",
                "",
                ledger.in(),
                ledger.output(),
                ledger.failed(),
                ledger.deadLettered(),
                ledger.lost(),
                ledger.duplicated(),
                ledger.unknown(),
                run.ledgerBytes() / MB);
        out.printf("  handler logs    %12s  %,d lines, %,d WARN/ERROR%n", "", run.logs().lines, run.logs().warnings);
        SoakVerdict.Limits limits = SoakVerdict.Limits.defaults();
        out.printf(
                "  limits          %12s  slope < %.1f MB/10k events, growth <= %.0f MB, threads +%d, fds +%d, "
                        + "sockets +%d%n",
                "",
                limits.maxSlopeBytesPer10k() / MB,
                limits.maxGrowthBytes() / MB,
                limits.threadSlack(),
                limits.fdSlack(),
                limits.socketSlack());
        if (run.plantedLeakBytes() > 0) {
            out.printf(
                    "  planted leak    %12s  %,d bytes per event kept on purpose (%.1f MB in all)%n",
                    "", run.plantedLeakBytes(), pipeline.plantedBytes() / MB);
        }
        out.printf("  verdict         %12s%n", verdict.passed() ? "PASS" : "FAIL");
        verdict.problems().forEach(problem -> out.println("                  ! " + problem));
        out.flush();
    }

    private static String statuses(Map<String, Long> metadata) {
        StringBuilder text = new StringBuilder();
        metadata.forEach((k, v) -> {
            if (k.startsWith("status:")) {
                text.append(text.isEmpty() ? "" : ", ").append(String.format("%,d %s", v, k.substring(7)));
            }
        });
        return text.isEmpty() ? "no items" : text.toString();
    }

    private static double min(double[] values) {
        double min = Double.MAX_VALUE;
        for (double v : values) {
            min = Math.min(min, v);
        }
        return min;
    }

    private static double max(double[] values) {
        double max = 0;
        for (double v : values) {
            max = Math.max(max, v);
        }
        return max;
    }
}
