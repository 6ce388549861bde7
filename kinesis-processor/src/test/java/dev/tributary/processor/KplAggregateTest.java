package dev.tributary.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.toolkit.KplAggregator;
import dev.tributary.toolkit.KplAggregator.Entry;
import dev.tributary.toolkit.KplAggregator.UserRecord;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The reader against aggregates built by devkit's {@link KplAggregator}, an independent writer of the documented
 * format, and against hand-written protobuf bytes for what that writer never produces (tags, unknown fields).
 */
class KplAggregateTest {
    /** Kinesis' limit on one record's data: an aggregate can be no larger. */
    static final int KINESIS_RECORD_LIMIT = 1024 * 1024;

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static List<UserRecord> users(int count, String prefix) {
        List<UserRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(new UserRecord("pk-" + (i % 7), utf8("{\"n\":\"" + prefix + i + "\"}")));
        }
        return records;
    }

    private static List<String> texts(KplAggregate.Unpacked unpacked) {
        assertThat(unpacked).isInstanceOf(KplAggregate.UserRecords.class);
        return ((KplAggregate.UserRecords) unpacked)
                .data().stream().map(d -> new String(d, StandardCharsets.UTF_8)).toList();
    }

    private static String corruptDetail(byte[] data) {
        KplAggregate.Unpacked unpacked = KplAggregate.unpack(data);
        assertThat(unpacked).isInstanceOf(KplAggregate.Corrupt.class);
        return ((KplAggregate.Corrupt) unpacked).detail();
    }

    /** Replaces the protobuf between magic and trailer, re-sealing it with its MD5 as a producer would. */
    private static byte[] sealed(byte[] protobuf) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(KplAggregate.MAGIC);
        out.writeBytes(protobuf);
        out.writeBytes(KplAggregator.md5(protobuf));
        return out.toByteArray();
    }

    private static byte[] protobufOf(byte[] aggregate) {
        return Arrays.copyOfRange(aggregate, 4, aggregate.length - 16);
    }

    @Nested
    class Intact {
        @Test
        void unpack_whenPlainJson_isNotAggregated() {
            assertThat(KplAggregate.unpack(utf8("{\"event_id\":\"x\"}")))
                    .isInstanceOf(KplAggregate.NotAggregated.class);
            assertThat(KplAggregate.unpack(new byte[0])).isInstanceOf(KplAggregate.NotAggregated.class);
        }

        @Test
        void unpack_whenSingleRecordAggregate_returnsItsOneRecord() {
            byte[] aggregate = KplAggregator.aggregate(List.of(new UserRecord("k", utf8("{\"a\":1}"))));

            assertThat(texts(KplAggregate.unpack(aggregate))).containsExactly("{\"a\":1}");
        }

        @Test
        void unpack_whenManyRecordsSharingKeys_returnsThemInOrder() {
            List<UserRecord> records = users(500, "r");
            byte[] aggregate = KplAggregator.aggregate(records);

            assertThat(texts(KplAggregate.unpack(aggregate)))
                    .isEqualTo(records.stream()
                            .map(r -> new String(r.data(), StandardCharsets.UTF_8))
                            .toList());
        }

        @Test
        void unpack_whenAggregateFillsTheKinesisRecordLimit_returnsEveryRecord() {
            // The smallest user record the processor could accept as JSON is a few bytes: pack as many as fit in
            // 1 MiB, the largest aggregate Kinesis can carry.
            List<UserRecord> records = new ArrayList<>();
            for (int i = 0; i < 200_000; i++) {
                records.add(new UserRecord("k", utf8("{}")));
            }
            List<List<UserRecord>> runs = KplAggregator.pack(records, KINESIS_RECORD_LIMIT);
            byte[] aggregate = KplAggregator.aggregate(runs.getFirst());

            assertThat(aggregate.length)
                    .isLessThanOrEqualTo(KINESIS_RECORD_LIMIT)
                    .isGreaterThan(KINESIS_RECORD_LIMIT - 16);
            // 8 bytes per "{}" record (record tag and length, index field, data tag, length and bytes), 23 for
            // magic, key table and MD5: 131,069 user records in one Kinesis record.
            assertThat(runs.getFirst().size()).isEqualTo(131_069);
            assertThat(texts(KplAggregate.unpack(aggregate)))
                    .hasSize(runs.getFirst().size());
        }

        @Test
        void unpack_whenLastUserRecordIsEmpty_returnsItAsAnEmptyRecord() {
            byte[] aggregate = KplAggregator.aggregate(
                    List.of(new UserRecord("k", utf8("{\"a\":1}")), new UserRecord("k", new byte[0])));

            assertThat(texts(KplAggregate.unpack(aggregate))).containsExactly("{\"a\":1}", "");
        }

        @Test
        void unpack_whenRecordsCarryTagsExplicitHashKeysAndUnknownFields_skipsThem() {
            // partition_key_table "k"; explicit_hash_key_table "1"; a record with pk 0, ehk 0, data "{}", a tag
            // {key "t", value "v"}, and an unknown varint field 9; then an unknown fixed32 field 15 at top level.
            byte[] record = {
                0x08, 0x00, 0x10, 0x00, 0x1A, 0x02, '{', '}', 0x22, 0x06, 0x0A, 0x01, 't', 0x12, 0x01, 'v', 0x48, 0x05
            };
            ByteArrayOutputStream protobuf = new ByteArrayOutputStream();
            protobuf.writeBytes(new byte[] {0x0A, 0x01, 'k', 0x12, 0x01, '1', 0x1A, (byte) record.length});
            protobuf.writeBytes(record);
            protobuf.writeBytes(new byte[] {0x7D, 1, 2, 3, 4});

            assertThat(texts(KplAggregate.unpack(sealed(protobuf.toByteArray()))))
                    .containsExactly("{}");
        }

        @Test
        void unpack_whenTablesFollowTheRecords_acceptsIndexesIntoThem() {
            byte[] record = {0x08, 0x00, 0x1A, 0x02, '{', '}'};
            ByteArrayOutputStream protobuf = new ByteArrayOutputStream();
            protobuf.writeBytes(new byte[] {0x1A, (byte) record.length});
            protobuf.writeBytes(record);
            protobuf.writeBytes(new byte[] {0x0A, 0x01, 'k'});

            assertThat(texts(KplAggregate.unpack(sealed(protobuf.toByteArray()))))
                    .containsExactly("{}");
        }
    }

    @Nested
    class Corrupt {
        private final byte[] good = KplAggregator.aggregate(users(20, "c"));

        @Test
        void unpack_whenTrailerDoesNotMatch_isCorruptNamingTheMd5() {
            byte[] altered = good.clone();
            altered[altered.length - 1] ^= 1;

            assertThat(corruptDetail(altered)).contains("MD5");
        }

        @Test
        void unpack_whenDataAlteredInTransit_isCorruptNamingTheMd5() {
            byte[] altered = good.clone();
            altered[40] ^= 0x20;

            assertThat(corruptDetail(altered)).contains("MD5");
        }

        @Test
        void unpack_whenCutShort_isCorrupt() {
            assertThat(corruptDetail(Arrays.copyOf(good, good.length / 2))).contains("MD5");
            assertThat(corruptDetail(Arrays.copyOf(good, 10))).startsWith("truncated");
            assertThat(corruptDetail(KplAggregate.MAGIC.clone())).startsWith("truncated");
        }

        @Test
        void unpack_whenProtobufTruncatedButResealed_isCorruptNamingTheTruncation() {
            byte[] protobuf = protobufOf(good);

            assertThat(corruptDetail(sealed(Arrays.copyOf(protobuf, protobuf.length - 3))))
                    .startsWith("truncated");
        }

        @Test
        void unpack_whenNoUserRecords_isCorrupt() {
            assertThat(corruptDetail(KplAggregator.encode(List.of("k"), List.of(), List.of())))
                    .contains("no user records");
            assertThat(corruptDetail(sealed(new byte[0]))).contains("no user records");
        }

        @Test
        void unpack_whenPartitionKeyIndexOutOfRange_isCorruptNamingTheRecord() {
            byte[] aggregate = KplAggregator.encode(
                    List.of("k"), List.of(), List.of(new Entry(0, -1, utf8("{}")), new Entry(1, -1, utf8("{}"))));

            assertThat(corruptDetail(aggregate))
                    .isEqualTo("user record 1: partition_key_index 1 out of range (table has 1)");
        }

        @Test
        void unpack_whenExplicitHashKeyIndexOutOfRange_isCorrupt() {
            byte[] aggregate = KplAggregator.encode(List.of("k"), List.of(), List.of(new Entry(0, 0, utf8("{}"))));

            assertThat(corruptDetail(aggregate)).contains("explicit_hash_key_index 0 out of range");
        }

        @Test
        void unpack_whenIndexIsAHugeUnsignedVarint_isCorrupt() {
            byte[] aggregate = KplAggregator.encode(List.of("k"), List.of(), List.of(new Entry(-1L, -1, utf8("{}"))));

            assertThat(corruptDetail(aggregate)).contains("partition_key_index").contains("out of range");
        }

        @Test
        void unpack_whenRequiredDataMissing_isCorrupt() {
            byte[] record = {0x08, 0x00};
            assertThat(corruptDetail(sealed(new byte[] {0x0A, 0x01, 'k', 0x1A, 0x02, record[0], record[1]})))
                    .isEqualTo("user record 0 has no data (required)");
        }

        @Test
        void unpack_whenUnsupportedWireType_isCorrupt() {
            assertThat(corruptDetail(sealed(new byte[] {0x0F}))).contains("wire type 7");
        }
    }
}
