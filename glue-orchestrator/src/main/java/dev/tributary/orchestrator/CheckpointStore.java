package dev.tributary.orchestrator;

import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The checkpoint table. Every write replaces the whole item under a condition, so each transition is a
 * compare-and-set: on the item's {@code version} (tick transitions), on the {@code run_id} (run outcomes) or on the
 * {@code lease_owner} (a tick undoing its own lease).
 */
public final class CheckpointStore {
    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public CheckpointStore(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    /** The job's checkpoint, read consistently. */
    public Optional<Checkpoint> read(String jobName) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(tableName)
                .key(Map.of(Checkpoint.JOB_NAME, AttributeValue.fromS(jobName)))
                .consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(new Checkpoint(item));
    }

    /**
     * Writes {@code next} if the stored item is still {@code current} (same version), or there is still no item.
     *
     * @return false when another invocation changed the item first
     */
    public boolean replace(Optional<Checkpoint> current, Map<String, AttributeValue> next) {
        if (current.isEmpty()) {
            return put(next, "attribute_not_exists(#job)", Map.of("#job", Checkpoint.JOB_NAME), Map.of());
        }
        return put(next, "#version = :version", Map.of("#version", Checkpoint.VERSION),
                Map.of(":version", AttributeValue.fromN(Long.toString(current.get().version()))));
    }

    /**
     * Writes {@code next} if the stored item still has run {@code runId} in flight and has not changed since
     * {@code current} was read.
     */
    public boolean replaceRun(Checkpoint current, String runId, Map<String, AttributeValue> next) {
        return put(next, "#run = :run AND #version = :version",
                Map.of("#run", Checkpoint.RUN_ID, "#version", Checkpoint.VERSION),
                Map.of(":run", AttributeValue.fromS(runId),
                        ":version", AttributeValue.fromN(Long.toString(current.version()))));
    }

    /** Writes {@code next} if the stored item is still leased by {@code leaseOwner}. */
    public boolean replaceLeased(String leaseOwner, Map<String, AttributeValue> next) {
        return put(next, "#owner = :owner", Map.of("#owner", Checkpoint.LEASE_OWNER),
                Map.of(":owner", AttributeValue.fromS(leaseOwner)));
    }

    /**
     * Puts back exactly what was there before a lease (or deletes the item when there was none), if the stored item
     * is still leased by {@code leaseOwner}: a refused start leaves the checkpoint as the tick found it.
     */
    public boolean restore(String jobName, Optional<Checkpoint> before, String leaseOwner) {
        if (before.isPresent()) {
            return replaceLeased(leaseOwner, before.get().item());
        }
        try {
            dynamoDb.deleteItem(b -> b.tableName(tableName)
                    .key(Map.of(Checkpoint.JOB_NAME, AttributeValue.fromS(jobName)))
                    .conditionExpression("#owner = :owner")
                    .expressionAttributeNames(Map.of("#owner", Checkpoint.LEASE_OWNER))
                    .expressionAttributeValues(Map.of(":owner", AttributeValue.fromS(leaseOwner))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private boolean put(Map<String, AttributeValue> item, String condition, Map<String, String> names,
            Map<String, AttributeValue> values) {
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
}
