package dev.tributary.common.layout;

/**
 * Where a record sits in a Kinesis stream: stream name, shard id and sequence number.
 *
 * <p>Object names are built from these, so each part is checked to be safe in an S3 key.
 */
public record StreamPosition(String stream, String shardId, String sequenceNumber) {
    private static final int MAX_LENGTH = 128;

    /** Stream and shard: {@code [A-Za-z0-9_.-]{1,128}}; sequence number: {@code [0-9]{1,128}}. */
    public StreamPosition {
        require(stream, false, "stream name");
        require(shardId, false, "shard id");
        require(sequenceNumber, true, "sequence number");
    }

    /** {@code <stream>.<shardId>.<sequenceNumber>}: the stem of every object name Tributary writes. */
    public String objectStem() {
        return stream + "." + shardId + "." + sequenceNumber;
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
            boolean allowed = (c >= '0' && c <= '9') || !digitsOnly
                    && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '.' || c == '-');
            if (!allowed) {
                return false;
            }
        }
        return true;
    }
}
