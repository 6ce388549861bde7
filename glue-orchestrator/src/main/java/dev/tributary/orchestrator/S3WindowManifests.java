package dev.tributary.orchestrator;

import dev.tributary.common.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** {@link WindowManifests} in the curated bucket, under {@code glue/manifests/<job>/}. */
public final class S3WindowManifests implements WindowManifests {
    private final S3Client s3;
    private final String curatedBucket;
    private final String jobName;

    public S3WindowManifests(S3Client s3, String curatedBucket, String jobName) {
        this.s3 = s3;
        this.curatedBucket = curatedBucket;
        this.jobName = jobName;
    }

    @Override
    public void write(Window window) {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("window_id", window.id());
        manifest.put("input_paths", window.partitions());
        String json = Json.mapper().valueToTree(manifest).toString();
        AwsFailures.retryLater(() -> s3.putObject(
                b -> b.bucket(curatedBucket)
                        .key(GlueRunArguments.manifestKey(jobName, window.id()))
                        .contentType("application/json"),
                RequestBody.fromString(json)));
    }
}
