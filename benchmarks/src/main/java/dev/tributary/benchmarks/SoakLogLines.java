package dev.tributary.benchmarks;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** The handlers' standard output: counted (lines, WARN/ERROR lines), not kept. */
final class SoakLogLines extends OutputStream {
    private static final byte[] WARN = "\"level\":\"WARN\"".getBytes(StandardCharsets.UTF_8);
    private static final byte[] ERROR = "\"level\":\"ERROR\"".getBytes(StandardCharsets.UTF_8);
    private final byte[] head = new byte[96]; // the level is among a line's first fields
    private int length;
    volatile long lines;
    volatile long warnings;

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            lines++;
            if (contains(WARN) || contains(ERROR)) {
                warnings++;
            }
            length = 0;
        } else if (length < head.length) {
            head[length++] = (byte) b;
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    private boolean contains(byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (head[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
