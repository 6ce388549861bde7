package dev.tributary.transformer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Gunzips a stream, refusing decompression bombs: more than {@code maxBytes} decompressed, or (once past
 * {@code ratioGraceBytes}, so a tiny object of repeated text is not refused) more than {@code maxRatio} decompressed
 * bytes per compressed byte read. Deflate can reach about 1000:1; JSON Lines usually compress 5–20:1.
 *
 * <p>Multi-member gzip files (concatenated members) are read as one stream, as {@code gzip -d} does.
 */
final class LimitedGunzipStream extends InputStream {
    private static final int BUFFER_BYTES = 64 * 1024;

    private final CountingInputStream compressed;
    private final GZIPInputStream gunzip;
    private final long maxBytes;
    private final double maxRatio;
    private final long ratioGraceBytes;
    private long decompressed;

    /**
     * @throws java.util.zip.ZipException when the stream does not start with a gzip header
     * @throws java.io.EOFException       when it is empty or ends inside the header
     */
    LimitedGunzipStream(InputStream source, long maxBytes, double maxRatio, long ratioGraceBytes) throws IOException {
        this.compressed = new CountingInputStream(source);
        this.gunzip = new GZIPInputStream(compressed, BUFFER_BYTES);
        this.maxBytes = maxBytes;
        this.maxRatio = maxRatio;
        this.ratioGraceBytes = ratioGraceBytes;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = gunzip.read(buffer, offset, length);
        if (n > 0) {
            decompressed += n;
            if (decompressed > maxBytes) {
                throw new DecompressionBombException("decompresses to more than " + maxBytes + " bytes (limit "
                        + "MAX_DECOMPRESSED_BYTES)");
            }
            if (decompressed > ratioGraceBytes && decompressed > compressed.count() * maxRatio) {
                throw new DecompressionBombException(String.format(
                        "compression ratio above %.0f:1 (%d bytes from %d; limit MAX_COMPRESSION_RATIO)",
                        maxRatio, decompressed, compressed.count()));
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
