package dev.tributary.devkit.ledger;

import dev.tributary.devkit.ledger.RecordLedger.Position;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the ledger keeps per accepted record, in primitive arrays: the shard (an index into a table of the few shard
 * ids seen), the sequence number as an unsigned 192-bit number (three longs; a Kinesis sequence number is 56 decimal
 * digits, under 2¹⁸⁷), the sub-sequence number, and the two 128-bit digests. About 65 bytes a record, against
 * ~150-200 for the same facts as objects (a {@link Position} with its sequence-number string, two {@link Digest}s and
 * three list slots).
 *
 * <p>{@linkplain #preallocated(int) Preallocated}, the arrays are sized once for the records to come and never grow:
 * a soak that measures its own heap after every round sees the ledger as a constant, not as a slope.
 */
final class LedgerEntries {
    /** Bytes of array space per record: shard int, 3 sequence longs, sub-sequence int, 4 digest longs, a flag. */
    static final int BYTES_PER_RECORD = 4 + 3 * 8 + 4 + 4 * 8 + 1;

    private static final BigInteger LIMIT = BigInteger.ONE.shiftLeft(192);
    private static final int INITIAL = 1024;

    private final boolean fixed;
    private int size;
    private int[] shards;
    private long[] sequences;
    private int[] subSequences;
    private long[] digests;
    private boolean[] curatable;
    private final List<String> shardIds = new ArrayList<>();
    private final Map<String, Integer> shardIndex = new HashMap<>();
    /** A sequence number that is not a canonical decimal under 2¹⁹², kept as text (no emulator or AWS gives one). */
    private final Map<Integer, String> oddSequences = new HashMap<>();

    private LedgerEntries(int capacity, boolean fixed) {
        this.fixed = fixed;
        allocate(capacity);
    }

    /** Arrays that grow as records come (doubling). */
    static LedgerEntries growable() {
        return new LedgerEntries(INITIAL, false);
    }

    /** Arrays for exactly {@code capacity} records, allocated now; one more record is refused. */
    static LedgerEntries preallocated(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity " + capacity + " is negative");
        }
        return new LedgerEntries(capacity, true);
    }

    void add(Position position, Digest bytes, Digest content) {
        if (size == shards.length) {
            if (fixed) {
                throw new IllegalStateException("the ledger was preallocated for " + shards.length + " records and "
                        + "does not grow (it would show in the heap it is sized not to disturb)");
            }
            allocate(Math.max(INITIAL, shards.length * 2));
        }
        int i = size;
        shards[i] = shardIndex.computeIfAbsent(position.shardId(), id -> {
            shardIds.add(id);
            return shardIds.size() - 1;
        });
        storeSequence(i, position.sequenceNumber());
        subSequences[i] = position.subSequenceNumber();
        digests[4 * i] = bytes.high();
        digests[4 * i + 1] = bytes.low();
        curatable[i] = content != null;
        if (content != null) {
            digests[4 * i + 2] = content.high();
            digests[4 * i + 3] = content.low();
        }
        size++;
    }

    int size() {
        return size;
    }

    /** The record's position, rebuilt (allocates: for reconciling, not per accepted record). */
    Position position(int i) {
        return new Position(shardIds.get(shards[i]), sequence(i), subSequences[i]);
    }

    Digest bytes(int i) {
        return new Digest(digests[4 * i], digests[4 * i + 1]);
    }

    /** The expected output content's digest, or null when the record can only be quarantined. */
    Digest content(int i) {
        return curatable[i] ? new Digest(digests[4 * i + 2], digests[4 * i + 3]) : null;
    }

    /** Bytes the arrays occupy now (capacity, not size), without array headers and the small shard table. */
    long footprintBytes() {
        return (long) shards.length * BYTES_PER_RECORD;
    }

    private void storeSequence(int i, String text) {
        BigInteger value = canonical(text);
        if (value == null) {
            oddSequences.put(i, text);
            value = BigInteger.ZERO;
        }
        sequences[3 * i] = value.shiftRight(128).longValue();
        sequences[3 * i + 1] = value.shiftRight(64).longValue();
        sequences[3 * i + 2] = value.longValue();
    }

    private String sequence(int i) {
        String odd = oddSequences.get(i);
        if (odd != null) {
            return odd;
        }
        BigInteger value = unsigned(sequences[3 * i])
                .shiftLeft(128)
                .or(unsigned(sequences[3 * i + 1]).shiftLeft(64))
                .or(unsigned(sequences[3 * i + 2]));
        return value.toString();
    }

    /** The number a decimal text stands for if it prints back as the same text and fits 192 bits, else null. */
    private static BigInteger canonical(String text) {
        if (text == null
                || text.isEmpty()
                || text.length() > 58
                || !text.chars().allMatch(Character::isDigit)) {
            return null;
        }
        BigInteger value = new BigInteger(text);
        return value.compareTo(LIMIT) < 0 && value.toString().equals(text) ? value : null;
    }

    private static BigInteger unsigned(long bits) {
        BigInteger value = BigInteger.valueOf(bits);
        return bits < 0 ? value.add(BigInteger.ONE.shiftLeft(64)) : value;
    }

    private void allocate(int capacity) {
        shards = shards == null ? new int[capacity] : Arrays.copyOf(shards, capacity);
        sequences = sequences == null ? new long[3 * capacity] : Arrays.copyOf(sequences, 3 * capacity);
        subSequences = subSequences == null ? new int[capacity] : Arrays.copyOf(subSequences, capacity);
        digests = digests == null ? new long[4 * capacity] : Arrays.copyOf(digests, 4 * capacity);
        curatable = curatable == null ? new boolean[capacity] : Arrays.copyOf(curatable, capacity);
    }
}
