package dev.tributary.devtools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.json.Json;
import dev.tributary.common.layout.ObjectKeys;
import dev.tributary.devkit.ledger.RecordLedger;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * What is in one of the pipeline's buckets: objects and lines per partition prefix, and totals per kind. While
 * reading, it hands the ledger's places what they need: each {@code failed/} line (position, reason, bytes) and,
 * when {@code processed/} is the last stage that ran, each processed line.
 */
final class BucketInventory {
    final Map<String, long[]> partitions = new TreeMap<>();
    long rawObjects;
    long rawRecords;
    long failedObjects;
    long failedRecords;
    long dataObjects;
    long dataRecords;

    /** Reads {@code bucket}; {@code places} (may be null) receives quarantine lines and, if asked, processed lines. */
    static BucketInventory read(S3Client s3, String bucket, RecordLedger.Places places, boolean processedIsOutput) {
        BucketInventory inventory = new BucketInventory();
        for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
            String key = object.key();
            boolean lineData = key.endsWith(".jsonl") || key.endsWith(".jsonl.gz");
            long lines = 0;
            if (lineData) {
                byte[] bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
                byte[] text = key.endsWith(".gz") ? gunzip(bytes) : bytes;
                lines = countLines(text);
                if (places != null && key.startsWith(ObjectKeys.FAILED_PREFIX)) {
                    forEachLine(text, line -> places.quarantined(new RecordLedger.Position(
                                    line.path("shard_id").asText(), line.path("sequence_number").asText(),
                                    line.path("sub_sequence_number").asInt(RecordLedger.NOT_AGGREGATED)),
                            line.path("reason").asText(null),
                            Base64.getDecoder().decode(line.path("data_base64").asText(""))));
                } else if (places != null && processedIsOutput && key.startsWith(ObjectKeys.PROCESSED_PREFIX)) {
                    forEachLine(text, places::output);
                }
            }
            long[] counts = inventory.partitions.computeIfAbsent(treePrefix(key), k -> new long[2]);
            counts[0]++;
            counts[1] += lines;
            if (key.startsWith(ObjectKeys.RAW_PREFIX)) {
                inventory.rawObjects++;
                inventory.rawRecords += lines;
            } else if (key.startsWith(ObjectKeys.FAILED_PREFIX)) {
                inventory.failedObjects++;
                inventory.failedRecords += lines;
            } else if (key.startsWith(ObjectKeys.PROCESSED_PREFIX) && lineData) {
                inventory.dataObjects++;
                inventory.dataRecords += lines;
            }
        }
        return inventory;
    }

    /** The folder an object is shown under: its partition, or for Spark output the table's partition. */
    private static String treePrefix(String key) {
        String folder = key.substring(0, key.lastIndexOf('/') + 1);
        return folder.startsWith("glue/") ? folder.replaceAll("^(glue/[^/]+/[^/]+/).*", "$1") : folder;
    }

    static byte[] gunzip(byte[] bytes) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each non-blank line of {@code text}, as its bytes (without the newline). */
    static void forEachRawLine(byte[] text, Consumer<byte[]> action) {
        int start = 0;
        for (int i = 0; i <= text.length; i++) {
            if (i == text.length || text[i] == '\n') {
                if (i > start && !new String(text, start, i - start, StandardCharsets.UTF_8).isBlank()) {
                    action.accept(java.util.Arrays.copyOfRange(text, start, i));
                }
                start = i + 1;
            }
        }
    }

    static void forEachLine(byte[] text, Consumer<JsonNode> action) {
        forEachRawLine(text, line -> {
            try {
                action.accept(Json.mapper().readTree(line));
            } catch (IOException e) {
                throw new UncheckedIOException("not a JSON line in an object the pipeline wrote", e);
            }
        });
    }

    private static long countLines(byte[] bytes) {
        long lines = 0;
        for (byte b : bytes) {
            if (b == '\n') {
                lines++;
            }
        }
        return lines;
    }
}
