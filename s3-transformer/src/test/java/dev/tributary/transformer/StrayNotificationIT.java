package dev.tributary.transformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.common.layout.Partition;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Notifications for raw keys that have no metadata item (the object was deleted, never recorded, or written by
 * another producer) leave the metadata table as they found it: no stub item, so the per-status counts stay true.
 */
class StrayNotificationIT {
    private final TransformerTestBed bed = new TransformerTestBed();

    @AfterEach
    void close() {
        bed.close();
    }

    @Test
    void handleRequest_whenAnotherProducerWroteTheObject_failsForARetryAndLeavesNoItem() {
        // An object under raw/ the processor never wrote (nor recorded): someone else's upload.
        Partition partition = new Partition("sensor_reading", LocalDate.parse("2026-11-22"), 9);
        String rawKey = "raw/" + partition.path() + "/" + bed.resources.streamName() + ".shardId-000000000000."
                + String.format("4959%052d", 7) + ".jsonl.gz";
        bed.s3.putObject(
                b -> b.bucket(bed.resources.rawBucket()).key(rawKey),
                RequestBody.fromBytes(RawObjects.lines(RawObjects.reading("a"))));
        String event = bed.objectNotifications(1).getFirst().body();
        S3TransformerHandler handler = bed.transformer(
                Map.of("METADATA_WAIT_SECONDS", "1"), List.of(), new dev.tributary.common.event.EventSchemas());

        assertThatThrownBy(() -> TransformerTestBed.invoke(handler, event))
                .isInstanceOf(S3TransformerHandler.TransformInvocationException.class)
                .hasMessageContaining(rawKey)
                .hasMessageContaining("no metadata item");

        assertThat(bed.metadata(rawKey)).isEmpty();
        assertThat(allItems()).isEmpty();
        assertThat(bed.processedHead(rawKey)).isEmpty();
    }

    @Test
    void handleRequest_whenObjectAndItemWereDeleted_succeedsAndLeavesNoItem() {
        bed.produce(List.of(RawObjects.reading("a"), RawObjects.reading("b")));
        String event = bed.objectNotifications(1).getFirst().body();
        String rawKey = bed.rawKeys().getFirst();
        // Deleted before the notification is handled: the object (retention, an operator) and its item.
        bed.s3.deleteObject(b -> b.bucket(bed.resources.rawBucket()).key(rawKey));
        bed.dynamoDb.deleteItem(b ->
                b.tableName(bed.resources.metadataTable()).key(Map.of("object_key", AttributeValue.fromS(rawKey))));

        TransformerTestBed.invoke(bed.transformer(), event);

        assertThat(bed.metadata(rawKey)).isEmpty();
        assertThat(allItems()).isEmpty();
        assertThat(bed.logText()).contains("no metadata item");
    }

    @Test
    void handleRequest_whenStrayNotificationBesideARealObject_statusCountsStayTrue() {
        bed.produce(List.of(RawObjects.reading("a")));
        String realEvent = bed.objectNotifications(1).getFirst().body();
        String real = bed.rawKeys().getFirst();
        TransformerTestBed.invoke(bed.transformer(), realEvent);
        // Someone else's object, uploaded and removed again before its notification is handled.
        String stray = real.replace(String.format("4959%052d", 1), String.format("4959%052d", 99));
        bed.s3.putObject(
                b -> b.bucket(bed.resources.rawBucket()).key(stray),
                RequestBody.fromBytes(RawObjects.lines(RawObjects.reading("x"))));
        String strayEvent = bed.objectNotifications(1).getFirst().body();
        bed.s3.deleteObject(b -> b.bucket(bed.resources.rawBucket()).key(stray));

        TransformerTestBed.invoke(bed.transformer(), strayEvent);

        List<Map<String, AttributeValue>> items = allItems();
        assertThat(items).hasSize(1);
        assertThat(items.getFirst().get("object_key").s()).isEqualTo(real);
        assertThat(items.getFirst().get("status").s()).isEqualTo("PROCESSED");
        assertThat(items.getFirst()).doesNotContainKeys("lease_owner", "lease_expires_at");
    }

    private List<Map<String, AttributeValue>> allItems() {
        return bed
                .dynamoDb
                .scanPaginator(b -> b.tableName(bed.resources.metadataTable()).consistentRead(true))
                .items()
                .stream()
                .toList();
    }
}
