package dev.tributary.devkit;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;

/** Runs a command-line entry point with {@code System.out} and {@code System.err} captured, for its tests. */
public final class ConsoleCapture {
    private ConsoleCapture() {}

    /** What the command returned and printed. */
    public record Result(int code, String out, String err) {}

    /**
     * Runs {@code command} with both standard streams captured (UTF-8) and restored afterwards, whatever it throws.
     * Commands that print through their own writers should build them inside {@code command}, from the swapped streams.
     */
    public static synchronized Result run(IntSupplier command) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = command.getAsInt();
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }
}
