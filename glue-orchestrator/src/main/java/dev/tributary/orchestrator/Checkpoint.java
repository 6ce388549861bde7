package dev.tributary.orchestrator;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One Glue job's checkpoint (see {@code docs/orchestrator.md}; stored by {@link CheckpointStore}, one item per job).
 * Immutable: a transition builds the next checkpoint with {@link #with()} and stores it conditionally.
 *
 * @param version          incremented by every transition: the compare-and-set of tick transitions
 * @param phase            where the job's current window is
 * @param watermark        the end of the last window done (advanced or dead-lettered); the next window's start
 * @param window           the stored window (its partitions are not stored, only {@code windowPartitions}); present
 *                         in every phase but {@link Phase#IDLE}
 * @param windowPartitions how many partitions the stored window has (0 without one)
 * @param runArguments     the Glue arguments of the stored window, exactly as its runs are started (empty without
 *                         one)
 * @param attempts         runs started for the stored window (0 without one)
 * @param runId            the run in flight ({@link Phase#RUNNING})
 * @param lastRunState     the Glue state the last run ended in
 * @param lastRunMessage   its error message, {@code ""} when it had none
 */
public record Checkpoint(
        String jobName,
        long version,
        Phase phase,
        Optional<Instant> watermark,
        Optional<Window> window,
        long windowPartitions,
        Map<String, String> runArguments,
        int attempts,
        Optional<String> runId,
        Optional<Instant> runStartedAt,
        Optional<String> leaseOwner,
        Optional<Instant> leaseExpiresAt,
        Optional<String> lastRunId,
        Optional<String> lastRunState,
        Optional<String> lastRunMessage,
        Optional<Instant> lastRunEndedAt,
        long windowsCompleted,
        long windowsDeadLettered,
        Optional<Instant> updatedAt) {

    /** Where the job's current window is. */
    public enum Phase {
        /** No window pending: the next tick cuts one from the watermark. */
        IDLE,
        /** A tick holds the lease and is starting a run for the stored window. */
        STARTING,
        /** A run ({@code run_id}) is curating the stored window. */
        RUNNING,
        /** The last run of the stored window failed; the next tick runs it again. */
        RETRY
    }

    public Checkpoint {
        Objects.requireNonNull(jobName, "jobName");
        Objects.requireNonNull(phase, "phase");
        runArguments = java.util.Collections.unmodifiableMap(new TreeMap<>(runArguments));
    }

    /** A builder for the next checkpoint, starting from this one with the version incremented. */
    public Builder with() {
        return new Builder(this).version(version + 1);
    }

    /** A builder for a job's first checkpoint (version 1, {@link Phase#IDLE}, nothing else). */
    public static Builder first(String jobName) {
        return new Builder(new Checkpoint(
                jobName,
                1,
                Phase.IDLE,
                Optional.empty(),
                Optional.empty(),
                0,
                Map.of(),
                0,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                0,
                0,
                Optional.empty()));
    }

    /** Builds the next checkpoint: one typed setter per transition step. */
    public static final class Builder {
        private final String jobName;
        private long version;
        private Phase phase;
        private Optional<Instant> watermark;
        private Optional<Window> window;
        private long windowPartitions;
        private Map<String, String> runArguments;
        private int attempts;
        private Optional<String> runId;
        private Optional<Instant> runStartedAt;
        private Optional<String> leaseOwner;
        private Optional<Instant> leaseExpiresAt;
        private Optional<String> lastRunId;
        private Optional<String> lastRunState;
        private Optional<String> lastRunMessage;
        private Optional<Instant> lastRunEndedAt;
        private long windowsCompleted;
        private long windowsDeadLettered;
        private Optional<Instant> updatedAt;

        private Builder(Checkpoint from) {
            jobName = from.jobName;
            version = from.version;
            phase = from.phase;
            watermark = from.watermark;
            window = from.window;
            windowPartitions = from.windowPartitions;
            runArguments = from.runArguments;
            attempts = from.attempts;
            runId = from.runId;
            runStartedAt = from.runStartedAt;
            leaseOwner = from.leaseOwner;
            leaseExpiresAt = from.leaseExpiresAt;
            lastRunId = from.lastRunId;
            lastRunState = from.lastRunState;
            lastRunMessage = from.lastRunMessage;
            lastRunEndedAt = from.lastRunEndedAt;
            windowsCompleted = from.windowsCompleted;
            windowsDeadLettered = from.windowsDeadLettered;
            updatedAt = from.updatedAt;
        }

        private Builder version(long value) {
            version = value;
            return this;
        }

        public Builder phase(Phase value) {
            phase = value;
            return this;
        }

        public Builder watermark(Instant value) {
            watermark = Optional.of(value);
            return this;
        }

        /** A new window to run, with the arguments every attempt of it passes. */
        public Builder window(Window value, Map<String, String> arguments) {
            window = Optional.of(
                    new Window(value.id(), value.start(), value.end(), value.objects(), java.util.List.of()));
            windowPartitions = value.partitions().size();
            runArguments = Map.copyOf(arguments);
            return this;
        }

        public Builder attempts(int value) {
            attempts = value;
            return this;
        }

        /** The lease a tick holds while it starts a run. */
        public Builder lease(String owner, Instant expiresAt) {
            leaseOwner = Optional.of(owner);
            leaseExpiresAt = Optional.of(expiresAt);
            return this;
        }

        public Builder clearLease() {
            leaseOwner = Optional.empty();
            leaseExpiresAt = Optional.empty();
            return this;
        }

        /** The run in flight. */
        public Builder run(String id, Instant startedAt) {
            runId = Optional.of(id);
            runStartedAt = Optional.of(startedAt);
            return this;
        }

        public Builder clearRun() {
            runId = Optional.empty();
            runStartedAt = Optional.empty();
            return this;
        }

        /** How the last run ended ({@code message} null is stored as {@code ""}). */
        public Builder lastRun(String id, String state, String message, Instant endedAt) {
            lastRunId = Optional.of(id);
            lastRunState = Optional.of(state);
            lastRunMessage = Optional.of(message == null ? "" : message);
            lastRunEndedAt = Optional.of(endedAt);
            return this;
        }

        /** Forgets the current window and everything about its runs and lease (done: advanced or dead-lettered). */
        public Builder clearWindow() {
            window = Optional.empty();
            windowPartitions = 0;
            runArguments = Map.of();
            attempts = 0;
            return clearRun().clearLease();
        }

        public Builder windowsCompleted(long value) {
            windowsCompleted = value;
            return this;
        }

        public Builder windowsDeadLettered(long value) {
            windowsDeadLettered = value;
            return this;
        }

        public Builder updatedAt(Instant value) {
            updatedAt = Optional.of(value);
            return this;
        }

        public Checkpoint build() {
            return new Checkpoint(
                    jobName,
                    version,
                    phase,
                    watermark,
                    window,
                    windowPartitions,
                    runArguments,
                    attempts,
                    runId,
                    runStartedAt,
                    leaseOwner,
                    leaseExpiresAt,
                    lastRunId,
                    lastRunState,
                    lastRunMessage,
                    lastRunEndedAt,
                    windowsCompleted,
                    windowsDeadLettered,
                    updatedAt);
        }
    }
}
