package dev.tributary.common.layout;

/**
 * Where a record sits in a Kinesis stream: stream name, shard id, sequence number and, for a user record packed in
 * a KPL-aggregated Kinesis record, its sub-sequence number (its index in the aggregate).
 *
 * <p>Object names are built from these, so each part is checked to be safe in an S3 key.
 *
 * @param subSequenceNumber the user record's index in its KPL aggregate, or {@link #NOT_AGGREGATED}
 */
public record StreamPosition(String stream, String shardId, String sequenceNumber, int subSequenceNumber) {
    /** The sub-sequence number of a Kinesis record that is not a KPL aggregate. */
    public static final int NOT_AGGREGATED = -1;

    private static final int MAX_LENGTH = 128;

    /** Stream and shard: {@code [A-Za-z0-9_.-]{1,128}}; sequence number: {@code [0-9]{1,128}}. */
    public StreamPosition {
        require(stream, false, "stream name");
        require(shardId, false, "shard id");
        require(sequenceNumber, true, "sequence number");
        if (subSequenceNumber < NOT_AGGREGATED) {
            throw new IllegalArgumentException("not a valid sub-sequence number: " + subSequenceNumber);
        }
    }

    /** A Kinesis record that is not a KPL aggregate. */
    public StreamPosition(String stream, String shardId, String sequenceNumber) {
        this(stream, shardId, sequenceNumber, NOT_AGGREGATED);
    }

    /** The position of user record {@code index} of the KPL aggregate at this position. */
    public StreamPosition subRecord(int index) {
        return new StreamPosition(stream, shardId, sequenceNumber, index);
    }

    /** Whether this is a user record de-aggregated from a KPL aggregate. */
    public boolean isSubRecord() {
        return subSequenceNumber != NOT_AGGREGATED;
    }

    /**
     * {@code <stream>.<shardId>.<sequenceNumber>}, or {@code <stream>.<shardId>.<sequenceNumber>-<subSequence>} for
     * a user record of a KPL aggregate: the stem of every object name Tributary writes. Sequence numbers are digits
     * only, so the {@code -} cannot be confused with a part of one.
     */
    public String objectStem() {
        String stem = stream + "." + shardId + "." + sequenceNumber;
        return isSubRecord() ? stem + "-" + subSequenceNumber : stem;
    }

    // A loop, not a regex: every record of a batch builds a position, and the regex matchers were 5% of a batch's
    // CPU (docs/performance.md).
    private static void require(String value, boolean digitsOnly, String what) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH || !allAllowed(value, digitsOnly)) {
            throw new IllegalArgumentException("not a valid " + what + ": " + value);
        }
    }

    private static boolean allAllowed(String value, boolean digitsOnly) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean allowed = (c >= '0' && c <= '9')
                    || !digitsOnly
                            && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '.' || c == '-');
            if (!allowed) {
                return false;
            }
        }
        return true;
    }
}
