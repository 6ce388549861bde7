package dev.tributary.transformer;

import java.io.IOException;
import java.io.InputStream;

/**
 * Splits a byte stream into lines ({@code \n}, optionally preceded by {@code \r}) without decoding them. A line that
 * lies within the read buffer is returned in place; only one that spans two reads is copied.
 *
 * <p>Not thread-safe.
 */
final class LineReader {
    /** A line longer than the limit. */
    static final class LineTooLongException extends IOException {
        private static final long serialVersionUID = 1L;

        LineTooLongException(String message) {
            super(message);
        }
    }

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    private boolean eof;
    private byte[] assembled = new byte[8 * 1024];
    private byte[] lineArray;
    private int lineOffset;
    private int lineLength;
    private long lineNumber;

    LineReader(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /** Advances to the next line; false at the end of the stream. */
    boolean next() throws IOException {
        int assembledLength = 0;
        boolean spanning = false;
        while (true) {
            if (position == limit) {
                if (eof || !fill()) {
                    if (!spanning) {
                        return false;
                    }
                    setLine(assembled, 0, assembledLength); // last line without a trailing newline
                    return true;
                }
            }
            int newline = -1;
            for (int i = position; i < limit; i++) {
                if (buffer[i] == '\n') {
                    newline = i;
                    break;
                }
            }
            int end = newline < 0 ? limit : newline;
            int count = end - position;
            if (!spanning && newline >= 0) {
                setLine(buffer, position, count);
                position = newline + 1;
                return true;
            }
            if (assembledLength + count > maxLineBytes) {
                throw new LineTooLongException("line " + (lineNumber + 1) + " is longer than " + maxLineBytes
                        + " bytes (limit MAX_LINE_BYTES)");
            }
            if (assembledLength + count > assembled.length) {
                assembled = java.util.Arrays.copyOf(
                        assembled, Math.min(maxLineBytes, Math.max(assembled.length * 2, assembledLength + count)));
            }
            System.arraycopy(buffer, position, assembled, assembledLength, count);
            assembledLength += count;
            spanning = true;
            if (newline >= 0) {
                position = newline + 1;
                setLine(assembled, 0, assembledLength);
                return true;
            }
            position = limit;
        }
    }

    private void setLine(byte[] array, int offset, int length) throws IOException {
        if (length > maxLineBytes) {
            throw new LineTooLongException(
                    "line " + (lineNumber + 1) + " is longer than " + maxLineBytes + " bytes (limit MAX_LINE_BYTES)");
        }
        if (length > 0 && array[offset + length - 1] == '\r') {
            length--;
        }
        lineArray = array;
        lineOffset = offset;
        lineLength = length;
        lineNumber++;
    }

    private boolean fill() throws IOException {
        int n = in.read(buffer, 0, buffer.length);
        if (n < 0) {
            eof = true;
            position = limit = 0;
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    /** The current line's bytes: {@link #offset()} to {@code offset() + length()}; valid until the next call. */
    byte[] array() {
        return lineArray;
    }

    int offset() {
        return lineOffset;
    }

    int length() {
        return lineLength;
    }

    /** 1-based number of the current line. */
    long lineNumber() {
        return lineNumber;
    }

    /** Whether the current line holds only spaces and tabs. */
    boolean isBlank() {
        for (int i = lineOffset; i < lineOffset + lineLength; i++) {
            byte b = lineArray[i];
            if (b != ' ' && b != '\t') {
                return false;
            }
        }
        return true;
    }
}
