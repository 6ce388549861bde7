package dev.tributary.devkit;

import dev.tributary.common.metadata.MetadataAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** What a metadata table holds, for end-of-run checks: items per status and the records the transformer counted. */
public final class MetadataTally {
    private MetadataTally() {}

    /**
     * Scans {@code table}: {@code status:<STATUS>} → items, {@code records_in} and {@code records_out} → sums over the
     * items that have them.
     */
    public static Map<String, Long> count(DynamoDbClient dynamoDb, String table) {
        Map<String, Long> counts = new LinkedHashMap<>();
        dynamoDb.scanPaginator(b -> b.tableName(table)).items().forEach(item -> {
            counts.merge("status:" + item.get(MetadataAttributes.STATUS).s(), 1L, Long::sum);
            if (item.containsKey(MetadataAttributes.RECORDS_OUT)) {
                counts.merge(
                        "records_out",
                        Long.parseLong(item.get(MetadataAttributes.RECORDS_OUT).n()),
                        Long::sum);
            }
            if (item.containsKey(MetadataAttributes.RECORDS_IN)) {
                counts.merge(
                        "records_in",
                        Long.parseLong(item.get(MetadataAttributes.RECORDS_IN).n()),
                        Long::sum);
            }
        });
        return counts;
    }
}
