package dev.tributary.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.common.json.Json;
import dev.tributary.toolkit.KplAggregator;
import dev.tributary.toolkit.LambdaEvents;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * The stream decoder ({@link KinesisEventRecords#read}) against what the handler saw while the Java runtime
 * deserialised its {@code KinesisEvent} ({@link RuntimeEventRecords#from} of the runtime serializer's event): the
 * same records, in the same order, with the same position, arrival and bytes, for every real fixture and for random
 * events.
 */
class KinesisEventRecordsDifferentialTest {
    private static final String STREAM_ARN = "arn:aws:kinesis:eu-west-1:123456789012:stream/tributary-events";

    static Stream<String> fixtures() throws IOException {
        return Stream.of(
                KinesisEventRecordsTest.fixture("events/kinesis-get-records-default.json"),
                KinesisEventRecordsTest.fixture("events/kinesis-get-records-page-view.json"),
                // The event `sam local invoke` and scripts/check-infra.sh feed the deployed function.
                Files.readString(Path.of("..", "infra", "events", "kinesis-get-records.json")));
    }

    @Nested
    class Fixtures {
        @ParameterizedTest
        @MethodSource("dev.tributary.processor.KinesisEventRecordsDifferentialTest#fixtures")
        void read_whenRealFixture_yieldsWhatTheRuntimeEventYielded(String json) throws IOException {
            int records = LambdaEvents.kinesisEvent(json).getRecords().size();
            assertThat(records).isPositive();

            assertSameRecords(json, records);
        }
    }

    @Nested
    class Random {
        @ParameterizedTest
        @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
        void read_whenRandomBytesAsLambdaSendsThem_yieldsWhatTheRuntimeEventYielded(long seed) throws IOException {
            SplittableRandom random = new SplittableRandom(seed);
            int count = random.nextInt(1, 400);
            List<Record> records = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                byte[] data = new byte[random.nextInt(4) == 0 ? 0 : random.nextInt(1, 3000)];
                random.nextBytes(data);
                records.add(record(i, data, Instant.ofEpochMilli(random.nextLong(0, 4_102_444_800_000L))));
            }
            String json =
                    LambdaEvents.kinesisEventJson(STREAM_ARN, "shardId-00000000000" + seed, Region.EU_WEST_1, records);

            assertSameRecords(json, count);
        }

        @Test
        void read_whenKplAggregates_yieldsWhatTheRuntimeEventYielded() throws IOException {
            SplittableRandom random = new SplittableRandom(17);
            List<Record> records = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                List<KplAggregator.UserRecord> users = new ArrayList<>();
                for (int u = 0; u < random.nextInt(1, 50); u++) {
                    users.add(new KplAggregator.UserRecord(
                            "key-" + u, ("{\"event_id\":\"" + i + "-" + u + "\"}").getBytes(StandardCharsets.UTF_8)));
                }
                records.add(record(i, KplAggregator.aggregate(users), Instant.parse("2026-11-29T01:02:03.456Z")));
            }
            String json = LambdaEvents.kinesisEventJson(STREAM_ARN, "shardId-000000000007", Region.EU_WEST_1, records);

            assertSameRecords(json, 30);
        }

        @Test
        void read_whenFullBatchOfSmallRecords_yieldsWhatTheRuntimeEventYielded() throws IOException {
            List<Record> records = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) { // the event source mapping's largest BatchSize
                records.add(record(
                        i, ("r" + i).getBytes(StandardCharsets.UTF_8), Instant.ofEpochSecond(1_700_000_000L + i)));
            }
            String json = LambdaEvents.kinesisEventJson(STREAM_ARN, "shardId-000000000001", Region.EU_WEST_1, records);

            assertSameRecords(json, 10_000);
        }

        /**
         * JSON the runtime accepts in forms Lambda's own writer may not use: fields in any order, unknown fields
         * (objects, arrays, scalars) at every level, arrival timestamps as integers, with many fraction digits, in
         * exponent form, as strings, 0, null or absent, data null or absent, several streams and shards in a batch.
         */
        @ParameterizedTest
        @ValueSource(longs = {11, 12, 13, 14, 15, 16})
        void read_whenOddButValidJson_yieldsWhatTheRuntimeEventYielded(long seed) throws IOException {
            SplittableRandom random = new SplittableRandom(seed);
            int count = random.nextInt(1, 200);
            ObjectNode root = Json.mapper().createObjectNode();
            if (random.nextBoolean()) {
                root.putObject("unknownTop").putArray("x").add(1).addObject().put("Records", "no");
            }
            ArrayNode array = root.putArray("Records");
            for (int i = 0; i < count; i++) {
                ObjectNode kinesis = Json.mapper().createObjectNode();
                kinesis.put("sequenceNumber", String.format("4959%052d", i));
                byte[] data = new byte[random.nextInt(0, 600)];
                random.nextBytes(data);
                switch (random.nextInt(10)) {
                    case 0 -> kinesis.putNull("data");
                    case 1 -> {} // absent
                    default -> kinesis.put("data", Base64.getEncoder().encodeToString(data));
                }
                long millis = random.nextLong(1, 4_102_444_800_000L);
                switch (random.nextInt(9)) {
                    case 0 -> kinesis.put("approximateArrivalTimestamp", millis / 1000);
                    case 1 -> kinesis.put("approximateArrivalTimestamp", millis / 1000.0);
                    case 2 ->
                        kinesis.put(
                                "approximateArrivalTimestamp",
                                new BigDecimal(millis).movePointLeft(3).add(new BigDecimal("0.000123456789")));
                    case 3 -> kinesis.put("approximateArrivalTimestamp", new BigDecimal(millis + "E-3"));
                    case 4 -> kinesis.put("approximateArrivalTimestamp", Long.toString(millis / 1000));
                    case 5 -> kinesis.put("approximateArrivalTimestamp", 0);
                    case 6 -> kinesis.putNull("approximateArrivalTimestamp");
                    case 7 -> {} // absent
                    default -> kinesis.put("approximateArrivalTimestamp", new BigDecimal(millis).movePointLeft(3));
                }
                kinesis.put("partitionKey", "k" + i);
                if (random.nextBoolean()) {
                    kinesis.putObject("unknownInKinesis").put("data", "not this");
                }
                ObjectNode entry = Json.mapper().createObjectNode();
                String shard = "shardId-00000000000" + random.nextInt(3);
                String arn = STREAM_ARN + (random.nextInt(4) == 0 ? "-other" : "");
                List<Runnable> fields = new ArrayList<>(List.of(
                        () -> entry.set("kinesis", kinesis),
                        () -> entry.put(
                                "eventID",
                                shard + ":" + kinesis.get("sequenceNumber").asText()),
                        () -> entry.put("eventSourceARN", arn),
                        () -> entry.put("eventSource", "aws:kinesis"),
                        () -> entry.putArray("unknownList").add("eventID").addArray()));
                while (!fields.isEmpty()) {
                    fields.remove(random.nextInt(fields.size())).run();
                }
                array.add(entry);
            }

            assertSameRecords(root.toString(), count);
        }
    }

    private static Record record(int i, byte[] data, Instant arrival) {
        return Record.builder()
                .sequenceNumber(String.format("4959%052d", i))
                .partitionKey("k" + i)
                .approximateArrivalTimestamp(arrival)
                .data(SdkBytes.fromByteArrayUnsafe(data))
                .build();
    }

    /** Both decodings of {@code json} agree record by record; an absent arrival is "now" in both. */
    private static void assertSameRecords(String json, int expectedCount) throws IOException {
        Instant before = Instant.now();
        List<StreamRecord> expected = RuntimeEventRecords.from(LambdaEvents.kinesisEvent(json));
        List<StreamRecord> actual =
                KinesisEventRecords.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
        Instant after = Instant.now();

        assertThat(expected).hasSize(expectedCount);
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            StreamRecord want = expected.get(i);
            StreamRecord got = actual.get(i);
            assertThat(got.position()).as("position of record %d", i).isEqualTo(want.position());
            assertThat(got.data()).as("data of record %d", i).isEqualTo(want.data());
            if (want.arrival().isBefore(before) || want.arrival().isAfter(after)) {
                assertThat(got.arrival()).as("arrival of record %d", i).isEqualTo(want.arrival());
            } else { // absent: both took the time of decoding
                assertThat(got.arrival()).as("arrival of record %d", i).isBetween(before, after);
            }
        }
    }
}
