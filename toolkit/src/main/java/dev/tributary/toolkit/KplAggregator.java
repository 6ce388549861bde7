package dev.tributary.toolkit;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Packs user records into Kinesis records the way the Kinesis Producer Library does, for producers that test and
 * demonstrate the processor's de-aggregation ({@code tributary produce --kpl-aggregate}, the demo, the soak, the
 * processor's tests).
 *
 * <p>The format, from amazon-kinesis-producer's {@code aggregation-format.md}: "the magic number
 * {@code 0xF3 0x89 0x9A 0xC2}", then the protobuf-serialised {@code AggregatedRecord}, then "the MD5 checksum of the
 * protobuf message" (16 bytes). A partition key used by several user records is stored once in
 * {@code partition_key_table} and referenced by index, as the KPL does. This writer shares no code with the
 * processor's reader ({@code KplAggregate}), so a test of one against the other checks both against the format.
 */
public final class KplAggregator {
    /** The KPL's {@code AggregationMaxSize} default: an aggregate's bytes, magic and MD5 included. */
    public static final int DEFAULT_MAX_BYTES = 51_200;

    private static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};
    private static final int MD5_BYTES = 16;

    private KplAggregator() {}

    /** One user record: its partition key and data. */
    public record UserRecord(String partitionKey, byte[] data) {}

    /**
     * One {@code Record} message as written, for tests that need what the KPL never writes (an index out of range).
     *
     * @param explicitHashKeyIndex -1 to leave the optional field out
     */
    public record Entry(long partitionKeyIndex, long explicitHashKeyIndex, byte[] data) {}

    /** One aggregate holding {@code records}, in order: the sub-sequence number of each is its index. */
    public static byte[] aggregate(List<UserRecord> records) {
        Map<String, Integer> keys = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>(records.size());
        for (UserRecord record : records) {
            int index = keys.computeIfAbsent(record.partitionKey(), k -> keys.size());
            entries.add(new Entry(index, -1, record.data()));
        }
        return encode(List.copyOf(keys.keySet()), List.of(), entries);
    }

    /**
     * Splits {@code records} into consecutive runs, each as many as fit in one aggregate of at most {@code maxBytes}
     * (the KPL's {@code AggregationMaxSize}); a record too large to share an aggregate gets one of its own.
     */
    public static List<List<UserRecord>> pack(List<UserRecord> records, int maxBytes) {
        List<List<UserRecord>> runs = new ArrayList<>();
        List<UserRecord> run = new ArrayList<>();
        Map<String, Integer> keys = new LinkedHashMap<>();
        long size = MAGIC.length + MD5_BYTES;
        for (UserRecord record : records) {
            long added = recordBytes(record, keys.getOrDefault(record.partitionKey(), keys.size()))
                    + (keys.containsKey(record.partitionKey()) ? 0 : field(utf8(record.partitionKey()).length));
            if (!run.isEmpty() && size + added > maxBytes) {
                runs.add(run);
                run = new ArrayList<>();
                keys.clear();
                size = MAGIC.length + MD5_BYTES;
                added = recordBytes(record, 0) + field(utf8(record.partitionKey()).length);
            }
            keys.putIfAbsent(record.partitionKey(), keys.size());
            run.add(record);
            size += added;
        }
        if (!run.isEmpty()) {
            runs.add(run);
        }
        return runs;
    }

    /** The Kinesis record for the given tables and entries: magic, protobuf, MD5 of the protobuf. */
    public static byte[] encode(List<String> partitionKeys, List<String> explicitHashKeys, List<Entry> entries) {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        for (String key : partitionKeys) {
            lengthDelimited(message, 1, utf8(key));
        }
        for (String key : explicitHashKeys) {
            lengthDelimited(message, 2, utf8(key));
        }
        for (Entry entry : entries) {
            ByteArrayOutputStream record = new ByteArrayOutputStream();
            tag(record, 1, 0);
            varint(record, entry.partitionKeyIndex());
            if (entry.explicitHashKeyIndex() >= 0) {
                tag(record, 2, 0);
                varint(record, entry.explicitHashKeyIndex());
            }
            lengthDelimited(record, 3, entry.data());
            lengthDelimited(message, 3, record.toByteArray());
        }
        byte[] protobuf = message.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream(protobuf.length + MAGIC.length + MD5_BYTES);
        out.writeBytes(MAGIC);
        out.writeBytes(protobuf);
        out.writeBytes(md5(protobuf));
        return out.toByteArray();
    }

    /** The MD5 digest the trailer carries (tests that re-seal an altered protobuf). */
    public static byte[] md5(byte[] protobuf) {
        try {
            return MessageDigest.getInstance("MD5").digest(protobuf);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE has MD5", e);
        }
    }

    private static long recordBytes(UserRecord record, int keyIndex) {
        long inner = 1 + varintSize(keyIndex) + field(record.data().length);
        return 1 + varintSize(inner) + inner;
    }

    /** Bytes of a length-delimited field of {@code length} bytes with a one-byte tag. */
    private static long field(long length) {
        return 1 + varintSize(length) + length;
    }

    private static int varintSize(long value) {
        int size = 1;
        while ((value >>>= 7) != 0) {
            size++;
        }
        return size;
    }

    private static void lengthDelimited(ByteArrayOutputStream out, int field, byte[] bytes) {
        tag(out, field, 2);
        varint(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static void tag(ByteArrayOutputStream out, int field, int wireType) {
        varint(out, ((long) field << 3) | wireType);
    }

    private static void varint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
