package dev.tributary.processor;

import static dev.tributary.processor.KinesisProcessorIT.pageView;
import static dev.tributary.processor.KinesisProcessorIT.payment;
import static dev.tributary.processor.KinesisProcessorIT.reading;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.toolkit.KplAggregator;
import dev.tributary.toolkit.KplAggregator.UserRecord;
import dev.tributary.toolkit.LambdaEvents;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.Record;

/** KPL-aggregated records through the emulator's Kinesis, S3, DynamoDB and SQS: naming, quarantine, retries. */
class KplAggregationIT {
    private final ProcessorTestBed bed = new ProcessorTestBed(1);

    @AfterEach
    void close() {
        bed.close();
    }

    static byte[] aggregate(String... events) {
        return KplAggregator.aggregate(Arrays.stream(events)
                .map(e -> new UserRecord("pk", e.getBytes(StandardCharsets.UTF_8)))
                .toList());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void handleRequest_whenAggregatesAndPlainRecordsReadFromRealStream_namesEachUserRecordBySubSequence() {
        byte[] corrupt = aggregate(pageView("lost-with-its-aggregate", "2026-11-22T10:00:00Z"));
        corrupt[corrupt.length - 1] ^= 1;
        bed.putBytes(List.of(
                aggregate(pageView("a", "2026-11-22T10:00:00Z"), reading("b", "2026-11-22T10:01:00Z"), "not json"),
                utf8(pageView("c", "2026-11-22T10:30:00Z")),
                corrupt));
        List<Record> records = bed.readShard();
        String stem = bed.resources.streamName() + ".shardId-000000000000."
                + records.get(0).sequenceNumber();

        StreamsEventResponse response = LambdaEvents.invoke(bed.handler(), bed.event(records), null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        Map<String, List<String>> raw = bed.rawObjects();
        String pageViews = "raw/event_type=page_view/dt=2026-11-22/hr=10/" + stem + "-0.jsonl.gz";
        assertThat(raw.keySet())
                .containsExactlyInAnyOrder(
                        pageViews, "raw/event_type=sensor_reading/dt=2026-11-22/hr=10/" + stem + "-1.jsonl.gz");
        assertThat(raw.get(pageViews))
                .containsExactly(pageView("a", "2026-11-22T10:00:00Z"), pageView("c", "2026-11-22T10:30:00Z"));
        assertThat(bed.metadata(pageViews).get("first_sequence").s())
                .isEqualTo(records.get(0).sequenceNumber());
        assertThat(bed.metadata(pageViews).get("last_sequence").s())
                .isEqualTo(records.get(1).sequenceNumber());

        Map<String, List<JsonNode>> failed = bed.failedObjects();
        assertThat(failed.keySet()).singleElement().asString().endsWith(stem + "-2.jsonl");
        List<JsonNode> lines = failed.values().iterator().next();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).get("reason").asText()).isEqualTo("not_json");
        assertThat(lines.get(0).get("sequence_number").asText())
                .isEqualTo(records.get(0).sequenceNumber());
        assertThat(lines.get(0).get("sub_sequence_number").asInt()).isEqualTo(2);
        assertThat(lines.get(1).get("reason").asText()).isEqualTo("kpl_corrupt");
        assertThat(lines.get(1).get("detail").asText()).contains("MD5");
        assertThat(lines.get(1).get("sequence_number").asText())
                .isEqualTo(records.get(2).sequenceNumber());
        assertThat(lines.get(1).has("sub_sequence_number")).isFalse();
        assertThat(java.util.Base64.getDecoder()
                        .decode(lines.get(1).get("data_base64").asText()))
                .isEqualTo(corrupt);
        assertThat(bed.logText())
                .contains(
                        "\"records\":3",
                        "\"user_records\":5",
                        "\"kpl_aggregates\":2",
                        "\"valid\":3",
                        "\"quarantined\":2");
    }

    @Test
    void handleRequest_whenWriteFailsForAPartitionInsideAnAggregate_retryFromTheAggregateStoresEachRecordOnce() {
        List<String> events = List.of(
                pageView("a", "2026-11-22T09:00:00Z"),
                pageView("b", "2026-11-22T10:00:00Z"),
                payment("c", "2026-11-22T10:00:00Z"),
                pageView("d", "2026-11-22T10:05:00Z"),
                pageView("e", "2026-11-22T10:10:00Z"));
        bed.putBytes(List.of(
                utf8(events.get(0)), aggregate(events.get(1), events.get(2), events.get(3)), utf8(events.get(4))));
        List<Record> records = bed.readShard();
        InjectedFault s3Down = InjectedFault.putObjectWhereKeyContains("event_type=payment");

        StreamsEventResponse first =
                LambdaEvents.invoke(bed.handler(List.of(s3Down), List.of()), bed.event(records), null);

        // The failed payment group starts inside the aggregate: Lambda can only retry from the aggregate itself.
        assertThat(first.getBatchItemFailures())
                .extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(records.get(1).sequenceNumber());

        StreamsEventResponse retry = LambdaEvents.invoke(bed.handler(), bed.event(records.subList(1, 3)), null);

        assertThat(retry.getBatchItemFailures()).isEmpty();
        assertThat(bed.rawObjects().values().stream().flatMap(List::stream).toList())
                .containsExactlyInAnyOrderElementsOf(events);
        // The page_view hr=10 object (named by the aggregate's first user record) was rewritten unchanged.
        assertThat(bed.versionCounts("raw/"))
                .hasSize(3)
                .allSatisfy((key, versions) -> assertThat(versions).isOne());
    }

    @Test
    void handleRequest_whenBatchOfAggregatesBisectedAfterAFullAttempt_storesEveryUserRecordOnce() {
        List<String> events = new ArrayList<>();
        List<byte[]> kinesisRecords = new ArrayList<>();
        for (int k = 0; k < 6; k++) {
            List<String> packed = new ArrayList<>();
            for (int i = 0; i < 5; i++) { // two partitions interleaved inside every aggregate
                int n = k * 5 + i;
                packed.add(
                        n % 2 == 0
                                ? pageView("p" + n, "2026-11-22T10:00:00Z")
                                : reading("r" + n, "2026-11-22T12:00:00Z"));
            }
            events.addAll(packed);
            kinesisRecords.add(k == 3 ? utf8(packed.getFirst()) : aggregate(packed.toArray(String[]::new)));
        }
        events.subList(16, 20).clear(); // the fourth Kinesis record is plain: only its first event was sent
        bed.putBytes(kinesisRecords);
        List<Record> records = bed.readShard();
        KinesisProcessorHandler handler = bed.handler();

        LambdaEvents.invoke(handler, bed.event(records), null); // wrote everything, then (say) timed out
        LambdaEvents.invoke(handler, bed.event(records.subList(0, 3)), null); // Lambda bisects and retries each half
        LambdaEvents.invoke(handler, bed.event(records.subList(3, 6)), null);

        assertThat(bed.rawObjects().values().stream().flatMap(List::stream).toList())
                .containsExactlyInAnyOrderElementsOf(events);
        assertThat(bed.failedObjects()).isEmpty();
    }
}
