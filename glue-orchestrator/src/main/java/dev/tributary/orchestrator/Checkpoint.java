package dev.tributary.orchestrator;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One Glue job's item in the checkpoint table (see {@code docs/orchestrator.md} for every attribute), read-only.
 * Transitions build the next item with {@link #with()} and store it conditionally.
 */
public final class Checkpoint {
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

    public static final String JOB_NAME = "job_name";
    public static final String VERSION = "version";
    public static final String PHASE = "phase";
    public static final String WATERMARK = "watermark";
    public static final String WINDOW_ID = "window_id";
    public static final String WINDOW_START = "window_start";
    public static final String WINDOW_END = "window_end";
    public static final String WINDOW_OBJECTS = "window_objects";
    public static final String WINDOW_PARTITIONS = "window_partitions";
    public static final String RUN_ARGUMENTS = "run_arguments";
    public static final String ATTEMPTS = "attempts";
    public static final String RUN_ID = "run_id";
    public static final String RUN_STARTED_AT = "run_started_at";
    public static final String LEASE_OWNER = "lease_owner";
    public static final String LEASE_EXPIRES_AT = "lease_expires_at";
    public static final String LAST_RUN_ID = "last_run_id";
    public static final String LAST_RUN_STATE = "last_run_state";
    public static final String LAST_RUN_MESSAGE = "last_run_message";
    public static final String LAST_RUN_ENDED_AT = "last_run_ended_at";
    public static final String WINDOWS_COMPLETED = "windows_completed";
    public static final String WINDOWS_DEAD_LETTERED = "windows_dead_lettered";
    public static final String UPDATED_AT = "updated_at";

    /** The attributes that describe the current window; cleared when it is done. */
    static final List<String> WINDOW_ATTRIBUTES = List.of(WINDOW_ID, WINDOW_START, WINDOW_END, WINDOW_OBJECTS,
            WINDOW_PARTITIONS, RUN_ARGUMENTS, ATTEMPTS, RUN_ID, RUN_STARTED_AT, LEASE_OWNER, LEASE_EXPIRES_AT);

    private final Map<String, AttributeValue> item;

    public Checkpoint(Map<String, AttributeValue> item) {
        this.item = Map.copyOf(item);
    }

    /** The stored item, unchanged. */
    public Map<String, AttributeValue> item() {
        return item;
    }

    public String jobName() {
        return s(JOB_NAME).orElseThrow(() -> new OrchestratorException("checkpoint item without job_name"));
    }

    public long version() {
        return n(VERSION);
    }

    public Phase phase() {
        return s(PHASE).map(Phase::valueOf).orElse(Phase.IDLE);
    }

    public Optional<Instant> watermark() {
        return s(WATERMARK).map(Instant::parse);
    }

    /** The stored window; present in every phase but {@link Phase#IDLE}. */
    public Optional<Window> window() {
        return s(WINDOW_ID).map(id -> new Window(id, instant(WINDOW_START), instant(WINDOW_END),
                (int) n(WINDOW_OBJECTS), List.of()));
    }

    /** How many partitions the stored window has. */
    public long windowPartitions() {
        return n(WINDOW_PARTITIONS);
    }

    /** The Glue arguments of the stored window, exactly as its runs are started. */
    public Map<String, String> runArguments() {
        AttributeValue value = item.get(RUN_ARGUMENTS);
        Map<String, String> arguments = new LinkedHashMap<>();
        if (value != null && value.hasM()) {
            value.m().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> arguments.put(e.getKey(), e.getValue().s()));
        }
        return arguments;
    }

    /** Runs started for the stored window. */
    public int attempts() {
        return (int) n(ATTEMPTS);
    }

    public Optional<String> runId() {
        return s(RUN_ID);
    }

    public Optional<String> leaseOwner() {
        return s(LEASE_OWNER);
    }

    public Optional<Instant> leaseExpiresAt() {
        return s(LEASE_EXPIRES_AT).map(Instant::parse);
    }

    public Optional<String> lastRunId() {
        return s(LAST_RUN_ID);
    }

    public Optional<String> lastRunState() {
        return s(LAST_RUN_STATE);
    }

    public Optional<String> lastRunMessage() {
        return s(LAST_RUN_MESSAGE);
    }

    public long windowsCompleted() {
        return n(WINDOWS_COMPLETED);
    }

    public long windowsDeadLettered() {
        return n(WINDOWS_DEAD_LETTERED);
    }

    /** A builder for the next item, starting from this one with the version incremented. */
    public Builder with() {
        return new Builder(new HashMap<>(item)).n(VERSION, version() + 1);
    }

    /** A builder for a job's first item. */
    public static Builder first(String jobName) {
        return new Builder(new HashMap<>()).s(JOB_NAME, jobName).n(VERSION, 1);
    }

    private Optional<String> s(String name) {
        AttributeValue value = item.get(name);
        return value == null || value.s() == null ? Optional.empty() : Optional.of(value.s());
    }

    private long n(String name) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
    }

    private Instant instant(String name) {
        return s(name).map(Instant::parse)
                .orElseThrow(() -> new OrchestratorException("checkpoint item has " + WINDOW_ID + " but no " + name));
    }

    /** Builds the next item of a checkpoint. */
    public static final class Builder {
        private final Map<String, AttributeValue> item;

        private Builder(Map<String, AttributeValue> item) {
            this.item = item;
        }

        public Builder s(String name, String value) {
            item.put(name, AttributeValue.fromS(value));
            return this;
        }

        public Builder n(String name, long value) {
            item.put(name, AttributeValue.fromN(Long.toString(value)));
            return this;
        }

        public Builder phase(Phase phase) {
            return s(PHASE, phase.name());
        }

        public Builder instant(String name, Instant value) {
            return s(name, value.toString());
        }

        public Builder window(Window window, Map<String, String> arguments) {
            s(WINDOW_ID, window.id());
            instant(WINDOW_START, window.start());
            instant(WINDOW_END, window.end());
            n(WINDOW_OBJECTS, window.objects());
            n(WINDOW_PARTITIONS, window.partitions().size());
            Map<String, AttributeValue> args = new HashMap<>();
            arguments.forEach((k, v) -> args.put(k, AttributeValue.fromS(v)));
            item.put(RUN_ARGUMENTS, AttributeValue.fromM(args));
            return this;
        }

        public Builder remove(String... names) {
            for (String name : names) {
                item.remove(name);
            }
            return this;
        }

        /** Removes every attribute of the current window (done: advanced or dead-lettered). */
        public Builder clearWindow() {
            WINDOW_ATTRIBUTES.forEach(item::remove);
            return this;
        }

        public Map<String, AttributeValue> build() {
            return Map.copyOf(item);
        }
    }
}
