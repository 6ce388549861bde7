package dev.tributary.processor;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the Kinesis Producer Library's aggregated record format, so each user record it packs is validated and
 * stored on its own.
 *
 * <p>The format (amazon-kinesis-producer, {@code aggregation-format.md}): the 4 magic bytes {@code F3 89 9A C2}, a
 * protobuf (proto2) {@code AggregatedRecord}, then the 16-byte MD5 of those protobuf bytes. The message:
 * <pre>
 * AggregatedRecord { repeated string partition_key_table = 1; repeated string explicit_hash_key_table = 2;
 *                    repeated Record records = 3; }
 * Record { required uint64 partition_key_index = 1; optional uint64 explicit_hash_key_index = 2;
 *          required bytes data = 3; repeated Tag tags = 4; }
 * Tag    { required string key = 1; optional string value = 2; }
 * </pre>
 *
 * <p>A small reader of that wire format instead of protobuf-java: it needs varints and length-delimited fields
 * only, about 150 lines, where protobuf-java adds 1.7 MB to a 15 MB function jar (and its class loading to the
 * cold start). No JSON event can start with the magic ({@code C2} cannot follow {@code F3 89 9A} in UTF-8), so a
 * record that starts with it is an aggregate or garbage, never a valid plain event.
 *
 * <p>Where the KCL's de-aggregator hands a record whose MD5 does not match back as one plain record, Tributary
 * quarantines it whole ({@code kpl_corrupt}): its bytes would fail as {@code not_utf8} anyway, and the specific
 * reason tells the producer's owner what broke.
 */
