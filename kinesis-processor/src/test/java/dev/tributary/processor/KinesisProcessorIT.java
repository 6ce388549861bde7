package dev.tributary.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.io.S3ObjectStore;
import dev.tributary.toolkit.LambdaEvents;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.sqs.model.Message;

/** The processor against real S3, DynamoDB, SQS and Kinesis APIs in the emulator. */
class KinesisProcessorIT {
    private final ProcessorTestBed bed = new ProcessorTestBed(1);

    static String event(String id, String type, String time, String payload) {
        return "{\"event_id\":\"" + id + "\",\"event_type\":\"" + type + "\",\"event_time\":\"" + time
                + "\",\"source\":\"it\",\"schema_version\":1,\"payload\":" + payload + "}";
    }

    static String pageView(String id, String time) {
        return event(
                id,
                "page_view",
                time,
                "{\"page_url\":\"https://shop.example.com/p/" + id + "\",\"tti_ms\":1200,\"ttar_ms\":300}");
    }

    static String reading(String id, String time) {
        return event(id, "sensor_reading", time, "{\"device_id\":\"d-1\",\"metric\":\"temperature\",\"value\":21.5}");
    }

    static String payment(String id, String time) {
        return event(
                id,
                "payment",
                time,
                "{\"transaction_id\":\"t-" + id
                        + "\",\"amount\":\"9.99\",\"currency\":\"EUR\",\"status\":\"captured\"}");
    }

    @AfterEach
    void close() {
        bed.close();
    }

