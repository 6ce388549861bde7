package dev.tributary.common.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.json.Json;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Streams JSON Lines into a gzip sink, one record per line, counting what it wrote.
 *
 * <p>Nothing is held beyond the deflater's window and a 64 KiB buffer, so the same writer serves a 1 KB batch
 * object and a 256 MB transformed one. A line must not contain a raw line break; {@link #writeJson} re-serialises
 * compactly, so only {@link #writeLine} callers need to care (see {@link #isSingleLine}).
 */
public final class GzipJsonLinesWriter implements Closeable {
    /** Deflate level used unless a caller chooses another: the JDK default, the usual size/speed balance. */
    public static final int DEFAULT_LEVEL = Deflater.DEFAULT_COMPRESSION;

    private static final int BUFFER_BYTES = 64 * 1024;

    private final OutputStream out;
    private long records;
    private long uncompressedBytes;

    /** A writer at {@link #DEFAULT_LEVEL}. */
    public GzipJsonLinesWriter(OutputStream sink) throws IOException {
        this(sink, DEFAULT_LEVEL);
    }

    /** A writer at deflate {@code level} (1 fastest … 9 smallest). */
    public GzipJsonLinesWriter(OutputStream sink, int level) throws IOException {
        this(sink, level, BUFFER_BYTES);
    }

    /**
     * A writer at deflate {@code level} with two buffers of {@code bufferBytes} (lines in, deflated bytes out):
     * smaller ones for the many small objects of one batch, whose buffers would otherwise outweigh their content.
     */
    public GzipJsonLinesWriter(OutputStream sink, int level, int bufferBytes) throws IOException {
        GZIPOutputStream gzip = new GZIPOutputStream(sink, bufferBytes) {
            {
                def.setLevel(level);
            }
        };
        // Records are small: buffer them so the deflater sees large writes, not one call per line.
        this.out = new BufferedOutputStream(gzip, bufferBytes);
    }

    /** Whether {@code json} holds no CR or LF byte and so can be written as one line as it is. */
    public static boolean isSingleLine(byte[] json) {
        for (byte b : json) {
            if (b == '\n' || b == '\r') {
                return false;
            }
        }
        return true;
    }

    /**
     * Writes one record given as JSON text, followed by {@code \n}.
     *
     * @throws IllegalArgumentException if the text contains a line break
     */
    public void writeLine(byte[] json) throws IOException {
        if (!isSingleLine(json)) {
            throw new IllegalArgumentException("a JSON Lines record must not contain a line break");
        }
        out.write(json);
        out.write('\n');
        records++;
        uncompressedBytes += json.length + 1L;
    }

    /** Serialises {@code node} compactly as one line. */
    public void writeJson(JsonNode node) throws IOException {
        writeLine(Json.mapper().writeValueAsBytes(node));
    }

    /** Records written. */
    public long records() {
        return records;
    }

    /** Bytes written before compression, newlines included. */
    public long uncompressedBytes() {
        return uncompressedBytes;
    }

    /** Finishes the gzip stream and closes the sink. */
    @Override
    public void close() throws IOException {
        out.close();
    }
}
