package dev.tributary.transformer;

import java.util.Optional;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** {@link RawSource} on the raw bucket (the adapter: HEAD with checksum mode, GET pinned by If-Match). */
final class S3RawSource implements RawSource {
    private final S3Client s3;
    private final String bucket;

    S3RawSource(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    public Optional<RawVersion> current(String key) {
        HeadObjectResponse head;
        try {
            head = s3.headObject(b -> b.bucket(bucket).key(key).checksumMode(ChecksumMode.ENABLED));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) { // a HEAD's 404 has no body, so it may not be typed NoSuchKey
                return Optional.empty();
            }
            throw e;
        }
        return Optional.of(
                new RawVersion(key, head.checksumSHA256(), head.versionId(), head.eTag(), head.lastModified()));
    }

    @Override
    public Optional<RawBody> open(RawVersion version) {
        // If-Match pins the version HEAD saw (needs only s3:GetObject, unlike a GET by version id); a 412 means a
        // newer version landed in between.
        GetObjectRequest get = GetObjectRequest.builder()
                .bucket(bucket)
                .key(version.key())
                .checksumMode(ChecksumMode.ENABLED)
                .ifMatch(version.eTag())
                .build();
        ResponseInputStream<GetObjectResponse> body;
        try {
            body = s3.getObject(get);
        } catch (S3Exception e) {
            if (e.statusCode() == 412) {
                return Optional.empty();
            }
            throw e;
        }
        return Optional.of(new RawBody() {
            @Override
            public java.io.InputStream stream() {
                return body;
            }

            @Override
            public void abort() {
                body.abort();
            }

            @Override
            public void close() throws java.io.IOException {
                body.close();
            }
        });
    }
}
