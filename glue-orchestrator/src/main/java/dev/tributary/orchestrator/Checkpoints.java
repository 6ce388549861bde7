package dev.tributary.orchestrator;

import java.util.Optional;

/**
 * The checkpoint table as the state machine uses it (a port; {@link CheckpointStore} is the table). Every write is a
 * compare-and-set: on the checkpoint's {@code version} (tick transitions), on its run id (run outcomes) or on its
 * lease owner (a tick finishing or undoing its own lease).
 */
public interface Checkpoints {
    /** The job's checkpoint, read consistently. */
    Optional<Checkpoint> read(String jobName);

    /**
     * Writes {@code next} if the stored checkpoint is still {@code current} (same version), or there is still none.
     *
     * @return false when another invocation changed it first
     */
    boolean replace(Optional<Checkpoint> current, Checkpoint next);

    /**
     * Writes {@code next} if the stored checkpoint still has run {@code runId} in flight and is still {@code current}.
     */
    boolean replaceRun(Checkpoint current, String runId, Checkpoint next);

    /** Writes {@code next} if the stored checkpoint is still leased by {@code leaseOwner}. */
    boolean replaceLeased(String leaseOwner, Checkpoint next);

    /**
     * Puts back exactly what was there before a lease (or deletes the checkpoint when there was none), if it is still
     * leased by {@code leaseOwner}: a refused start leaves the checkpoint as the tick found it.
     */
    boolean restore(String jobName, Optional<Checkpoint> before, String leaseOwner);
}
