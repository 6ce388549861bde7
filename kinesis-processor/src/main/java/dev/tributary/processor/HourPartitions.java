package dev.tributary.processor;

import dev.tributary.common.layout.Partition;
import java.time.Instant;

/**
 * The partitions of one batch's records, remembered by type and UTC hour: a batch spans a few types and hours, and
 * {@link Partition#of} builds a calendar date and a partition per call. Not thread-safe; one per batch.
 */
final class HourPartitions {
    private static final int SLOTS = 16;
    private static final long SECONDS_PER_HOUR = 3600;

    private final String[] types = new String[SLOTS];
    private final long[] hours = new long[SLOTS];
    private final Partition[] partitions = new Partition[SLOTS];
    private int used;
    private int next;

    /** The same partition as {@code Partition.of(eventType, eventTime)}. */
    Partition of(String eventType, Instant eventTime) {
        // Every instant of one epoch hour has the same UTC date and hour (UTC has no offset changes).
        long hour = Math.floorDiv(eventTime.getEpochSecond(), SECONDS_PER_HOUR);
        for (int i = 0; i < used; i++) {
            if (hours[i] == hour && types[i].equals(eventType)) {
                return partitions[i];
            }
        }
        Partition partition = Partition.of(eventType, eventTime);
        types[next] = eventType;
        hours[next] = hour;
        partitions[next] = partition;
        next = (next + 1) % SLOTS;
        used = Math.max(used, next == 0 ? SLOTS : next);
        return partition;
    }
}
