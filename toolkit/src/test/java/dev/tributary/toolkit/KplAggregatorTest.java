package dev.tributary.toolkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.toolkit.KplAggregator.UserRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KplAggregatorTest {
    private static List<UserRecord> records(int count, int bytes) {
        List<UserRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] data = new byte[bytes];
            Arrays.fill(data, (byte) 'x');
            records.add(new UserRecord("key-" + (i % 13), data));
        }
        return records;
    }

    @Test
    void aggregate_whenEncoded_startsWithTheMagicAndEndsWithTheMd5OfTheProtobuf() {
        byte[] aggregate = KplAggregator.aggregate(records(3, 10));

        assertThat(Arrays.copyOf(aggregate, 4)).containsExactly(0xF3, 0x89, 0x9A, 0xC2);
        byte[] protobuf = Arrays.copyOfRange(aggregate, 4, aggregate.length - 16);
        assertThat(Arrays.copyOfRange(aggregate, aggregate.length - 16, aggregate.length))
                .isEqualTo(KplAggregator.md5(protobuf));
        // partition_key_table: "key-0", "key-1", "key-2" (field 1, length 5), in first-use order
        assertThat(new String(protobuf, 0, 7, StandardCharsets.ISO_8859_1)).isEqualTo("\n\u0005key-0");
    }

    @Test
    void pack_whenRecordsExceedTheLimit_fillsEachAggregateUpToItAndNeverBeyond() {
        List<UserRecord> records = records(2_000, 300);

        List<List<UserRecord>> runs = KplAggregator.pack(records, KplAggregator.DEFAULT_MAX_BYTES);

        assertThat(runs.stream().mapToInt(List::size).sum()).isEqualTo(2_000);
        for (int i = 0; i < runs.size(); i++) {
            int size = KplAggregator.aggregate(runs.get(i)).length;
            assertThat(size).isLessThanOrEqualTo(KplAggregator.DEFAULT_MAX_BYTES);
            if (i < runs.size() - 1) { // the next record would not have fitted
                List<UserRecord> oneMore = new ArrayList<>(runs.get(i));
                oneMore.add(runs.get(i + 1).getFirst());
                assertThat(KplAggregator.aggregate(oneMore).length).isGreaterThan(KplAggregator.DEFAULT_MAX_BYTES);
            }
        }
    }

    @Test
    void pack_whenOneRecordAloneExceedsTheLimit_givesItAnAggregateOfItsOwn() {
        List<List<UserRecord>> runs = KplAggregator.pack(records(3, 60_000), KplAggregator.DEFAULT_MAX_BYTES);

        assertThat(runs).hasSize(3).allSatisfy(run -> assertThat(run).hasSize(1));
    }
}
