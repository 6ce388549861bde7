package dev.tributary.orchestrator;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * {@link Checkpoints} on the DynamoDB checkpoint table. Every write replaces the whole item under a condition
 * ({@code PutItem}), so each transition is a compare-and-set. The item's attributes are documented in
 * {@code docs/orchestrator.md}; {@link #item} and the decoding here are their only spelling.
 */
public final class CheckpointStore implements Checkpoints {
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

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public CheckpointStore(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    @Override
    public Optional<Checkpoint> read(String jobName) {
        return readItem(jobName).map(CheckpointStore::checkpoint);
    }

    /**
     * The checkpoint item as stored, every attribute, for an operator to inspect (a broken or foreign item included,
     * which {@link #read} would refuse to decode).
     */
    public Optional<Map<String, AttributeValue>> readItem(String jobName) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(tableName)
                        .key(Map.of(JOB_NAME, AttributeValue.fromS(jobName)))
                        .consistentRead(true))
                .item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    @Override
    public boolean replace(Optional<Checkpoint> current, Checkpoint next) {
        if (current.isEmpty()) {
            return put(next, "attribute_not_exists(#job)", Map.of("#job", JOB_NAME), Map.of());
        }
        return put(
                next,
                "#version = :version",
                Map.of("#version", VERSION),
                Map.of(
                        ":version",
                        AttributeValue.fromN(Long.toString(current.get().version()))));
    }

    @Override
    public boolean replaceRun(Checkpoint current, String runId, Checkpoint next) {
        return put(
                next,
                "#run = :run AND #version = :version",
                Map.of("#run", RUN_ID, "#version", VERSION),
                Map.of(
                        ":run",
                        AttributeValue.fromS(runId),
                        ":version",
                        AttributeValue.fromN(Long.toString(current.version()))));
    }

    @Override
    public boolean replaceLeased(String leaseOwner, Checkpoint next) {
        return put(
                next,
                "#owner = :owner",
                Map.of("#owner", LEASE_OWNER),
                Map.of(":owner", AttributeValue.fromS(leaseOwner)));
    }

    @Override
    public boolean restore(String jobName, Optional<Checkpoint> before, String leaseOwner) {
        if (before.isPresent()) {
            return replaceLeased(leaseOwner, before.get());
        }
        try {
            dynamoDb.deleteItem(b -> b.tableName(tableName)
                    .key(Map.of(JOB_NAME, AttributeValue.fromS(jobName)))
                    .conditionExpression("#owner = :owner")
                    .expressionAttributeNames(Map.of("#owner", LEASE_OWNER))
                    .expressionAttributeValues(Map.of(":owner", AttributeValue.fromS(leaseOwner))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /**
     * The item that stores {@code checkpoint}: only what it holds (no window attributes without a window, no zero
     * counters), so an item this store wrote reads back and writes back unchanged.
     */
    public static Map<String, AttributeValue> item(Checkpoint checkpoint) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(JOB_NAME, AttributeValue.fromS(checkpoint.jobName()));
        item.put(VERSION, n(checkpoint.version()));
        item.put(PHASE, AttributeValue.fromS(checkpoint.phase().name()));
        checkpoint.watermark().ifPresent(t -> item.put(WATERMARK, s(t)));
        checkpoint.window().ifPresent(window -> {
            item.put(WINDOW_ID, AttributeValue.fromS(window.id()));
            item.put(WINDOW_START, s(window.start()));
            item.put(WINDOW_END, s(window.end()));
            item.put(WINDOW_OBJECTS, n(window.objects()));
            item.put(WINDOW_PARTITIONS, n(checkpoint.windowPartitions()));
            Map<String, AttributeValue> arguments = new HashMap<>();
            checkpoint.runArguments().forEach((k, v) -> arguments.put(k, AttributeValue.fromS(v)));
            item.put(RUN_ARGUMENTS, AttributeValue.fromM(arguments));
            item.put(ATTEMPTS, n(checkpoint.attempts()));
        });
        checkpoint.runId().ifPresent(v -> item.put(RUN_ID, AttributeValue.fromS(v)));
        checkpoint.runStartedAt().ifPresent(t -> item.put(RUN_STARTED_AT, s(t)));
        checkpoint.leaseOwner().ifPresent(v -> item.put(LEASE_OWNER, AttributeValue.fromS(v)));
        checkpoint.leaseExpiresAt().ifPresent(t -> item.put(LEASE_EXPIRES_AT, s(t)));
        checkpoint.lastRunId().ifPresent(v -> item.put(LAST_RUN_ID, AttributeValue.fromS(v)));
        checkpoint.lastRunState().ifPresent(v -> item.put(LAST_RUN_STATE, AttributeValue.fromS(v)));
        checkpoint.lastRunMessage().ifPresent(v -> item.put(LAST_RUN_MESSAGE, AttributeValue.fromS(v)));
        checkpoint.lastRunEndedAt().ifPresent(t -> item.put(LAST_RUN_ENDED_AT, s(t)));
        if (checkpoint.windowsCompleted() > 0) {
            item.put(WINDOWS_COMPLETED, n(checkpoint.windowsCompleted()));
        }
        if (checkpoint.windowsDeadLettered() > 0) {
            item.put(WINDOWS_DEAD_LETTERED, n(checkpoint.windowsDeadLettered()));
        }
        checkpoint.updatedAt().ifPresent(t -> item.put(UPDATED_AT, s(t)));
        return item;
    }

    /** The checkpoint a stored item holds. */
    public static Checkpoint checkpoint(Map<String, AttributeValue> item) {
        Item read = new Item(item);
        Optional<Window> window = read.s(WINDOW_ID)
                .map(id -> new Window(
                        id,
                        read.instant(WINDOW_START),
                        read.instant(WINDOW_END),
                        (int) read.n(WINDOW_OBJECTS),
                        java.util.List.of()));
        Map<String, String> arguments = new HashMap<>();
        AttributeValue stored = item.get(RUN_ARGUMENTS);
        if (stored != null && stored.hasM()) {
            stored.m().forEach((k, v) -> arguments.put(k, v.s()));
        }
        return new Checkpoint(
                read.s(JOB_NAME).orElseThrow(() -> new OrchestratorException("checkpoint item without job_name")),
                read.n(VERSION),
                read.s(PHASE).map(Checkpoint.Phase::valueOf).orElse(Checkpoint.Phase.IDLE),
                read.s(WATERMARK).map(Instant::parse),
                window,
                read.n(WINDOW_PARTITIONS),
                arguments,
                (int) read.n(ATTEMPTS),
                read.s(RUN_ID),
                read.s(RUN_STARTED_AT).map(Instant::parse),
                read.s(LEASE_OWNER),
                read.s(LEASE_EXPIRES_AT).map(Instant::parse),
                read.s(LAST_RUN_ID),
                read.s(LAST_RUN_STATE),
                read.s(LAST_RUN_MESSAGE),
                read.s(LAST_RUN_ENDED_AT).map(Instant::parse),
                read.n(WINDOWS_COMPLETED),
                read.n(WINDOWS_DEAD_LETTERED),
                read.s(UPDATED_AT).map(Instant::parse));
    }

    private boolean put(
            Checkpoint checkpoint, String condition, Map<String, String> names, Map<String, AttributeValue> values) {
        Map<String, AttributeValue> item = item(checkpoint);
        try {
            dynamoDb.putItem(b -> {
                b.tableName(tableName).item(item).conditionExpression(condition).expressionAttributeNames(names);
                if (!values.isEmpty()) {
                    b.expressionAttributeValues(values);
                }
            });
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private static AttributeValue s(Instant value) {
        return AttributeValue.fromS(value.toString());
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    /** Typed reads of a stored item's attributes. */
    private record Item(Map<String, AttributeValue> attributes) {
        Optional<String> s(String name) {
            AttributeValue value = attributes.get(name);
            return value == null || value.s() == null ? Optional.empty() : Optional.of(value.s());
        }

        long n(String name) {
            AttributeValue value = attributes.get(name);
            return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
        }

        Instant instant(String name) {
            return s(name).map(Instant::parse)
                    .orElseThrow(
                            () -> new OrchestratorException("checkpoint item has " + WINDOW_ID + " but no " + name));
        }
    }
}
