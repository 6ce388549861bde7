package dev.tributary.common.layout;

import java.util.regex.Pattern;

/**
 * Where a record sits in a Kinesis stream: stream name, shard id and sequence number.
 *
 * <p>Object names are built from these, so each part is checked to be safe in an S3 key.
 */
public record StreamPosition(String stream, String shardId, String sequenceNumber) {
    private static final Pattern STREAM = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    private static final Pattern SHARD = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    private static final Pattern SEQUENCE = Pattern.compile("[0-9]{1,128}");

    public StreamPosition {
        require(STREAM, stream, "stream name");
        require(SHARD, shardId, "shard id");
        require(SEQUENCE, sequenceNumber, "sequence number");
    }

    /** {@code <stream>.<shardId>.<sequenceNumber>}: the stem of every object name Tributary writes. */
    public String objectStem() {
        return stream + "." + shardId + "." + sequenceNumber;
    }

    private static void require(Pattern pattern, String value, String what) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new IllegalArgumentException("not a valid " + what + ": " + value);
        }
    }
}
