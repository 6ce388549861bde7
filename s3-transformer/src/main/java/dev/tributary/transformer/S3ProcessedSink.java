package dev.tributary.transformer;

import dev.tributary.common.io.S3UploadStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;

/** {@link ProcessedSink} on the processed bucket: an {@link S3UploadStream} (multipart above one part). */
final class S3ProcessedSink implements ProcessedSink {
    static final String CONTENT_TYPE = "application/gzip";

    private final S3Client s3;
    private final TransformerConfig config;

    S3ProcessedSink(S3Client s3, TransformerConfig config) {
        this.s3 = s3;
        this.config = config;
    }

    @Override
    public Upload open(String key, Map<String, String> userMetadata) {
        S3UploadStream stream = new S3UploadStream(
                s3,
                config.processedBucket(),
                key,
                CONTENT_TYPE,
                userMetadata,
                config.uploadPartBytes(),
                config.uploadConcurrency());
        return new Upload() {
            @Override
            public OutputStream stream() {
                return stream;
            }

            @Override
            public void close() throws IOException {
                stream.close();
            }

            @Override
            public void abort() {
                stream.abort();
            }
        };
    }
}
