package dev.tributary.common.metadata;

import dev.tributary.common.layout.Partition;

/**
 * What the kinesis-processor knows about one raw object it wrote.
 *
 * @param objectKey         the raw key (the table's hash key)
 * @param bucket            the raw bucket
 * @param stream            the Kinesis stream name
 * @param shardId           the shard every record came from
 * @param firstSequence     sequence number of the first record in the object
 * @param lastSequence      sequence number of the last record in the object
 * @param partition         event type, date and hour
 * @param recordCount       records (lines) in the object
 * @param bytes             object size as stored (compressed)
 * @param uncompressedBytes size of the JSON Lines before compression
 * @param checksumSha256    base64 SHA-256 of the stored bytes, as S3 reports it
 */
public record RawObjectMetadata(
        String objectKey,
        String bucket,
        String stream,
        String shardId,
        String firstSequence,
        String lastSequence,
        Partition partition,
        long recordCount,
        long bytes,
        long uncompressedBytes,
        String checksumSha256) {}
