package dev.tributary.orchestrator;

import java.time.Instant;

/**
 * One processed object, as the metadata table's GSI {@value ProcessedIndex#INDEX_NAME} returns it.
 *
 * @param objectKey   the raw object's key (the table's hash key)
 * @param processedAt when the transformer finished it
 * @param bucket      the processed bucket holding it
 * @param key         its key in that bucket, {@code processed/event_type=<t>/dt=<d>/hr=<h>/<name>}
 */
public record ProcessedObject(String objectKey, Instant processedAt, String bucket, String key) {

    /** The {@code s3://} prefix of the partition holding the object, ending in {@code /}. */
    public String partitionPrefix() {
        return "s3://" + bucket + "/" + key.substring(0, key.lastIndexOf('/') + 1);
    }
}
