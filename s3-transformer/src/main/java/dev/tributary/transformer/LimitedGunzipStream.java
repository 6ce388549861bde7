package dev.tributary.transformer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Gunzips a stream, refusing decompression bombs: more than {@code maxBytes} decompressed. There is deliberately no
 * ratio limit: valid records (padding, repeated text) compress up to deflate's own maximum (about 1032:1), and the
 * absolute bound already stops a bomb after {@code maxBytes} of work, whatever its ratio
 * (see {@link StreamTransformer.Limits#MAX_RAW_OBJECT_BYTES} for why that bound holds every object the processor
 * writes).
 *
 * <p>Memory is constant: a 64 KiB input buffer and the inflater's 32 KiB window; decompressed bytes are handed to the
 * caller's buffer and never accumulated here.
 *
 * <p>Multi-member gzip files (concatenated members) are read as one stream, as {@code gzip -d} does.
 */
final class LimitedGunzipStream extends InputStream {
    private static final int BUFFER_BYTES = 64 * 1024;

    private final CountingInputStream compressed;
    private final GZIPInputStream gunzip;
    private final long maxBytes;
    private long decompressed;

    /**
     * @throws java.util.zip.ZipException when the stream does not start with a gzip header
     * @throws java.io.EOFException       when it is empty or ends inside the header
     */
    LimitedGunzipStream(InputStream source, long maxBytes) throws IOException {
        this.compressed = new CountingInputStream(source);
        this.gunzip = new GZIPInputStream(compressed, BUFFER_BYTES);
        this.maxBytes = maxBytes;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        // Never ask for more than one byte past the limit, so a bomb is refused after at most maxBytes + 1 of work.
        long allowed = maxBytes - decompressed + 1;
        int n = gunzip.read(buffer, offset, (int) Math.min(length, allowed));
        if (n > 0) {
            decompressed += n;
            if (decompressed > maxBytes) {
                throw new DecompressionBombException(String.format(
                        "decompresses to more than %d bytes from %d "
                                + "compressed bytes read (limit MAX_DECOMPRESSED_BYTES: more than the kinesis-processor can "
                                + "write into one raw object)",
                        maxBytes, compressed.count()));
            }
        }
        return n;
    }

    /** Bytes decompressed so far. */
    long decompressedBytes() {
        return decompressed;
    }

    /** Compressed bytes read from the source so far. */
    long compressedBytes() {
        return compressed.count();
    }

    @Override
    public void close() throws IOException {
        gunzip.close();
    }

    /** Counts the bytes read through it. */
    static final class CountingInputStream extends FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }

        long count() {
            return count;
        }
    }
}
