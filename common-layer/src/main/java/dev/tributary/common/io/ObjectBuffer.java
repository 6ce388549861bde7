package dev.tributary.common.io;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * An in-memory object body: an {@link OutputStream} that grows, then hands its bytes to an upload without copying
 * them, with the SHA-256 that S3 checks on arrival.
 *
 * <p>Not thread-safe. For bodies that fit comfortably in memory (the kinesis-processor's, bounded by the 6 MB
 * invoke payload); large objects stream through multipart uploads instead.
 */
public final class ObjectBuffer extends OutputStream {
    private byte[] bytes;
    private int length;
    /** The digest of the current contents: an object's SHA-256 is needed for its PUT and its metadata item. */
    private String sha256Base64;

    /** A buffer with {@code initialCapacity} bytes reserved. */
    public ObjectBuffer(int initialCapacity) {
        this.bytes = new byte[Math.max(16, initialCapacity)];
    }

    @Override
    public void write(int b) {
        sha256Base64 = null;
        ensure(1);
        bytes[length++] = (byte) b;
    }

    @Override
    public void write(byte[] source, int offset, int count) {
        sha256Base64 = null;
        ensure(count);
        System.arraycopy(source, offset, bytes, length, count);
        length += count;
    }

    /** Bytes written so far. */
    public int length() {
        return length;
    }

    /** A fresh stream over the contents; each call starts at the beginning (SDK retries call it again). */
    public InputStream newInputStream() {
        return new ByteArrayInputStream(bytes, 0, length);
    }

    /** A copy of the contents. */
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    /**
     * Base64 of the SHA-256 of the contents: the form of S3's {@code x-amz-checksum-sha256}. Computed once for
     * given contents (a write forgets it).
     */
    public String sha256Base64() {
        if (sha256Base64 != null) {
            return sha256Base64;
        }
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(bytes, 0, length);
            sha256Base64 = Base64.getEncoder().encodeToString(digest.digest());
            return sha256Base64;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private void ensure(int extra) {
        if (length + extra > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + extra));
        }
    }
}
