package dev.tributary.processor;

import java.util.Optional;

/**
 * What processing one batch did.
 *
 * @param records          Kinesis records in the batch
 * @param userRecords      user records: a KPL aggregate counts its user records (a corrupt one counts one), any
 *                         other Kinesis record counts one
 * @param aggregates       Kinesis records that were KPL aggregates (corrupt ones included)
 * @param valid            user records written to {@code raw/} (or already there from an earlier attempt)
 * @param quarantined      user records written to {@code failed/}
 * @param objectsCreated   objects written for the first time
 * @param objectsUnchanged objects an earlier attempt had already written with the same bytes
 * @param objectsReplaced  objects rewritten with different bytes (a retried batch with other boundaries)
 * @param bytesWritten     compressed bytes uploaded
 * @param failedWrites     partitions whose write failed after the SDK's retries
 * @param retryFrom        the sequence number Lambda must retry from, when a write failed
 * @param firstSequence    sequence number of the batch's first record (for logs), empty for an empty batch
 * @param lastSequence     sequence number of the batch's last record (for logs)
 */
public record BatchResult(
        int records,
        int userRecords,
        int aggregates,
        int valid,
        int quarantined,
        int objectsCreated,
        int objectsUnchanged,
        int objectsReplaced,
        long bytesWritten,
        int failedWrites,
        Optional<String> retryFrom,
        Optional<String> firstSequence,
        Optional<String> lastSequence) {

    /** The result for an empty batch. */
    public static BatchResult empty() {
        return new BatchResult(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Optional.empty(), Optional.empty(), Optional.empty());
    }
}
