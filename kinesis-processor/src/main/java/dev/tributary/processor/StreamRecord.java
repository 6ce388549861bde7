package dev.tributary.processor;

import dev.tributary.common.layout.StreamPosition;
import java.time.Instant;

/**
 * One Kinesis record as the processor sees it, decoded from Lambda's event at the edge.
 *
 * @param position stream, shard and sequence number
 * @param arrival  Kinesis' approximate arrival time
 * @param data     the producer's bytes, base64-decoded
 */
public record StreamRecord(StreamPosition position, Instant arrival, byte[] data) {}
