package dev.tributary.devtools;

import dev.tributary.devkit.LocalPipeline;
import dev.tributary.devkit.ledger.PlacesReader;
import dev.tributary.devkit.ledger.RecordLedger;
import java.util.Map;
import java.util.TreeMap;

/**
 * What is in one of the pipeline's buckets: objects and lines per partition prefix, and totals per kind. The bucket
 * is read by {@link LocalPipeline#inventory} ({@link PlacesReader}, the ledger's one reader of {@code failed/} and
 * {@code processed/} lines), which hands the ledger's places what they need; this class keeps the tree the demo
 * prints.
 */
final class BucketInventory {
    final Map<String, long[]> partitions = new TreeMap<>();
    long rawObjects;
    long rawRecords;
    long failedObjects;
    long failedRecords;
    long dataObjects;
    long dataRecords;

    /**
     * Reads the template's bucket {@code bucketLogicalId}; {@code places} (may be null) receives quarantine lines
     * and, if asked, processed lines.
     */
    static BucketInventory read(
            LocalPipeline pipeline, String bucketLogicalId, RecordLedger.Places places, boolean processedIsOutput) {
        BucketInventory inventory = new BucketInventory();
        PlacesReader.BucketLines lines =
                pipeline.inventory(bucketLogicalId, places, processedIsOutput, (key, count) -> {
                    long[] counts = inventory.partitions.computeIfAbsent(treePrefix(key), k -> new long[2]);
                    counts[0]++;
                    counts[1] += count;
                });
        inventory.rawObjects = lines.rawObjects();
        inventory.rawRecords = lines.rawLines();
        inventory.failedObjects = lines.failedObjects();
        inventory.failedRecords = lines.failedLines();
        inventory.dataObjects = lines.processedObjects();
        inventory.dataRecords = lines.processedLines();
        return inventory;
    }

    /** The folder an object is shown under: its partition, or for Spark output the table's partition. */
    private static String treePrefix(String key) {
        String folder = key.substring(0, key.lastIndexOf('/') + 1);
        return folder.startsWith("glue/") ? folder.replaceAll("^(glue/[^/]+/[^/]+/).*", "$1") : folder;
    }
}
