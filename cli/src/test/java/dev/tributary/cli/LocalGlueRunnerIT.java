package dev.tributary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.devkit.AwsEmulator;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Copying a local Glue run's output back to the emulator's S3 the way a run on Glue leaves it. */
class LocalGlueRunnerIT {
    private final AwsEmulator emulator = AwsEmulator.get();

    @Test
    void mirror_whenAPartitionWasRewritten_replacesItsPartFilesAndLeavesOtherPartitionsAlone(@TempDir Path dir)
            throws IOException {
        String bucket = "lgr-" + UUID.randomUUID().toString().substring(0, 8);
        try (S3Client s3 = emulator.clients().s3();
                GlueClient glue = emulator.clients().configure(GlueClient.builder()).build()) {
            s3.createBucket(b -> b.bucket(bucket));
            s3.putObject(b -> b.bucket(bucket).key("curated/event_type=a/dt=1/part-old.parquet"),
                    RequestBody.fromString("old"));
            s3.putObject(b -> b.bucket(bucket).key("curated/event_type=b/dt=1/part-kept.parquet"),
                    RequestBody.fromString("kept"));
            // What Spark's dynamic partition overwrite leaves locally: partition a rewritten under a new name.
            Path partition = Files.createDirectories(dir.resolve("event_type=a/dt=1"));
            Files.writeString(partition.resolve("part-new.parquet"), "new");
            Files.writeString(partition.resolve(".part-new.parquet.crc"), "crc");
            Files.writeString(dir.resolve("_SUCCESS"), "");

            new LocalGlueRunner(s3, glue, dir, dir).mirror(dir, URI.create("s3://" + bucket + "/curated/"));

            assertThat(s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().map(S3Object::key))
                    .containsExactlyInAnyOrder("curated/event_type=a/dt=1/part-new.parquet",
                            "curated/event_type=b/dt=1/part-kept.parquet");
        }
    }
}
