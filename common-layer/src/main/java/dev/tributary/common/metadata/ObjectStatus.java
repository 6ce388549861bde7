package dev.tributary.common.metadata;

/** Where a raw object is in the pipeline. */
public enum ObjectStatus {
    /** Written to raw by the kinesis-processor; not yet transformed. */
    WRITTEN,
    /** Transformed into the processed bucket. */
    PROCESSED,
    /** The transformer could not process it; {@code failure_reason} says why. */
    FAILED
}
