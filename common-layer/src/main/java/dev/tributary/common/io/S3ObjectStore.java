package dev.tributary.common.io;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Idempotent object writes: the same bytes under the same key never create a second version, and never fire a
 * second S3 event notification.
 *
 * <p>The first attempt is a conditional PUT ({@code If-None-Match: *}), one request in the common case. When the
 * key already exists, a HEAD compares the stored SHA-256 with ours: equal means an earlier attempt already wrote
 * this object (a Lambda retry); different means the content legitimately changed (a bisected batch now holds
 * fewer records) and it is replaced. Every PUT carries {@code x-amz-checksum-sha256}, so S3 rejects a body that was
 * corrupted on the way.
 */
public final class S3ObjectStore {
    private static final int PRECONDITION_FAILED = 412;
    private static final int CONFLICT = 409;

    /** What a write did. */
    public enum PutOutcome {
        /** The key did not exist. */
        CREATED,
        /** The key held exactly these bytes already; nothing was written. */
        UNCHANGED,
        /** The key held other bytes; they were replaced. */
        REPLACED
    }

    private final S3Client s3;

    public S3ObjectStore(S3Client s3) {
        this.s3 = s3;
    }

    /**
     * Writes {@code body} to {@code bucket/key} unless identical bytes are already there.
     *
     * @param contentType e.g. {@code application/gzip}
     */
    public PutOutcome putIdempotent(String bucket, String key, ObjectBuffer body, String contentType) {
        String checksum = body.sha256Base64();
        try {
            put(bucket, key, body, contentType, checksum, true);
            return PutOutcome.CREATED;
        } catch (S3Exception e) {
            // 409 is S3's answer when a concurrent conditional write to the same key is in flight.
            if (e.statusCode() != PRECONDITION_FAILED && e.statusCode() != CONFLICT) {
                throw e;
            }
        }
        if (checksum.equals(storedChecksum(bucket, key))) {
            return PutOutcome.UNCHANGED;
        }
        put(bucket, key, body, contentType, checksum, false);
        return PutOutcome.REPLACED;
    }

    /** The SHA-256 S3 holds for an object (base64), or null when it was written without one. */
    public String storedChecksum(String bucket, String key) {
        HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key).checksumMode(ChecksumMode.ENABLED));
        return head.checksumSHA256();
    }

    private void put(
            String bucket, String key, ObjectBuffer body, String contentType, String checksum, boolean onlyIfAbsent) {
        PutObjectRequest.Builder request = PutObjectRequest.builder()
                .bucket(bucket)
                .key(key)
                .contentType(contentType)
                .contentLength((long) body.length())
                .checksumAlgorithm(ChecksumAlgorithm.SHA256)
                .checksumSHA256(checksum);
        if (onlyIfAbsent) {
            request.ifNoneMatch("*");
        }
        s3.putObject(
                request.build(), RequestBody.fromContentProvider(body::newInputStream, body.length(), contentType));
    }
}
