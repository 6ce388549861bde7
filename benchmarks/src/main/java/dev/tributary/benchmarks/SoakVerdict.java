package dev.tributary.benchmarks;

import dev.tributary.devkit.ledger.RecordLedger;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a soak run ({@link SoakHarness}) leaked, and whether every event is accounted for: pure arithmetic on the
 * samples taken after each round, so it is unit-tested without an emulator.
 *
 * <p>Heap is judged on the used heap after a full collection ({@code System.gc()}), i.e. the live set: its
 * least-squares slope over the second half of the run (round 1 is always left out: class loading, JIT, caches
 * filling), and its growth from the first round after warm-up to the last. Platform threads, virtual threads, file
 * descriptors and sockets at the end are compared with their count after round 1, when every pool, client and
 * keep-alive connection a warm container holds exists already. The harness's own per-record ledger is allocated in
 * full before round 1 ({@link RecordLedger#preallocated}), so it is the same in every sample and the limits below
 * measure the handlers alone.
 */
public final class SoakVerdict {
    private static final double MB = 1024.0 * 1024.0;

    /**
     * What is measured after one round.
     *
     * @param round          1-based
     * @param events         events produced so far (cumulative)
     * @param seconds        seconds since the first round started
     * @param heapBytes      used heap after {@code System.gc()}
     * @param threads        live platform threads (ThreadMXBean)
     * @param virtualThreads live virtual threads (HotSpot thread dump), -1 when unknown
     * @param fds            open file descriptors, -1 when unknown
     * @param sockets        open sockets ({@code /proc/self/fd}), -1 when unknown
     */
    public record Sample(
            int round,
            long events,
            double seconds,
            long heapBytes,
            int threads,
            int virtualThreads,
            long fds,
            long sockets) {}

    /**
     * The thresholds.
     *
     * @param maxSlopeBytesPer10k largest heap slope over the second half, bytes per 10,000 events
     * @param maxGrowthBytes      largest heap growth from the first post-warm-up round to the last
     * @param threadSlack         platform (and, separately, virtual) threads the end may exceed round 1 by
     * @param fdSlack             file descriptors the end may exceed round 1 by
     * @param socketSlack         sockets the end may exceed round 1 by
     */
    public record Limits(
            long maxSlopeBytesPer10k, long maxGrowthBytes, int threadSlack, long fdSlack, long socketSlack) {
        /**
         * The defaults, and why (the figures measured are from 100,000-event runs on moto; see the report the harness
         * prints, which shows every round's sample):
         *
         * <ul>
         *   <li>slope below 0.5 MB per 10,000 events (about 52 bytes per event): what a leak typically keeps per record
         *       is above it (a record's line; its event id as a String in a set: 40-byte String plus its entry; not a
         *       bare boxed number in a list, ~20 bytes), and
         *       so is ~2.6 KB kept per S3 object (~190 raw objects per 10,000 events) or ~24 KB per invocation (~22
         *       per 10,000 events). A healthy run measures under 0.01 MB per 10,000 events over rounds 11-20 of
         *       100,000 events (about 0.06 in a 20,000-event run, whose fit starts at round 2 while caches still
         *       settle), with round-to-round noise of at most ~70 KB: the limit is far enough above a clean run not
         *       to flake, and under any per-record leak ({@code --plant-leak 100}, 100 bytes per event, measures
         *       1.24 MB per 10,000 and fails).</li>
         *   <li>growth at most 4 MB from round 2 to the last: a healthy run grows ~0.15 MB (caches settling in the
         *       first rounds); a step the fit could smooth over, or a leak just under the slope limit in a longer run,
         *       trips it. 4 MB is 0.6 % of the ~640 MB heap of the processor's 1,024 MB function.</li>
         *   <li>threads +2: a warm container's pools (virtual-thread carriers, the JDK's I/O pollers) exist after
         *       round 1; the HTTP keep-alive timer thread comes and goes with idle connections, and a carrier may be
         *       added under a busier round; a per-invocation leak adds one per batch (~11 per round).</li>
         *   <li>file descriptors and sockets +8: the JDK's HTTP keep-alive cache keeps up to 5 idle connections per
         *       endpoint ({@code http.maxConnections}) where the server allows keep-alive (AWS does; moto closes every
         *       connection), so the count may move by a few between rounds; a per-request leak adds hundreds to
         *       thousands per round.</li>
         * </ul>
         */
        public static Limits defaults() {
            return new Limits((long) (0.5 * MB), 4L * (long) MB, 2, 8, 8);
        }
    }

    /**
     * Where every event ended, by content: the per-record ledger ({@link RecordLedger}) follows each user record the
     * stream accepted, by the digests of its bytes and of its expected output, to exactly one of {@code processed/},
     * {@code failed/} or a dead-letter queue. Totals are not compared: a lost record and a duplicated one would
     * balance them.
     *
     * @param produced          events the harness put on the stream
     * @param generatedInvalid  of which deliberately invalid: they, and only they, belong in {@code failed/}
     * @param ledger            the ledger's reconciliation
     * @param rawObjects        objects under {@code raw/}
     * @param metadataProcessed metadata items with status PROCESSED (each raw object's transformation finished)
     * @param metadataOther     metadata items with any other status
     */
    public record Counts(
            long produced,
            long generatedInvalid,
            RecordLedger.Counts ledger,
            long rawObjects,
            long metadataProcessed,
            long metadataOther) {

        /** Each disagreement, in words; empty when every event is in exactly one place, as the content shows. */
        public List<String> problems() {
            List<String> problems = new ArrayList<>();
            check(
                    problems,
                    ledger.in() == produced,
                    "the ledger holds " + ledger.in() + " accepted records, " + produced + " events were produced");
            check(problems, ledger.lost() == 0, ledger.lost() + " records lost (in no place, by content)");
            check(problems, ledger.duplicated() == 0, ledger.duplicated() + " records duplicated");
            check(
                    problems,
                    ledger.unknown() == 0,
                    ledger.unknown() + " rows or lines no accepted record has "
                            + "(corrupted, truncated, relabelled or never produced)");
            check(problems, ledger.withoutReason() == 0, ledger.withoutReason() + " quarantined without a reason");
            // The soak injects no fault: a dead letter is a handler failing under load, not a planned outcome.
            check(
                    problems,
                    ledger.deadLettered() == 0,
                    ledger.deadLettered() + " records wait on a dead-letter " + "queue");
            check(
                    problems,
                    ledger.failed() == generatedInvalid,
                    "quarantined " + ledger.failed() + " records, generated invalid " + generatedInvalid);
            check(
                    problems,
                    metadataProcessed == rawObjects && metadataOther == 0,
                    metadataProcessed + " of " + rawObjects + " raw objects PROCESSED, " + metadataOther
                            + " in another status");
            if (!problems.isEmpty()) {
                ledger.examples().forEach(example -> problems.add("e.g. " + example));
            }
            return problems;
        }
    }

    /**
     * The verdict.
     *
     * @param slopeBytesPer10k heap slope over {@code fitFrom..last}, bytes per 10,000 events; NaN with fewer than 3
     *                         points
     * @param fitFrom          the first round of the fit (1-based)
     * @param heapBaseline     the round heap growth is measured from
     * @param problems         what failed, in words; empty when the run passed
     */
    public record Result(
            double slopeBytesPer10k,
            int fitFrom,
            Sample heapBaseline,
            Sample first,
            Sample last,
            List<String> problems) {
        public boolean passed() {
            return problems.isEmpty();
        }
    }

    private SoakVerdict() {}

    /** Judges the samples (one per round, in order) and the end counts against {@code limits}. */
    public static Result judge(List<Sample> samples, Counts counts, Limits limits) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples: the soak ran no round");
        }
        List<String> problems = new ArrayList<>();
        Sample first = samples.getFirst();
        Sample last = samples.getLast();
        Sample baseline = samples.size() > 1 ? samples.get(1) : first;

        int fitFrom = fitStart(samples.size());
        List<Sample> fitted = samples.subList(fitFrom, samples.size());
        double slope = fitted.size() >= 3 ? slopePer10k(fitted) : Double.NaN;
        if (!Double.isNaN(slope) && slope > limits.maxSlopeBytesPer10k()) {
            problems.add(String.format(
                    "heap grows %.2f MB per 10,000 events over rounds %d-%d (limit %.2f MB)",
                    slope / MB, fitFrom + 1, last.round(), limits.maxSlopeBytesPer10k() / MB));
        }
        long growth = last.heapBytes() - baseline.heapBytes();
        if (growth > limits.maxGrowthBytes()) {
            problems.add(String.format(
                    "heap grew %.1f MB from round %d to round %d (limit %.1f MB)",
                    growth / MB, baseline.round(), last.round(), limits.maxGrowthBytes() / MB));
        }
        bounded(problems, "platform threads", first.threads(), last.threads(), limits.threadSlack());
        bounded(problems, "virtual threads", first.virtualThreads(), last.virtualThreads(), limits.threadSlack());
        bounded(problems, "file descriptors", first.fds(), last.fds(), limits.fdSlack());
        bounded(problems, "sockets", first.sockets(), last.sockets(), limits.socketSlack());
        problems.addAll(counts.problems());
        return new Result(slope, fitFrom + 1, baseline, first, last, List.copyOf(problems));
    }

    /**
     * The 0-based index the heap fit starts at: the second half of the rounds, widened to at least 3 points when
     * there are enough, never including round 1 (warm-up).
     */
    static int fitStart(int rounds) {
        return Math.max(1, Math.min(rounds / 2, rounds - 3));
    }

    /** Least-squares slope of heap bytes against cumulative events, scaled to bytes per 10,000 events. */
    static double slopePer10k(List<Sample> samples) {
        double[] x = new double[samples.size()];
        double[] y = new double[samples.size()];
        for (int i = 0; i < samples.size(); i++) {
            x[i] = samples.get(i).events();
            y[i] = samples.get(i).heapBytes();
        }
        return slope(x, y) * 10_000;
    }

    /** Ordinary least-squares slope of y on x; NaN with fewer than 2 points or no spread in x. */
    static double slope(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("x and y differ in length");
        }
        int n = x.length;
        if (n < 2) {
            return Double.NaN;
        }
        double meanX = 0;
        double meanY = 0;
        for (int i = 0; i < n; i++) {
            meanX += x[i];
            meanY += y[i];
        }
        meanX /= n;
        meanY /= n;
        double covariance = 0;
        double variance = 0;
        for (int i = 0; i < n; i++) {
            covariance += (x[i] - meanX) * (y[i] - meanY);
            variance += (x[i] - meanX) * (x[i] - meanX);
        }
        return variance == 0 ? Double.NaN : covariance / variance;
    }

    private static void bounded(List<String> problems, String what, long first, long last, long slack) {
        if (first >= 0 && last >= 0 && last > first + slack) {
            problems.add(what + ": " + last + " at the end, " + first + " after round 1 (limit +" + slack + ")");
        }
    }

    private static void check(List<String> problems, boolean ok, String problem) {
        if (!ok) {
            problems.add(problem);
        }
    }
}
