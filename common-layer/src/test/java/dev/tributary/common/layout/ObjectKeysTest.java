package dev.tributary.common.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectKeysTest {
    private static final StreamPosition FIRST = new StreamPosition(
            "events", "shardId-000000000001", "49590338271490256608559692538361571095921575989136588898");

    @Test
    void raw_whenEventTimeIsLate_usesUtcDateAndZeroPaddedHour() {
        Partition partition = Partition.of("page_view", Instant.parse("2026-11-22T03:59:59.999Z"));

        assertThat(ObjectKeys.raw(partition, FIRST))
                .isEqualTo(
                        "raw/event_type=page_view/dt=2026-11-22/hr=03/"
                                + "events.shardId-000000000001.49590338271490256608559692538361571095921575989136588898.jsonl.gz");
    }

    @Test
    void failed_whenArrivalGiven_partitionsByArrivalWithoutEventType() {
        assertThat(ObjectKeys.failed(Instant.parse("2026-11-22T23:00:00Z"), FIRST))
                .isEqualTo("failed/dt=2026-11-22/hr=23/events.shardId-000000000001."
                        + "49590338271490256608559692538361571095921575989136588898.jsonl");
    }

    @Test
    void raw_whenFirstRecordIsAKplSubRecord_namesSequenceAndSubSequence() {
        Partition partition = Partition.of("page_view", Instant.parse("2026-11-22T03:00:00Z"));

        String key = ObjectKeys.raw(partition, FIRST.subRecord(17));

        assertThat(key)
                .isEqualTo("raw/event_type=page_view/dt=2026-11-22/hr=03/events.shardId-000000000001."
                        + "49590338271490256608559692538361571095921575989136588898-17.jsonl.gz");
        assertThat(ObjectKeys.parse(key).orElseThrow().name())
                .isEqualTo(FIRST.subRecord(17).objectStem());
        assertThat(ObjectKeys.processedFor(key)).isEqualTo(key.replaceFirst("^raw/", "processed/"));
    }

    @Test
    void processedFor_whenRawKey_keepsPartitionAndName() {
        String raw = ObjectKeys.raw(Partition.of("payment", Instant.parse("2026-01-02T10:00:00Z")), FIRST);

        assertThat(ObjectKeys.processedFor(raw)).isEqualTo(raw.replaceFirst("^raw/", "processed/"));
    }

    @Test
    void parse_whenRawKey_roundTrips() {
        Partition partition = Partition.of("sensor_reading", Instant.parse("2026-01-02T10:00:00Z"));
        String key = ObjectKeys.raw(partition, FIRST);

        ObjectKeys.DataKey parsed = ObjectKeys.parse(key).orElseThrow();

        assertThat(parsed.area()).isEqualTo("raw");
        assertThat(parsed.partition()).isEqualTo(partition);
        assertThat(parsed.name()).isEqualTo(FIRST.objectStem());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "raw/event_type=../dt=2026-01-01/hr=00/a.jsonl.gz",
                "raw/event_type=x/dt=2026-13-01/hr=00/a.jsonl.gz",
                "raw/event_type=x/dt=2026-01-01/hr=24/a.jsonl.gz",
                "raw/event_type=x/dt=2026-01-01/hr=00/sub/a.jsonl.gz",
                "failed/dt=2026-01-01/hr=00/a.jsonl",
                "raw/event_type=x/dt=2026-01-01/hr=00/a.json"
            })
    void parse_whenNotOneOfOurDataKeys_returnsEmpty(String key) {
        assertThat(ObjectKeys.parse(key)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "a/b", "a=b", "Upper", "ü", ""})
    void partition_whenEventTypeUnsafe_refuses(String type) {
        assertThatThrownBy(() -> new Partition(type, LocalDate.of(2026, 1, 1), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("event_type is not a safe partition value");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../shard", "shard/1", "shard 1", ""})
    void streamPosition_whenShardIdUnsafe_refuses(String shard) {
        assertThatThrownBy(() -> new StreamPosition("events", shard, "1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a valid shard id");
    }

    @Test
    void rawFor_whenProcessedKey_givesTheRawObjectsKeyAndLeavesARawKeyAlone() {
        String raw = "raw/event_type=page_view/dt=2024-03-01/hr=07/events.shardId-000000000000.4955.jsonl.gz";

        assertThat(ObjectKeys.rawFor(ObjectKeys.processedFor(raw))).isEqualTo(raw);
        assertThat(ObjectKeys.rawFor(raw)).isEqualTo(raw);
    }
}
