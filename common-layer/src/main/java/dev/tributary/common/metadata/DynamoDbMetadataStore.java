package dev.tributary.common.metadata;

import static dev.tributary.common.metadata.MetadataAttributes.*;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The metadata table: one item per raw object, keyed by its S3 key.
 *
 * <p>Writes are conditional on content: recording the same object twice (a Lambda retry, or a crash between the S3
 * write and this one) changes nothing, and never resets a status a later stage has already advanced. Recording a
 * changed object (same key, new checksum) resets it to {@link ObjectStatus#WRITTEN} so it is transformed again.
 */
public final class DynamoDbMetadataStore {
    /** What {@link #recordRawObject} did. */
    public enum RecordOutcome {
        /** The item was created, or updated because the object's content changed. */
        RECORDED,
        /** An item with the same checksum was already there; nothing changed. */
        ALREADY_RECORDED
    }

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public DynamoDbMetadataStore(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    /** The table this store writes to. */
    public String tableName() {
        return tableName;
    }

    /**
     * Records a raw object the kinesis-processor wrote, unless an item with the same checksum exists.
     *
     * @param now the write time, for {@code created_at} (first write only) and {@code updated_at}
     */
    public RecordOutcome recordRawObject(RawObjectMetadata object, Instant now) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        StringBuilder update = new StringBuilder("SET ");
        set(update, names, values, BUCKET, s(object.bucket()));
        set(update, names, values, STREAM, s(object.stream()));
        set(update, names, values, SHARD_ID, s(object.shardId()));
        set(update, names, values, FIRST_SEQUENCE, s(object.firstSequence()));
        set(update, names, values, LAST_SEQUENCE, s(object.lastSequence()));
        set(update, names, values, EVENT_TYPE, s(object.partition().eventType()));
        set(update, names, values, DT, s(object.partition().date().toString()));
        set(update, names, values, HR, s(String.format("%02d", object.partition().hour())));
        set(update, names, values, RECORD_COUNT, n(object.recordCount()));
        set(update, names, values, BYTES, n(object.bytes()));
        set(update, names, values, UNCOMPRESSED_BYTES, n(object.uncompressedBytes()));
        set(update, names, values, CHECKSUM_SHA256, s(object.checksumSha256()));
        set(update, names, values, STATUS, s(ObjectStatus.WRITTEN.name()));
        set(update, names, values, UPDATED_AT, s(now.toString()));
        names.put("#created", CREATED_AT);
        names.put("#key", OBJECT_KEY);
        values.put(":created", s(now.toString()));
        update.append("#created = if_not_exists(#created, :created)");
        try {
            dynamoDb.updateItem(b -> b.tableName(tableName)
                    .key(Map.of(OBJECT_KEY, s(object.objectKey())))
                    .updateExpression(update.toString())
                    .conditionExpression("attribute_not_exists(#key) OR attribute_not_exists(#"
                            + CHECKSUM_SHA256 + ") OR #" + CHECKSUM_SHA256 + " <> :" + CHECKSUM_SHA256)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values));
            return RecordOutcome.RECORDED;
        } catch (ConditionalCheckFailedException e) {
            return RecordOutcome.ALREADY_RECORDED;
        }
    }

    /** The item for {@code objectKey}, read consistently; empty when there is none. */
    public Optional<Map<String, AttributeValue>> find(String objectKey) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(tableName)
                        .key(Map.of(OBJECT_KEY, s(objectKey)))
                        .consistentRead(true))
                .item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    private static void set(StringBuilder update, Map<String, String> names, Map<String, AttributeValue> values,
            String attribute, AttributeValue value) {
        names.put("#" + attribute, attribute);
        values.put(":" + attribute, value);
        update.append('#').append(attribute).append(" = :").append(attribute).append(", ");
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
