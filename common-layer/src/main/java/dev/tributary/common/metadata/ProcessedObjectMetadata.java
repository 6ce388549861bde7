package dev.tributary.common.metadata;

/**
 * What the s3-transformer made of one raw object version, for {@link DynamoDbMetadataStore#markProcessed}.
 *
 * @param objectKey         the raw key (the table's hash key)
 * @param checksumSha256    base64 SHA-256 of the raw version that was transformed; the item's
 *                          {@code checksum_sha256} must already hold it (the processor recorded that version)
 * @param processedBucket   where the output went
 * @param processedKey      the processed key ({@code ObjectKeys.processedFor(objectKey)})
 * @param recordsIn         non-blank lines read
 * @param recordsOut        records written
 * @param duplicatesDropped records dropped because their {@code event_id} appeared earlier in the object
 * @param sourceVersionId   the raw version's S3 version id, or null when the bucket is not versioned
 * @param sourceSequencer   the largest S3 event sequencer this transform covers, or null when unknown
 */
public record ProcessedObjectMetadata(
        String objectKey,
        String checksumSha256,
        String processedBucket,
        String processedKey,
        long recordsIn,
        long recordsOut,
        long duplicatesDropped,
        String sourceVersionId,
        String sourceSequencer) {}
