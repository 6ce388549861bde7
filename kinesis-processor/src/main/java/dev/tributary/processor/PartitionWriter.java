package dev.tributary.processor;

import dev.tributary.common.event.QuarantineReason;
import dev.tributary.common.io.S3ObjectStore.PutOutcome;
import dev.tributary.common.layout.Partition;
import java.util.List;

/** Where a batch's groups of records go: one object per raw partition, one for the quarantined records. */
interface PartitionWriter {

    /**
     * A valid record and the line to store for it: the producer's bytes, or, when those span several lines, the
     * same event re-serialised compactly. The parsed tree is not kept: a batch's 3,000 trees would cost several
     * times the batch's size in heap.
     */
    record ValidRecord(StreamRecord record, byte[] line) {}

    /** An invalid record and why. */
    record QuarantinedRecord(StreamRecord record, QuarantineReason reason, String detail) {}

    /** What one write did. */
    record Receipt(String key, PutOutcome outcome, long bytes) {}

    /** Writes the records of one partition (in sequence order) as one raw object and records its metadata. */
    Receipt writeRaw(Partition partition, List<ValidRecord> records) throws Exception;

    /** Writes the batch's invalid records (in sequence order) as one {@code failed/} object and sends a notice. */
    Receipt writeQuarantine(List<QuarantinedRecord> records) throws Exception;
}
