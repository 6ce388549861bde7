package dev.tributary.devkit.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.json.Json;
import dev.tributary.common.lambda.OnFailureRecord;
import dev.tributary.common.layout.ObjectKeys;
import dev.tributary.toolkit.QueueSweep;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Reads where records ended into a ledger's {@link RecordLedger.Places}: a bucket's {@code failed/} lines (position,
 * reason, bytes) and {@code processed/} lines, and what waits on the dead-letter queues (peeked: messages are made
 * visible again, a later redrive still finds them).
 *
 * <p>With {@code perStream}, a shard is labelled {@code <stream>/<shard id>} ({@link #shard}): for a run over several
 * streams (the soak's one per round), whose shards share ids and whose sequence numbers may start over.
 */
public final class PlacesReader {
    private final boolean perStream;

    /** Lines of line-data objects under each prefix of a bucket, as read. */
    public record BucketLines(
            long rawObjects,
            long rawLines,
            long failedObjects,
            long failedLines,
            long processedObjects,
            long processedLines) {}

    public PlacesReader(boolean perStream) {
        this.perStream = perStream;
    }

    /** The shard label positions are entered under: the shard id, or {@code <stream>/<shard id>} per stream. */
    public String shard(String stream, String shardId) {
        return perStream ? stream + "/" + shardId : shardId;
    }

    /** Told of every object of a bucket as it is read: its key and its lines (0 for an object of no lines). */
    @FunctionalInterface
    public interface ObjectVisitor {
        void object(String key, long lines);
    }

    /**
     * Reads every JSON Lines object of {@code bucket}: {@code failed/} lines go to {@code places} as quarantined,
     * and {@code processed/} lines as output when {@code processedIsOutput} (the last stage that ran).
     */
    public BucketLines readBucket(S3Client s3, String bucket, RecordLedger.Places places, boolean processedIsOutput) {
        return readBucket(s3, bucket, places, processedIsOutput, (key, lines) -> {});
    }

    /**
     * As {@link #readBucket(S3Client, String, RecordLedger.Places, boolean)}, telling {@code visitor} of every
     * object (an inventory's tree); {@code places} may be null: then lines are only counted.
     */
    public BucketLines readBucket(
            S3Client s3, String bucket, RecordLedger.Places places, boolean processedIsOutput, ObjectVisitor visitor) {
        long[] n = new long[6];
        for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
            String key = object.key();
            if (!key.endsWith(".jsonl") && !key.endsWith(".jsonl.gz")) {
                visitor.object(key, 0);
                continue;
            }
            byte[] text = text(
                    key, s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
            long[] lines = {0};
            if (key.startsWith(ObjectKeys.FAILED_PREFIX)) {
                forEachLine(text, line -> {
                    lines[0]++;
                    if (places == null) {
                        return;
                    }
                    JsonNode json = json(line);
                    places.quarantined(
                            new RecordLedger.Position(
                                    shard(
                                            json.path("stream").asText(),
                                            json.path("shard_id").asText()),
                                    json.path("sequence_number").asText(),
                                    json.path("sub_sequence_number").asInt(RecordLedger.NOT_AGGREGATED)),
                            json.path("reason").asText(null),
                            Base64.getDecoder().decode(json.path("data_base64").asText("")));
                });
                n[2]++;
                n[3] += lines[0];
            } else if (key.startsWith(ObjectKeys.PROCESSED_PREFIX)) {
                forEachLine(text, line -> {
                    lines[0]++;
                    if (places != null && processedIsOutput) {
                        places.output(json(line));
                    }
                });
                n[4]++;
                n[5] += lines[0];
            } else if (key.startsWith(ObjectKeys.RAW_PREFIX)) {
                forEachLine(text, line -> lines[0]++);
                n[0]++;
                n[1] += lines[0];
            } else {
                forEachLine(text, line -> lines[0]++);
            }
            visitor.object(key, lines[0]);
        }
        return new BucketLines(n[0], n[1], n[2], n[3], n[4], n[5]);
    }

    /**
     * Enters what waits on the dead-letter queues: the Kinesis batches Lambda gave up on (its on-failure records on
     * {@code processorQueue}), and the lines of the raw objects whose notifications are on {@code transformerQueue}.
     */
    public void readDeadLetters(
            SqsClient sqs, S3Client s3, String processorQueue, String transformerQueue, RecordLedger.Places places) {
        for (Message message : QueueSweep.peek(sqs, processorQueue, Integer.MAX_VALUE)) {
            // Lambda's on-failure records; quarantine notices have their own queue
            OnFailureRecord.kinesisBatch(json(message.body().getBytes(StandardCharsets.UTF_8)))
                    .ifPresent(batch -> places.deadLetteredBatch(
                            shard(batch.streamName(), batch.shardId()),
                            batch.startSequenceNumber(),
                            batch.endSequenceNumber()));
        }
        for (Message message : QueueSweep.peek(sqs, transformerQueue, Integer.MAX_VALUE)) {
            JsonNode event = OnFailureRecord.asyncEvent(json(message.body().getBytes(StandardCharsets.UTF_8)));
            for (JsonNode record : event.path("Records")) {
                String bucket = record.path("s3").path("bucket").path("name").asText();
                String key = URLDecoder.decode(
                        record.path("s3").path("object").path("key").asText(), StandardCharsets.UTF_8);
                forEachLine(
                        text(
                                key,
                                s3.getObjectAsBytes(b -> b.bucket(bucket).key(key))
                                        .asByteArray()),
                        places::deadLetteredRawLine);
            }
        }
    }

    private static byte[] text(String key, byte[] bytes) {
        if (!key.endsWith(".gz")) {
            return bytes;
        }
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot gunzip " + key, e);
        }
    }

    /** Each non-blank line of {@code text}, as its bytes (without the newline). */
    private static void forEachLine(byte[] text, Consumer<byte[]> action) {
        int start = 0;
        for (int i = 0; i <= text.length; i++) {
            if (i == text.length || text[i] == '\n') {
                if (i > start && !new String(text, start, i - start, StandardCharsets.UTF_8).isBlank()) {
                    action.accept(Arrays.copyOfRange(text, start, i));
                }
                start = i + 1;
            }
        }
    }

    private static JsonNode json(byte[] line) {
        try {
            return Json.mapper().readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException("not a JSON line where the pipeline writes JSON lines", e);
        }
    }
}
