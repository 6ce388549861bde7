package dev.tributary.common.metadata;

import java.util.Objects;

/**
 * What the metadata item says about a raw object's way through the s3-transformer: the version the processor
 * recorded, where the transformer got with it, and who holds its lease. Read by {@link DynamoDbMetadataStore}.
 *
 * @param objectKey       the raw key (the table's hash key)
 * @param status          the item's {@code status}, or null when there is none (or no item)
 * @param checksumSha256  base64 SHA-256 of the raw version the item records, or null
 * @param sourceSequencer the largest S3 event sequencer the last commit covered, or null
 * @param leaseOwner      who holds the transformer's lease on the key, or null
 */
public record ObjectState(
        String objectKey, ObjectStatus status, String checksumSha256, String sourceSequencer, String leaseOwner) {

    public ObjectState {
        Objects.requireNonNull(objectKey, "objectKey");
    }

    /** The state of a key with no item: nothing recorded, no lease. */
    public static ObjectState absent(String objectKey) {
        return new ObjectState(objectKey, null, null, null, null);
    }

    /** Whether the recorded version has been transformed. */
    public boolean isProcessed() {
        return status == ObjectStatus.PROCESSED;
    }
}
