package dev.tributary.cli;

import java.io.PrintStream;

/** A one-line progress bar on standard error, redrawn in place; plain lines when not on a terminal. */
public final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final String label;
    private final long total;
    private final boolean terminal = System.console() != null;
    private final long started = System.nanoTime();
    private int lastPercent = -1;

    public ProgressBar(PrintStream out, String label, long total) {
        this.out = out;
        this.label = label;
        this.total = Math.max(1, total);
    }

    public void update(long done) {
        int percent = (int) (100 * done / total);
        if (percent == lastPercent || (!terminal && percent % 25 != 0 && done != total)) {
            return;
        }
        lastPercent = percent;
        int filled = WIDTH * percent / 100;
        double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
        String line = String.format(
                "%-10s [%s%s] %3d%% %,d/%,d  %,.0f/s",
                label, "#".repeat(filled), " ".repeat(WIDTH - filled), percent, done, total, done / seconds);
        if (terminal) {
            out.print("\r" + line + (done >= total ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }
}
