package dev.tributary.benchmarks;

import java.io.PrintStream;

/** A one-line progress bar on standard error, redrawn in place; a line per round when not on a terminal. */
final class SoakProgress {
    private static final int WIDTH = 30;
    private static final double MB = 1024.0 * 1024.0;
    private final PrintStream err;
    private final long total;
    private final int rounds;
    private final boolean terminal =
            System.console() != null && System.console().isTerminal();
    private final long started = System.nanoTime();
    private long lastDraw;
    private int round;
    private String stage = "";
    private String last = "";

    SoakProgress(PrintStream err, long total, int rounds) {
        this.err = err;
        this.total = Math.max(1, total);
        this.rounds = rounds;
    }

    void stage(int round, String stage) {
        this.round = round;
        this.stage = stage;
    }

    void update(long done, String detail) {
        long now = System.nanoTime();
        if (terminal && now - lastDraw > 200_000_000L) {
            lastDraw = now;
            stage = stage.split(" ")[0] + " " + detail;
            draw(done, true);
        }
    }

    void sampled(long done, SoakVerdict.Sample sample) {
        last = String.format(
                "  heap %.1f MB  threads %d  fds %d  sockets %d",
                sample.heapBytes() / MB, sample.threads(), sample.fds(), sample.sockets());
        stage = "sampled";
        draw(done, terminal);
    }

    void done() {
        if (terminal) {
            err.println();
        }
    }

    private void draw(long done, boolean inPlace) {
        int percent = (int) (100 * done / total);
        int filled = WIDTH * percent / 100;
        double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
        String line = String.format(
                "soak [%s%s] %3d%% %,d/%,d  round %d/%d  %-24s %,.0f events/s%s",
                "#".repeat(filled),
                " ".repeat(WIDTH - filled),
                percent,
                done,
                total,
                round,
                rounds,
                stage,
                done / seconds,
                last);
        if (inPlace) {
            err.print("\r" + line + "\033[K");
        } else {
            err.println(line);
        }
        err.flush();
    }
}
