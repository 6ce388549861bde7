package dev.tributary.common.metadata;

import static dev.tributary.common.metadata.MetadataAttributes.*;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

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
     * @param now       the write time, for {@code created_at} (first write only) and {@code updated_at}
     * @param expiresAt when DynamoDB's TTL may delete the item ({@code expires_at}, epoch seconds): after the objects
     *                  it indexes have expired, so no redrive or late notification finds a raw object without its item
     */
    public RecordOutcome recordRawObject(RawObjectMetadata object, Instant now, Instant expiresAt) {
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
        set(
                update,
                names,
                values,
                HR,
                s(String.format("%02d", object.partition().hour())));
        set(update, names, values, RECORD_COUNT, n(object.recordCount()));
        set(update, names, values, BYTES, n(object.bytes()));
        set(update, names, values, UNCOMPRESSED_BYTES, n(object.uncompressedBytes()));
        set(update, names, values, CHECKSUM_SHA256, s(object.checksumSha256()));
        set(update, names, values, STATUS, s(ObjectStatus.WRITTEN.name()));
        set(update, names, values, UPDATED_AT, s(now.toString()));
        set(update, names, values, EXPIRES_AT, n(expiresAt.getEpochSecond()));
        names.put("#created", CREATED_AT);
        names.put("#key", OBJECT_KEY);
        values.put(":created", s(now.toString()));
        update.append("#created = if_not_exists(#created, :created)");
        try {
            dynamoDb.updateItem(b -> b.tableName(tableName)
                    .key(Map.of(OBJECT_KEY, s(object.objectKey())))
                    .updateExpression(update.toString())
                    .conditionExpression("attribute_not_exists(#key) OR attribute_not_exists(#" + CHECKSUM_SHA256
                            + ") OR #" + CHECKSUM_SHA256 + " <> :" + CHECKSUM_SHA256)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values));
            return RecordOutcome.RECORDED;
        } catch (ConditionalCheckFailedException e) {
            return RecordOutcome.ALREADY_RECORDED;
        }
    }

    /**
     * The item for {@code objectKey} as stored (every attribute, for an operator's look), read consistently; empty
     * when there is none. The transformer reads {@link #findState}.
     */
    public Optional<Map<String, AttributeValue>> find(String objectKey) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(tableName)
                        .key(Map.of(OBJECT_KEY, s(objectKey)))
                        .consistentRead(true))
                .item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    /** What the item for {@code objectKey} says about its transform, read consistently; empty when there is none. */
    public Optional<ObjectState> findState(String objectKey) {
        return find(objectKey).map(item -> state(objectKey, item));
    }

    /**
     * How many items have each {@code status} ({@code (none)} for an item without one): a scan of the whole table,
     * for an operator's occasional look, not for a dashboard.
     */
    public Map<String, Long> countByStatus() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        dynamoDb.scanPaginator(b -> b.tableName(tableName)
                        .projectionExpression("#s")
                        .expressionAttributeNames(Map.of("#s", STATUS)))
                .items()
                .forEach(item ->
                        counts.merge(item.containsKey(STATUS) ? item.get(STATUS).s() : "(none)", 1L, Long::sum));
        return counts;
    }

    /**
     * The s3-transformer's per-object lease: at most one invocation at a time transforms a raw key, so the last
     * write to its processed object is always made by the last invocation, which read the latest raw version.
     *
     * <p>Granted when nobody holds the lease, when {@code owner} already does, or when the holder's lease has
     * expired (it must outlive the holder's invocation: a timed-out invocation never releases it). Only on an item
     * that exists ({@code attribute_exists(object_key)}): an {@code UpdateItem} creates a missing item, and a
     * notification for a key the processor never recorded (deleted, never written, written by someone else) must not
     * leave a stub behind, which would count as an object of no status and hold a lease nobody releases.
     *
     * @param expiresAt when the lease lapses if it is never released
     */
    public LeaseAttempt tryAcquireLease(String objectKey, String owner, Instant now, Instant expiresAt) {
        try {
            Map<String, AttributeValue> item = dynamoDb.updateItem(b -> b.tableName(tableName)
                            .key(Map.of(OBJECT_KEY, s(objectKey)))
                            .updateExpression("SET #owner = :owner, #expires = :expires")
                            .conditionExpression("attribute_exists(#key) AND (attribute_not_exists(#owner) "
                                    + "OR #owner = :owner OR #expires < :now)")
                            .expressionAttributeNames(
                                    Map.of("#key", OBJECT_KEY, "#owner", LEASE_OWNER, "#expires", LEASE_EXPIRES_AT))
                            .expressionAttributeValues(Map.of(
                                    ":owner", s(owner),
                                    ":expires", n(expiresAt.toEpochMilli()),
                                    ":now", n(now.toEpochMilli())))
                            .returnValues(ReturnValue.ALL_NEW))
                    .attributes();
            return new LeaseAttempt.Granted(state(objectKey, item));
        } catch (ConditionalCheckFailedException e) {
            // Which half of the condition failed: a consistent read tells (an item deleted in between reads as
            // absent, which is what it now is).
            return find(objectKey).isPresent() ? new LeaseAttempt.Held() : new LeaseAttempt.NoItem();
        }
    }

    /**
     * Gives the lease back, if {@code owner} still holds it.
     *
     * @return whether it was held by {@code owner}
     */
    public boolean releaseLease(String objectKey, String owner) {
        try {
            dynamoDb.updateItem(b -> b.tableName(tableName)
                    .key(Map.of(OBJECT_KEY, s(objectKey)))
                    .updateExpression("REMOVE #owner, #expires")
                    .conditionExpression("#owner = :owner")
                    .expressionAttributeNames(Map.of("#owner", LEASE_OWNER, "#expires", LEASE_EXPIRES_AT))
                    .expressionAttributeValues(Map.of(":owner", s(owner))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /**
     * Moves the item to {@link ObjectStatus#PROCESSED} and releases the lease, if {@code leaseOwner} still holds it
     * and the item still describes the transformed version ({@code checksum_sha256} unchanged: the processor has
     * not recorded a newer one meanwhile). Sets {@code processed_at} and {@code processed_hour}
     * ({@code yyyy-MM-ddTHH}, UTC) from {@code now} and clears any {@code failure_reason}.
     *
     * @return false when the condition failed (lease lost, or a newer raw version was recorded): nothing changed
     */
    public boolean markProcessed(ProcessedObjectMetadata processed, String leaseOwner, Instant now) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        StringBuilder update = new StringBuilder("SET ");
        set(update, names, values, STATUS, s(ObjectStatus.PROCESSED.name()));
        set(update, names, values, CHECKSUM_SHA256, s(processed.checksumSha256()));
        set(update, names, values, PROCESSED_BUCKET, s(processed.processedBucket()));
        set(update, names, values, PROCESSED_KEY, s(processed.processedKey()));
        set(update, names, values, RECORDS_IN, n(processed.recordsIn()));
        set(update, names, values, RECORDS_OUT, n(processed.recordsOut()));
        set(update, names, values, DUPLICATES_DROPPED, n(processed.duplicatesDropped()));
        set(update, names, values, PROCESSED_AT, s(now.toString()));
        set(update, names, values, PROCESSED_HOUR, s(processedHourOf(now)));
        if (processed.sourceVersionId() != null) {
            set(update, names, values, SOURCE_VERSION_ID, s(processed.sourceVersionId()));
        }
        if (processed.sourceSequencer() != null) {
            set(update, names, values, SOURCE_SEQUENCER, s(processed.sourceSequencer()));
        }
        set(update, names, values, UPDATED_AT, s(now.toString()));
        update.setLength(update.length() - 2);
        update.append(" REMOVE #")
                .append(FAILURE_REASON)
                .append(", #lease_owner_, #")
                .append(LEASE_EXPIRES_AT);
        names.put("#" + FAILURE_REASON, FAILURE_REASON);
        names.put("#" + LEASE_EXPIRES_AT, LEASE_EXPIRES_AT);
        return commitUnderLease(processed.objectKey(), leaseOwner, processed.checksumSha256(), update, names, values);
    }

    /**
     * Moves the item to {@link ObjectStatus#FAILED} with {@code reason} and releases the lease, under the same
     * condition as {@link #markProcessed}. Removes the {@code processed_*} and {@code records_*} attributes of any
     * earlier version, so the item leaves GSI {@code processed-by-hour}: the current raw version has no output.
     *
     * @param checksumSha256 base64 SHA-256 of the raw version that could not be transformed
     * @return false when the condition failed: nothing changed
     */
    public boolean markFailed(String objectKey, String checksumSha256, String reason, String leaseOwner, Instant now) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        StringBuilder update = new StringBuilder("SET ");
        set(update, names, values, STATUS, s(ObjectStatus.FAILED.name()));
        set(update, names, values, CHECKSUM_SHA256, s(checksumSha256));
        set(update, names, values, FAILURE_REASON, s(reason));
        set(update, names, values, UPDATED_AT, s(now.toString()));
        update.setLength(update.length() - 2);
        update.append(" REMOVE #lease_owner_, #").append(LEASE_EXPIRES_AT);
        names.put("#" + LEASE_EXPIRES_AT, LEASE_EXPIRES_AT);
        for (String attribute : new String[] {
            PROCESSED_KEY, PROCESSED_BUCKET, PROCESSED_AT, PROCESSED_HOUR, RECORDS_IN, RECORDS_OUT, DUPLICATES_DROPPED
        }) {
            update.append(", #").append(attribute);
            names.put("#" + attribute, attribute);
        }
        return commitUnderLease(objectKey, leaseOwner, checksumSha256, update, names, values);
    }

    private boolean commitUnderLease(
            String objectKey,
            String leaseOwner,
            String checksumSha256,
            StringBuilder update,
            Map<String, String> names,
            Map<String, AttributeValue> values) {
        names.put("#lease_owner_", LEASE_OWNER);
        values.put(":lease_owner_", s(leaseOwner));
        try {
            dynamoDb.updateItem(b -> b.tableName(tableName)
                    .key(Map.of(OBJECT_KEY, s(objectKey)))
                    .updateExpression(update.toString())
                    .conditionExpression(
                            "#lease_owner_ = :lease_owner_ AND #" + CHECKSUM_SHA256 + " = :" + CHECKSUM_SHA256)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private static ObjectState state(String objectKey, Map<String, AttributeValue> item) {
        return new ObjectState(
                objectKey,
                status(text(item, STATUS)),
                text(item, CHECKSUM_SHA256),
                text(item, SOURCE_SEQUENCER),
                text(item, LEASE_OWNER));
    }

    /** The status a stored text names; null for none (or one this code does not know, which is not ours). */
    private static ObjectStatus status(String text) {
        return java.util.Arrays.stream(ObjectStatus.values())
                .filter(candidate -> candidate.name().equals(text))
                .findFirst()
                .orElse(null);
    }

    private static String text(Map<String, AttributeValue> item, String attribute) {
        AttributeValue value = item.get(attribute);
        return value == null ? null : value.s();
    }

    /**
     * The {@code processed_hour} of an instant ({@code yyyy-MM-ddTHH}, UTC): the hash key of GSI
     * {@code processed-by-hour}, written here and queried by the glue-orchestrator; this is its one spelling.
     */
    public static String processedHourOf(Instant instant) {
        return PROCESSED_HOUR_FORMAT.format(instant);
    }

    private static final DateTimeFormatter PROCESSED_HOUR_FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH").withZone(ZoneOffset.UTC);

    private static void set(
            StringBuilder update,
            Map<String, String> names,
            Map<String, AttributeValue> values,
            String attribute,
            AttributeValue value) {
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
