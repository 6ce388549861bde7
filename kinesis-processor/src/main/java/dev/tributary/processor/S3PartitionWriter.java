package dev.tributary.processor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.common.io.GzipJsonLinesWriter;
import dev.tributary.common.io.ObjectBuffer;
import dev.tributary.common.io.S3ObjectStore;
import dev.tributary.common.io.S3ObjectStore.PutOutcome;
import dev.tributary.common.json.Json;
import dev.tributary.common.layout.ObjectKeys;
import dev.tributary.common.layout.Partition;
import dev.tributary.common.layout.StreamPosition;
import dev.tributary.common.metadata.DynamoDbMetadataStore;
import dev.tributary.common.metadata.RawObjectMetadata;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Stores a batch's groups in S3, the metadata table and (notices of quarantine objects) the quarantine queue.
 *
 * <p>Order matters for crash safety: the object is written before its metadata item and before its notice, so
 * whatever a crash interrupts, the retry finds the object (unchanged, no second S3 event) and completes the rest.
 */
final class S3PartitionWriter implements PartitionWriter {
    static final String RAW_CONTENT_TYPE = "application/gzip";
    static final String FAILED_CONTENT_TYPE = "application/x-ndjson";
    static final String NOTICE_KIND = "quarantine";
    /**
     * Buffers of each object's gzip writer: a batch makes about ten objects at once, and the writer's 64 KiB default
     * buffers (twice) came to more heap than the compressed records of a 3,000-record batch.
     */
    static final int GZIP_BUFFER_BYTES = 8 * 1024;

    private final S3ObjectStore objects;
    private final DynamoDbMetadataStore metadata;
    private final SqsClient sqs;
    private final KinesisProcessorConfig config;
    private final Clock clock;

    S3PartitionWriter(
            S3ObjectStore objects,
            DynamoDbMetadataStore metadata,
            SqsClient sqs,
            KinesisProcessorConfig config,
            Clock clock) {
        this.objects = objects;
        this.metadata = metadata;
        this.sqs = sqs;
        this.config = config;
        this.clock = clock;
    }

    @Override
    @SuppressWarnings("try") // lines.close() inside the try: the gzip trailer must be written before its size is read
    public Receipt writeRaw(Partition partition, List<ValidRecord> records) throws IOException {
        StreamPosition first = records.getFirst().record().position();
        String key = ObjectKeys.raw(partition, first);
        ObjectBuffer body = new ObjectBuffer(estimateCompressed(records));
        long uncompressed;
        try (GzipJsonLinesWriter lines = new GzipJsonLinesWriter(body, config.gzipLevel(), GZIP_BUFFER_BYTES)) {
            for (ValidRecord valid : records) {
                lines.writeLine(valid.line());
            }
            lines.close();
            uncompressed = lines.uncompressedBytes();
        }
        PutOutcome outcome = objects.putIdempotent(config.rawBucket(), key, body, RAW_CONTENT_TYPE);
        Instant now = clock.instant();
        metadata.recordRawObject(
                new RawObjectMetadata(
                        key,
                        config.rawBucket(),
                        first.stream(),
                        first.shardId(),
                        first.sequenceNumber(),
                        records.getLast().record().position().sequenceNumber(),
                        partition,
                        records.size(),
                        body.length(),
                        uncompressed,
                        body.sha256Base64()),
                now,
                now.plus(config.metadataRetention()));
        return new Receipt(key, outcome, body.length());
    }

    @Override
    public Receipt writeQuarantine(List<QuarantinedRecord> records) throws IOException {
        StreamRecord firstRecord = records.getFirst().record();
        String key = ObjectKeys.failed(firstRecord.arrival(), firstRecord.position());
        ObjectBuffer body = new ObjectBuffer(records.stream()
                .mapToInt(r -> r.record().data().length * 4 / 3 + 512)
                .sum());
        Map<String, Integer> reasons = new TreeMap<>();
        for (QuarantinedRecord quarantined : records) {
            StreamRecord record = quarantined.record();
            ObjectNode line = Json.mapper()
                    .createObjectNode()
                    .put("reason", quarantined.reason().code())
                    .put("detail", quarantined.detail())
                    .put("stream", record.position().stream())
                    .put("shard_id", record.position().shardId())
                    .put("sequence_number", record.position().sequenceNumber());
            if (record.position().isSubRecord()) {
                line.put("sub_sequence_number", record.position().subSequenceNumber());
            }
            line.put("approximate_arrival", record.arrival().toString())
                    .put("data_base64", Base64.getEncoder().encodeToString(record.data()));
            body.write(Json.mapper().writeValueAsBytes(line));
            body.write('\n');
            reasons.merge(quarantined.reason().code(), 1, Integer::sum);
        }
        PutOutcome outcome = objects.putIdempotent(config.rawBucket(), key, body, FAILED_CONTENT_TYPE);
        ObjectNode notice = Json.mapper()
                .createObjectNode()
                .put("kind", NOTICE_KIND)
                .put("bucket", config.rawBucket())
                .put("key", key)
                .put("stream", firstRecord.position().stream())
                .put("shard_id", firstRecord.position().shardId())
                .put("first_sequence", firstRecord.position().sequenceNumber())
                .put("last_sequence", records.getLast().record().position().sequenceNumber())
                .put("record_count", records.size());
        reasons.forEach(notice.putObject("reasons")::put);
        // Sent on every attempt, even when the object was already there: a crash may have come between the two.
        // A repeated notice names the same object, so it is harmless.
        sqs.sendMessage(b -> b.queueUrl(config.quarantineQueueUrl())
                .messageBody(notice.toString())
                .messageAttributes(Map.of(
                        "kind",
                        MessageAttributeValue.builder()
                                .dataType("String")
                                .stringValue(NOTICE_KIND)
                                .build())));
        return new Receipt(key, outcome, body.length());
    }

    private static int estimateCompressed(List<ValidRecord> records) {
        long total = 0;
        for (ValidRecord record : records) {
            total += record.line().length;
        }
        return (int) Math.min(Integer.MAX_VALUE - 64, total / 4 + 1024); // JSON events compress about 4-8x
    }
}