final class KplAggregate {
    static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};
    static final int MD5_BYTES = 16;

    private static final int WIRE_VARINT = 0;
    private static final int WIRE_FIXED64 = 1;
    private static final int WIRE_LENGTH_DELIMITED = 2;
    private static final int WIRE_FIXED32 = 5;

    private KplAggregate() {}

    /** What a Kinesis record's bytes are. */
    sealed interface Unpacked {}

    /** Not an aggregate: the bytes are one record, handled as before. */
    record NotAggregated() implements Unpacked {}

    /** The answer for almost every record: one instance, not one per record. */
    private static final NotAggregated NOT_AGGREGATED = new NotAggregated();

    /** An intact aggregate: its user records' data, in order (the index is the sub-sequence number). */
    record UserRecords(List<byte[]> data) implements Unpacked {}

    /** An aggregate that cannot be read, and why. */
    record Corrupt(String detail) implements Unpacked {}

    static boolean hasMagic(byte[] data) {
        return data.length >= MAGIC.length && Arrays.equals(data, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /** Splits {@code data} into its user records if it is a KPL aggregate. */
    static Unpacked unpack(byte[] data) {
        if (!hasMagic(data)) {
            return NOT_AGGREGATED;
        }
        if (data.length < MAGIC.length + MD5_BYTES) {
            return new Corrupt("truncated: " + data.length + " bytes, shorter than the magic and the MD5 trailer");
        }
        int end = data.length - MD5_BYTES;
        byte[] digest = md5(data, MAGIC.length, end - MAGIC.length);
        if (!Arrays.equals(digest, 0, MD5_BYTES, data, end, data.length)) {
            return new Corrupt("MD5 of the " + (end - MAGIC.length) + " protobuf bytes does not match the trailer "
                    + "(truncated or altered in transit)");
        }
        try {
            return new UserRecords(new Reader(data, MAGIC.length, end).aggregatedRecord());
        } catch (MalformedException e) {
            return new Corrupt(e.getMessage());
        }
    }

    private static byte[] md5(byte[] data, int offset, int length) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(data, offset, length);
            return md5.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE has MD5", e);
        }
    }

    /** Why an aggregate whose MD5 matched is still unreadable. */
    private static final class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message, null, false, false);
        }
    }

    /** A protobuf reader over {@code data[position, end)}. */
    private static final class Reader {
        private final byte[] data;
        private int position;
        private final int end;

        Reader(byte[] data, int position, int end) {
            this.data = data;
            this.position = position;
            this.end = end;
        }

        List<byte[]> aggregatedRecord() throws MalformedException {
            int partitionKeys = 0;
            int explicitHashKeys = 0;
            // Indexes are checked after the whole message: protobuf allows the tables after the records.
            List<long[]> indexes = new ArrayList<>();
            List<byte[]> records = new ArrayList<>();
            while (position < end) {
                long tag = varint("field tag");
                int field = (int) (tag >>> 3);
                int wireType = (int) (tag & 7);
                if (field == 1 && wireType == WIRE_LENGTH_DELIMITED) {
                    skipLengthDelimited();
                    partitionKeys++;
                } else if (field == 2 && wireType == WIRE_LENGTH_DELIMITED) {
                    skipLengthDelimited();
                    explicitHashKeys++;
                } else if (field == 3 && wireType == WIRE_LENGTH_DELIMITED) {
                    int length = length();
                    Reader record = new Reader(data, position, position + length);
                    long[] recordIndexes = new long[2];
                    records.add(record.record(records.size(), recordIndexes));
                    indexes.add(recordIndexes);
                    position += length;
                } else {
                    skip(field, wireType);
                }
            }
            if (records.isEmpty()) {
                throw new MalformedException("the aggregate holds no user records");
            }
            for (int i = 0; i < indexes.size(); i++) {
                long partitionKey = indexes.get(i)[0];
                long explicitHashKey = indexes.get(i)[1];
                if (partitionKey >= partitionKeys) {
                    throw new MalformedException("user record " + i + ": partition_key_index " + partitionKey
                            + " out of range (table has " + partitionKeys + ")");
                }
                if (explicitHashKey >= 0 && explicitHashKey >= explicitHashKeys) {
                    throw new MalformedException("user record " + i + ": explicit_hash_key_index " + explicitHashKey
                            + " out of range (table has " + explicitHashKeys + ")");
                }
            }
            return records;
        }

        /** One {@code Record}; {@code indexes} receives its partition key index and explicit hash key index (-1). */
        byte[] record(int index, long[] indexes) throws MalformedException {
            byte[] payload = null;
            indexes[0] = -1;
            indexes[1] = -1;
            while (position < end) {
                long tag = varint("user record " + index + " field tag");
                int field = (int) (tag >>> 3);
                int wireType = (int) (tag & 7);
                if (field == 1 && wireType == WIRE_VARINT) {
                    indexes[0] = unsigned(varint("partition_key_index"));
                } else if (field == 2 && wireType == WIRE_VARINT) {
                    indexes[1] = unsigned(varint("explicit_hash_key_index"));
                } else if (field == 3 && wireType == WIRE_LENGTH_DELIMITED) {
                    int length = length();
                    payload = Arrays.copyOfRange(data, position, position + length);
                    position += length;
                } else {
                    skip(field, wireType); // tags (4) and unknown fields: not needed to store the record
                }
            }
            if (indexes[0] < 0) {
                throw new MalformedException("user record " + index + " has no partition_key_index (required)");
            }
            if (payload == null) {
                throw new MalformedException("user record " + index + " has no data (required)");
            }
            return payload;
        }

        private static long unsigned(long value) {
            return value < 0 ? Long.MAX_VALUE : value; // above 2^63: out of any table's range
        }

        private void skip(int field, int wireType) throws MalformedException {
            if (field == 0) {
                throw new MalformedException("field number 0 at byte " + position);
            }
            switch (wireType) {
                case WIRE_VARINT -> varint("field " + field);
                case WIRE_FIXED64 -> advance(8, field);
                case WIRE_LENGTH_DELIMITED -> skipLengthDelimited();
                case WIRE_FIXED32 -> advance(4, field);
                default -> throw new MalformedException("field " + field + " has unsupported wire type " + wireType);
            }
        }

        private void advance(int bytes, int field) throws MalformedException {
            if (end - position < bytes) {
                throw new MalformedException("truncated: field " + field + " runs past the end of the message");
            }
            position += bytes;
        }

        private void skipLengthDelimited() throws MalformedException {
            int length = length(); // not "position += length()": that adds to the position before the length
            position += length;
        }

        private int length() throws MalformedException {
            long length = varint("length");
            if (length < 0 || length > end - position) {
                throw new MalformedException("truncated: a field of " + Long.toUnsignedString(length)
                        + " bytes at byte " + position + " runs past the end of its message (" + end + ")");
            }
            return (int) length;
        }

        private long varint(String what) throws MalformedException {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (position >= end) {
                    throw new MalformedException("truncated: " + what + " runs past the end of its message");
                }
                byte b = data[position++];
                value |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new MalformedException(what + " is a varint longer than 10 bytes");
        }
    }
}
