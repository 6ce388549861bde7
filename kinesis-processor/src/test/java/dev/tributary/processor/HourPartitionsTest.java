package dev.tributary.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.common.layout.Partition;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HourPartitionsTest {

    @Test
    void of_whenManyTypesAndHours_isAlwaysPartitionOf() {
        HourPartitions partitions = new HourPartitions();
        SplittableRandom random = new SplittableRandom(3);
        String[] types = {"page_view", "payment", "sensor_reading", "a", "b_1"};
        long base = Instant.parse("2026-11-22T00:00:00Z").getEpochSecond();
        for (int i = 0; i < 50_000; i++) {
            // within 40 hours either side of a day boundary, more slots than the cache has: hits, misses, evictions
            Instant time =
                    Instant.ofEpochSecond(base + random.nextLong(-40 * 3600, 40 * 3600), random.nextInt(1_000_000_000));
            String type = new String(types[random.nextInt(types.length)]); // equal, not the same instance
            assertThat(partitions.of(type, time)).isEqualTo(Partition.of(type, time));
        }
    }

    @Test
    void of_whenSameTypeAndHour_returnsTheSamePartition() {
        HourPartitions partitions = new HourPartitions();
        Partition first = partitions.of("payment", Instant.parse("2026-11-22T10:00:00Z"));

        assertThat(partitions.of("payment", Instant.parse("2026-11-22T10:59:59.999999999Z")))
                .isSameAs(first);
        assertThat(partitions.of("payment", Instant.parse("2026-11-22T11:00:00Z")))
                .isNotEqualTo(first);
        assertThat(partitions.of("page_view", Instant.parse("2026-11-22T10:30:00Z")))
                .isNotEqualTo(first);
    }
}