    @Test
    void handleRequest_whenRecordsReadFromRealStream_writesOneRawObjectPerPartitionWithMetadata() {
        List<String> produced = List.of(
                pageView("pv-1", "2026-11-22T10:01:00Z"),
                reading("sr-1", "2026-11-22T10:02:00Z"),
                pageView("pv-2", "2026-11-22T10:59:59.999Z"),
                payment("pay-1", "2026-11-22T11:00:00+00:00"),
                "{\"event_id\": \"pretty\",\n \"event_type\": \"sensor_reading\", \"event_time\": \"2026-11-22T10:03:00Z\","
                        + " \"source\": \"it\", \"schema_version\": 1,\n \"payload\": {\"device_id\": \"d-2\","
                        + " \"metric\": \"humidity\", \"value\": 40}}",
                "this is not json");
        bed.put(produced);
        List<Record> records = bed.readShard();

        StreamsEventResponse response = LambdaEvents.invoke(bed.handler(), bed.event(records), null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        Map<String, List<String>> raw = bed.rawObjects();
        String shard = records.getFirst().sequenceNumber();
        String stem = bed.resources.streamName() + ".shardId-000000000000.";
        assertThat(raw.keySet())
                .containsExactlyInAnyOrder(
                        "raw/event_type=page_view/dt=2026-11-22/hr=10/" + stem
                                + records.get(0).sequenceNumber() + ".jsonl.gz",
                        "raw/event_type=sensor_reading/dt=2026-11-22/hr=10/" + stem
                                + records.get(1).sequenceNumber() + ".jsonl.gz",
                        "raw/event_type=payment/dt=2026-11-22/hr=11/" + stem
                                + records.get(3).sequenceNumber() + ".jsonl.gz");
        assertThat(shard).isNotBlank();
        String pageViews = raw.keySet().stream()
                .filter(k -> k.contains("page_view"))
                .findFirst()
                .orElseThrow();
        assertThat(raw.get(pageViews)).containsExactly(produced.get(0), produced.get(2)); // the producer's bytes
        String readings = raw.keySet().stream()
                .filter(k -> k.contains("sensor_reading"))
                .findFirst()
                .orElseThrow();
        assertThat(raw.get(readings)).hasSize(2);
        assertThat(raw.get(readings).get(1)).doesNotContain("\n").contains("\"event_id\":\"pretty\"");

        Map<String, AttributeValue> item = bed.metadata(pageViews);
        assertThat(item.get("status").s()).isEqualTo("WRITTEN");
        assertThat(item.get("record_count").n()).isEqualTo("2");
        assertThat(item.get("first_sequence").s()).isEqualTo(records.get(0).sequenceNumber());
        assertThat(item.get("last_sequence").s()).isEqualTo(records.get(2).sequenceNumber());
        assertThat(item.get("stream").s()).isEqualTo(bed.resources.streamName());
        assertThat(item.get("shard_id").s()).isEqualTo("shardId-000000000000");
        assertThat(item.get("checksum_sha256").s())
                .isEqualTo(new S3ObjectStore(bed.s3).storedChecksum(bed.resources.rawBucket(), pageViews));
        assertThat(Long.parseLong(item.get("bytes").n()))
                .isEqualTo(bed.s3
                        .headObject(b -> b.bucket(bed.resources.rawBucket()).key(pageViews))
                        .contentLength());
        // The table's TTL attribute: the item outlives the longer-lived of the raw and processed objects it indexes,
        // both retentions read from the template's parameters (RawRetentionDays, ProcessedRetentionDays).
        long retentionDays = Math.max(
                Long.parseLong(bed.resources.deployment().parameter("RawRetentionDays")),
                Long.parseLong(bed.resources.deployment().parameter("ProcessedRetentionDays")));
        assertThat(Long.parseLong(item.get("expires_at").n()))
                .isEqualTo(Instant.parse(item.get("created_at").s())
                        .plus(Duration.ofDays(retentionDays))
                        .getEpochSecond());

        Map<String, List<JsonNode>> failed = bed.failedObjects();
        assertThat(failed).hasSize(1);
        JsonNode quarantined = failed.values().iterator().next().getFirst();
        assertThat(quarantined.get("reason").asText()).isEqualTo("not_json");
        assertThat(quarantined.get("sequence_number").asText())
                .isEqualTo(records.get(5).sequenceNumber());
        assertThat(new String(
                        Base64.getDecoder()
                                .decode(quarantined.get("data_base64").asText()),
                        StandardCharsets.UTF_8))
                .isEqualTo("this is not json");

        // Quarantine notices go to their own queue; the dead-letter queue (and its alarm) is for given-up batches.
        assertThat(bed.drainDeadLetterQueue()).isEmpty();
        List<Message> notices = bed.drainQuarantineQueue();
        assertThat(notices).singleElement().satisfies(m -> {
            assertThat(m.messageAttributes().get("kind").stringValue()).isEqualTo("quarantine");
            JsonNode body = ProcessorTestBed.parse(m.body());
            assertThat(body.get("key").asText())
                    .isEqualTo(failed.keySet().iterator().next());
            assertThat(body.get("reasons").get("not_json").asInt()).isEqualTo(1);
        });
        assertThat(bed.logText())
                .contains(
                        "\"records\":6",
                        "\"valid\":5",
                        "\"quarantined\":1",
                        "\"first_sequence\":\"" + records.getFirst().sequenceNumber() + "\"");
        // One embedded-metric-format line: CloudWatch extracts these as metrics in Tributary/KinesisProcessor.
        JsonNode metrics = java.util.Arrays.stream(bed.logText().split("\n"))
                .map(ProcessorTestBed::parse)
                .filter(line -> line.has("_aws"))
                .findFirst()
                .orElseThrow();
        assertThat(metrics.at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("Tributary/KinesisProcessor");
        assertThat(metrics.at("/_aws/CloudWatchMetrics/0/Dimensions/0/0").asText())
                .isEqualTo("function");
        assertThat(metrics.get("function").asText()).isEqualTo("kinesis-processor");
        assertThat(metrics.get("RecordsIn").asLong()).isEqualTo(6);
        assertThat(metrics.get("RecordsValid").asLong()).isEqualTo(5);
        assertThat(metrics.get("RecordsQuarantined").asLong()).isEqualTo(1);
        assertThat(metrics.get("ObjectsWritten").asLong()).isEqualTo(4); // three raw partitions and one failed/
        assertThat(metrics.get("BytesWritten").asLong()).isPositive();
        assertThat(metrics.at("/_aws/CloudWatchMetrics/0/Metrics").findValuesAsText("Name"))
                .contains(
                        "RecordsIn",
                        "RecordsValid",
                        "RecordsQuarantined",
                        "ObjectsWritten",
                        "BytesWritten",
                        "BatchLatency");
    }

    @Test
    void handleRequest_whenSameBatchDeliveredTwice_writesNoSecondVersionAndKeepsMetadata() {
        bed.put(List.of(pageView("a", "2026-11-22T10:00:00Z"), reading("b", "2026-11-22T10:00:00Z"), "[]"));
        var event = bed.event(bed.readShard());
        KinesisProcessorHandler handler = bed.handler();
        LambdaEvents.invoke(handler, event, null);
        String key = bed.keys("raw/").getFirst();
        String firstUpdate = bed.metadata(key).get("updated_at").s();

        LambdaEvents.invoke(handler, event, null);

        assertThat(bed.versionCounts("raw/"))
                .hasSize(2)
                .allSatisfy((k, versions) -> assertThat(versions).isEqualTo(1));
        assertThat(bed.versionCounts("failed/"))
                .hasSize(1)
                .allSatisfy((k, versions) -> assertThat(versions).isEqualTo(1));
        assertThat(bed.metadata(key).get("updated_at").s()).isEqualTo(firstUpdate);
        assertThat(bed.logText()).contains("\"objects_unchanged\":3");
    }

    @Test
    void handleRequest_whenBatchBisectedAfterAFullAttempt_storesEveryRecordOnce() {
        List<String> produced = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            // Two partitions interleaved, so each half holds part of each.
            produced.add(
                    i % 2 == 0 ? pageView("p" + i, "2026-11-22T10:00:00Z") : reading("r" + i, "2026-11-22T12:00:00Z"));
        }
        produced.set(5, "{\"broken\":");
        bed.put(produced);
        List<Record> records = bed.readShard();
        KinesisProcessorHandler handler = bed.handler();

        LambdaEvents.invoke(handler, bed.event(records), null); // wrote everything, then (say) timed out
        LambdaEvents.invoke(handler, bed.event(records.subList(0, 7)), null); // Lambda bisects and retries each half
        LambdaEvents.invoke(handler, bed.event(records.subList(7, 12)), null);

        List<String> stored =
                bed.rawObjects().values().stream().flatMap(List::stream).toList();
        List<String> expected = new ArrayList<>(produced);
        expected.remove(5);
        assertThat(stored).containsExactlyInAnyOrderElementsOf(expected);
        List<String> quarantinedSequences = bed.failedObjects().values().stream()
                .flatMap(List::stream)
                .map(line -> line.get("sequence_number").asText())
                .toList();
        assertThat(quarantinedSequences).containsExactly(records.get(5).sequenceNumber());
    }

    @Test
    void handleRequest_whenMetadataWriteFailsAfterS3Write_retryRecordsItWithoutANewObjectVersion() {
        bed.put(List.of(pageView("a", "2026-11-22T10:00:00Z")));
        List<Record> records = bed.readShard();
        InjectedFault crash = InjectedFault.first("UpdateItem", 1);

        StreamsEventResponse first =
                LambdaEvents.invoke(bed.handler(List.of(), List.of(crash)), bed.event(records), null);

        String key = bed.keys("raw/").getFirst();
        assertThat(first.getBatchItemFailures())
                .extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(records.getFirst().sequenceNumber());
        assertThat(bed.metadata(key)).isEmpty();

        StreamsEventResponse retry = LambdaEvents.invoke(bed.handler(), bed.event(records), null);

        assertThat(retry.getBatchItemFailures()).isEmpty();
        assertThat(bed.metadata(key).get("record_count").n()).isEqualTo("1");
        assertThat(bed.versionCounts("raw/")).containsExactly(Map.entry(key, 1));
    }

    @Test
    void handleRequest_whenS3FailsForOnePartition_reportsItsFirstRecordAndTheRetryCompletesIt() {
        bed.put(List.of(
                pageView("a", "2026-11-22T10:00:00Z"),
                reading("b", "2026-11-22T10:00:00Z"),
                payment("c", "2026-11-22T10:00:00Z"),
                payment("d", "2026-11-22T10:05:00Z")));
        List<Record> records = bed.readShard();
        InjectedFault s3Down = InjectedFault.putObjectWhereKeyContains("event_type=payment");

        StreamsEventResponse first =
                LambdaEvents.invoke(bed.handler(List.of(s3Down), List.of()), bed.event(records), null);

        assertThat(first.getBatchItemFailures())
                .extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(records.get(2).sequenceNumber());
        assertThat(bed.keys("raw/")).hasSize(2).noneMatch(k -> k.contains("payment"));

        // Lambda retries from the reported record: only the payment records are delivered again.
        StreamsEventResponse retry = LambdaEvents.invoke(bed.handler(), bed.event(records.subList(2, 4)), null);

        assertThat(retry.getBatchItemFailures()).isEmpty();
        assertThat(bed.rawObjects().values().stream().mapToInt(List::size).sum())
                .isEqualTo(4);
        assertThat(bed.logText()).contains("injected fault: PutObject raw/event_type=payment");
    }
}
