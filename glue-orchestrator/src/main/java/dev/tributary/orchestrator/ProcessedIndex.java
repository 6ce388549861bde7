package dev.tributary.orchestrator;

import static dev.tributary.common.metadata.MetadataAttributes.OBJECT_KEY;
import static dev.tributary.common.metadata.MetadataAttributes.PROCESSED_AT;
import static dev.tributary.common.metadata.MetadataAttributes.PROCESSED_BUCKET;
import static dev.tributary.common.metadata.MetadataAttributes.PROCESSED_HOUR;
import static dev.tributary.common.metadata.MetadataAttributes.PROCESSED_KEY;
import static dev.tributary.common.metadata.MetadataAttributes.STATUS;

import dev.tributary.common.metadata.DynamoDbMetadataStore;
import dev.tributary.common.metadata.ObjectStatus;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * Finds processed objects newer than a watermark through the metadata table's GSI {@value #INDEX_NAME}
 * (hash {@code processed_hour} = {@code yyyy-MM-ddTHH} of {@code processed_at}, range {@code processed_at}): one
 * {@code Query} per hour from the watermark's hour to the window's upper bound, never a scan.
 *
 * <p>{@code processed_at} is compared as an instant, not as text: ISO-8601 strings with different fraction lengths
 * ({@code …:00Z} vs {@code …:00.5Z}) do not sort as their instants do. The key condition therefore only narrows the
 * watermark's own hour to the watermark's whole second ({@code processed_at >= "yyyy-MM-ddTHH:mm:ss"}, which every
 * representation of a later instant satisfies), and the exact bounds are applied to the parsed values.
 */
public final class ProcessedIndex implements ProcessedObjects {
    /** The GSI's name, from {@code docs/contracts.md}. */
    public static final String INDEX_NAME = "processed-by-hour";

    private static final DateTimeFormatter SECOND =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final String defaultBucket;

    /**
     * @param defaultBucket the processed bucket for items that do not name theirs
     */
    public ProcessedIndex(DynamoDbClient dynamoDb, String tableName, String defaultBucket) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.defaultBucket = defaultBucket;
    }

    @Override
    public List<ProcessedObject> processedBetween(Instant after, Instant upTo) {
        List<ProcessedObject> found = new ArrayList<>();
        Instant lastHour = upTo.truncatedTo(ChronoUnit.HOURS);
        for (Instant hour = after.truncatedTo(ChronoUnit.HOURS);
                !hour.isAfter(lastHour);
                hour = hour.plus(1, ChronoUnit.HOURS)) {
            for (Map<String, AttributeValue> item :
                    dynamoDb.queryPaginator(query(hour, after)).items()) {
                ProcessedObject object = toObject(item);
                if (object != null
                        && object.processedAt().isAfter(after)
                        && !object.processedAt().isAfter(upTo)) {
                    found.add(object);
                }
            }
        }
        return found;
    }

    private QueryRequest query(Instant hour, Instant after) {
        Map<String, String> names = new HashMap<>(Map.of(
                "#hour",
                PROCESSED_HOUR,
                "#at",
                PROCESSED_AT,
                "#key",
                PROCESSED_KEY,
                "#bucket",
                PROCESSED_BUCKET,
                "#status",
                STATUS,
                "#object",
                OBJECT_KEY));
        Map<String, AttributeValue> values =
                new HashMap<>(Map.of(":hour", AttributeValue.fromS(DynamoDbMetadataStore.processedHourOf(hour))));
        String condition = "#hour = :hour";
        if (hour.equals(after.truncatedTo(ChronoUnit.HOURS))) {
            condition += " AND #at >= :after";
            values.put(":after", AttributeValue.fromS(SECOND.format(after)));
        }
        return QueryRequest.builder()
                .tableName(tableName)
                .indexName(INDEX_NAME)
                .keyConditionExpression(condition)
                .projectionExpression("#object, #at, #key, #bucket, #status")
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .build();
    }

    /** The object an item describes, or null when it is not a usable processed object. */
    private ProcessedObject toObject(Map<String, AttributeValue> item) {
        String status = s(item, STATUS);
        String key = s(item, PROCESSED_KEY);
        String at = s(item, PROCESSED_AT);
        boolean processed = status == null || ObjectStatus.PROCESSED.name().equals(status);
        if (!processed || key == null || at == null || !key.contains("/")) {
            return null;
        }
        String bucket = s(item, PROCESSED_BUCKET);
        return new ProcessedObject(s(item, OBJECT_KEY), parse(at), bucket == null ? defaultBucket : bucket, key);
    }

    private static Instant parse(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new OrchestratorException(
                    "metadata item has a processed_at that is not ISO-8601 with an offset: '" + text + "'", e);
        }
    }

    private static String s(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }
}
