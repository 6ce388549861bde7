package dev.tributary.common.io;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * An {@link OutputStream} that streams into one S3 object with bounded memory, however large the object.
 *
 * <p>Bytes collect in a part buffer of {@code partBytes}. A body that never fills one is sent with a single
 * {@code PutObject} on {@link #close()}; otherwise a multipart upload starts with the first full buffer and each
 * further buffer becomes a part, uploaded by a background thread while the caller fills the next one. At most
 * {@code partsInFlight} parts upload at once, so the stream never holds more than
 * {@code (partsInFlight + 1) * partBytes} bytes. Every part (and a single PUT) carries its SHA-256, which S3 checks.
 *
 * <p>Nothing is visible under the key until {@link #close()} succeeds: {@code CompleteMultipartUpload} (or the single
 * PUT) publishes the whole object at once. {@link #abort()}, and any failure in {@code close()}, abort the upload, so
 * a failed writer leaves no partial object (only, at worst, parts S3 discards under the bucket's
 * {@code AbortIncompleteMultipartUpload} lifecycle rule when even the abort fails).
 *
 * <p>Not thread-safe: one writer thread.
 */
public final class S3UploadStream extends OutputStream {
    /** S3's smallest allowed part (all but the last). */
    public static final int MIN_PART_BYTES = 5 * 1024 * 1024;
    /** S3's largest part count per upload. */
    public static final int MAX_PARTS = 10_000;

    /**
     * What {@link #close()} published.
     *
     * @param eTag      the object's ETag
     * @param versionId its version id, or null in an unversioned bucket
     * @param bytes     the object's size
     * @param parts     0 for a single PUT, else the number of parts
     */
    public record Result(String eTag, String versionId, long bytes, int parts) {}

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final String contentType;
    private final Map<String, String> metadata;
    private final int partBytes;
    private final int partsInFlight;
    private final BlockingQueue<byte[]> freeBuffers;
    private final List<Future<CompletedPart>> parts = new ArrayList<>();
    private int buffersAllocated;
    private byte[] buffer;
    private int length;
    private long total;
    private String uploadId;
    private ExecutorService uploader;
    private Result result;
    private boolean finished;

    /**
     * @param contentType   e.g. {@code application/gzip}
     * @param metadata      user metadata ({@code x-amz-meta-*}) for the object
     * @param partBytes     part size, at least {@link #MIN_PART_BYTES}
     * @param partsInFlight parts uploaded concurrently with writing (0: upload in the writer's thread)
     */
    public S3UploadStream(
            S3Client s3,
            String bucket,
            String key,
            String contentType,
            Map<String, String> metadata,
            int partBytes,
            int partsInFlight) {
        if (partBytes < MIN_PART_BYTES) {
            throw new IllegalArgumentException("partBytes must be at least " + MIN_PART_BYTES + ", was " + partBytes);
        }
        if (partsInFlight < 0) {
            throw new IllegalArgumentException("partsInFlight must not be negative");
        }
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        this.key = Objects.requireNonNull(key, "key");
        this.contentType = Objects.requireNonNull(contentType, "contentType");
        this.metadata = Map.copyOf(metadata);
        this.partBytes = partBytes;
        this.partsInFlight = partsInFlight;
        this.freeBuffers = new ArrayBlockingQueue<>(partsInFlight + 1);
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        if (buffer == null || length == buffer.length) {
            flushPart();
        }
        buffer[length++] = (byte) b;
        total++;
    }

    @Override
    public void write(byte[] source, int offset, int count) throws IOException {
        Objects.checkFromIndexSize(offset, count, source.length);
        ensureOpen();
        while (count > 0) {
            if (buffer == null || length == buffer.length) {
                flushPart();
            }
            int n = Math.min(count, buffer.length - length);
            System.arraycopy(source, offset, buffer, length, n);
            length += n;
            offset += n;
            count -= n;
            total += n;
        }
    }

    /** Bytes written so far. */
    public long bytesWritten() {
        return total;
    }

    /**
     * Publishes the object: the single PUT, or the last part and {@code CompleteMultipartUpload}. On failure the
     * upload is aborted and the exception rethrown; calling it again does nothing.
     */
    @Override
    public void close() throws IOException {
        if (finished) {
            return;
        }
        try {
            if (uploadId == null) {
                result = putSingle();
            } else {
                if (length > 0) {
                    submitPart();
                }
                result = complete();
            }
            finished = true;
            shutdownUploader();
        } catch (IOException | RuntimeException | Error e) {
            abort();
            throw e;
        }
    }

    /** What {@link #close()} published; null before it succeeded. */
    public Result result() {
        return result;
    }

    /** Drops everything written and aborts a started multipart upload. Safe to call more than once. */
    public void abort() {
        if (finished) {
            return;
        }
        finished = true;
        for (Future<CompletedPart> part : parts) {
            part.cancel(true);
        }
        shutdownUploader();
        if (uploadId != null) {
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
            } catch (RuntimeException e) {
                // The bucket's AbortIncompleteMultipartUpload lifecycle rule removes the parts later.
            }
        }
        buffer = null;
        freeBuffers.clear();
    }

    private void ensureOpen() throws IOException {
        if (finished) {
            throw new IOException("stream to s3://" + bucket + "/" + key + " is closed");
        }
    }

    /** Makes room: the current (full) buffer becomes a part, and a free buffer becomes current. */
    private void flushPart() throws IOException {
        if (buffer != null) {
            submitPart();
        }
        buffer = takeBuffer();
        length = 0;
    }

    private byte[] takeBuffer() throws IOException {
        byte[] free = freeBuffers.poll();
        if (free != null) {
            return free;
        }
        if (buffersAllocated <= partsInFlight) {
            buffersAllocated++;
            return new byte[partBytes];
        }
        try {
            return freeBuffers.take(); // every buffer is uploading: wait for one
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for a part upload of s3://" + bucket + "/" + key);
        }
    }

    private void submitPart() throws IOException {
        if (uploadId == null) {
            uploadId = s3.createMultipartUpload(b -> b.bucket(bucket)
                            .key(key)
                            .contentType(contentType)
                            .metadata(metadata)
                            .checksumAlgorithm(ChecksumAlgorithm.SHA256))
                    .uploadId();
        }
        int partNumber = parts.size() + 1;
        if (partNumber > MAX_PARTS) {
            throw new IOException("object s3://" + bucket + "/" + key + " needs more than " + MAX_PARTS + " parts of "
                    + partBytes + " bytes");
        }
        byte[] bytes = buffer;
        int count = length;
        buffer = null;
        length = 0;
        if (partsInFlight == 0) {
            parts.add(java.util.concurrent.CompletableFuture.completedFuture(uploadPart(partNumber, bytes, count)));
            freeBuffers.offer(bytes);
            return;
        }
        if (uploader == null) {
            uploader = Executors.newFixedThreadPool(partsInFlight, runnable -> {
                Thread thread = new Thread(runnable, "s3-upload-" + key.hashCode());
                thread.setDaemon(true);
                return thread;
            });
        }
        failFast();
        parts.add(uploader.submit(() -> {
            try {
                return uploadPart(partNumber, bytes, count);
            } finally {
                freeBuffers.offer(bytes);
            }
        }));
    }

    /** Surfaces a failed part as soon as it is known, instead of after the whole body has been written. */
    private void failFast() throws IOException {
        for (Future<CompletedPart> part : parts) {
            if (part.isDone()) {
                await(part);
            }
        }
    }

    private CompletedPart uploadPart(int partNumber, byte[] bytes, int count) {
        String checksum = sha256(bytes, count);
        UploadPartResponse response = s3.uploadPart(
                b -> b.bucket(bucket)
                        .key(key)
                        .uploadId(uploadId)
                        .partNumber(partNumber)
                        .contentLength((long) count)
                        .checksumAlgorithm(ChecksumAlgorithm.SHA256)
                        .checksumSHA256(checksum),
                RequestBody.fromContentProvider(
                        () -> new ByteArrayInputStream(bytes, 0, count), count, "application/octet-stream"));
        return CompletedPart.builder()
                .partNumber(partNumber)
                .eTag(response.eTag())
                .checksumSHA256(response.checksumSHA256() != null ? response.checksumSHA256() : checksum)
                .build();
    }

    private Result complete() throws IOException {
        List<CompletedPart> completed = new ArrayList<>(parts.size());
        for (Future<CompletedPart> part : parts) {
            completed.add(await(part));
        }
        completed.sort(Comparator.comparing(CompletedPart::partNumber));
        var response = s3.completeMultipartUpload(
                b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(completed)));
        return new Result(response.eTag(), response.versionId(), total, completed.size());
    }

    private Result putSingle() {
        byte[] bytes = buffer == null ? new byte[0] : buffer;
        int count = length;
        String checksum = sha256(bytes, count);
        PutObjectResponse response = s3.putObject(
                b -> b.bucket(bucket)
                        .key(key)
                        .contentType(contentType)
                        .metadata(metadata)
                        .contentLength((long) count)
                        .checksumAlgorithm(ChecksumAlgorithm.SHA256)
                        .checksumSHA256(checksum),
                RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes, 0, count), count, contentType));
        return new Result(response.eTag(), response.versionId(), count, 0);
    }

    private CompletedPart await(Future<CompletedPart> part) throws IOException {
        try {
            return part.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted uploading s3://" + bucket + "/" + key);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IOException("part upload of s3://" + bucket + "/" + key + " failed", cause);
        }
    }

    private void shutdownUploader() {
        if (uploader != null) {
            uploader.shutdownNow();
            uploader = null;
        }
    }

    private static String sha256(byte[] bytes, int count) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(bytes, 0, count);
            return Base64.getEncoder().encodeToString(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
