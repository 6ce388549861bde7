package dev.tributary.transformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.common.io.S3UploadStream;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** common-layer's streaming multipart sink against the emulator's S3 API. */
class S3UploadStreamIT {
    private final TransformerTestBed bed = new TransformerTestBed();

    @AfterEach
    void close() {
        bed.close();
    }

    static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new SplittableRandom(size).nextBytes(bytes);
        return bytes;
    }

    @Test
    void close_whenBodySpansSeveralParts_publishesOneObjectWithEveryByteInOrder() throws Exception {
        byte[] body = random(12 * 1024 * 1024 + 123);
        S3UploadStream out = new S3UploadStream(
                bed.s3,
                bed.processedBucket,
                "parts.bin",
                "application/octet-stream",
                Map.of("origin", "test"),
                S3UploadStream.MIN_PART_BYTES,
                2);
        for (int offset = 0; offset < body.length; offset += 100_000) {
            out.write(body, offset, Math.min(100_000, body.length - offset));
        }
        out.close();

        assertThat(out.result().parts()).isEqualTo(3);
        assertThat(out.result().bytes()).isEqualTo(body.length);
        assertThat(bed.s3
                        .getObjectAsBytes(b -> b.bucket(bed.processedBucket).key("parts.bin"))
                        .asByteArray())
                .isEqualTo(body);
        assertThat(bed.s3
                        .headObject(b -> b.bucket(bed.processedBucket).key("parts.bin"))
                        .metadata())
                .containsEntry("origin", "test");
    }

    @Test
    void close_whenBodyFitsOnePart_usesASinglePut() throws Exception {
        S3UploadStream out = new S3UploadStream(
                bed.s3,
                bed.processedBucket,
                "small.bin",
                "application/octet-stream",
                Map.of(),
                S3UploadStream.MIN_PART_BYTES,
                1);
        out.write(random(1000));
        out.close();

        assertThat(out.result().parts()).isZero();
        assertThat(bed.s3
                        .headObject(b -> b.bucket(bed.processedBucket).key("small.bin"))
                        .contentLength())
                .isEqualTo(1000);
    }

    @Test
    void abort_whenPartsWereUploaded_leavesNoObjectAndNoUpload() throws Exception {
        S3UploadStream out = new S3UploadStream(
                bed.s3,
                bed.processedBucket,
                "aborted.bin",
                "application/octet-stream",
                Map.of(),
                S3UploadStream.MIN_PART_BYTES,
                1);
        out.write(random(11 * 1024 * 1024));

        out.abort();

        assertThatThrownBy(() ->
                        bed.s3.headObject(b -> b.bucket(bed.processedBucket).key("aborted.bin")))
                .isInstanceOf(NoSuchKeyException.class);
        assertThat(bed.s3
                        .listMultipartUploads(b -> b.bucket(bed.processedBucket))
                        .uploads())
                .isEmpty();
        assertThatThrownBy(() -> out.write(1)).hasMessageContaining("closed");
    }
}
