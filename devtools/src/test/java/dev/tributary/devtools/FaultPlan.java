package dev.tributary.devtools;

import dev.tributary.devkit.FaultCalls;
import dev.tributary.devkit.FaultSchedule;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * A global SDK interceptor (registered in this module's test resources, so every SDK client in the test JVM has it,
 * including the ones the functions build for themselves): while {@link #enable enabled}, it fails a share of the
 * pipeline's writes as if S3 or DynamoDB had kept failing past the SDK's retries. The code under test is unchanged.
 *
 * <p>Each decision is {@link FaultSchedule#share} of (seed, operation, key, attempt), where the key is the S3 object
 * key or the DynamoDB table and item key (without the run's random id) and the attempt counts earlier calls of the
 * same operation on the same key: parallel writers cannot change which call fails.
 */
public final class FaultPlan implements ExecutionInterceptor {
    private record Plan(long seed, FaultSchedule s3, FaultSchedule dynamoDb) {}

    private static final Plan OFF = new Plan(0, (seed, call) -> false, (seed, call) -> false);
    private static volatile Plan plan = OFF;
    private static final Map<String, AtomicLong> SEEN = new ConcurrentHashMap<>();
    private static final AtomicInteger INJECTED = new AtomicInteger();

    /** Fails S3 writes under raw/, failed/, processed/ and DynamoDB UpdateItem with these probabilities. */
    static void enable(long seed, double s3, double dynamoDb) {
        SEEN.clear();
        plan = new Plan(seed, FaultSchedule.share(s3), FaultSchedule.share(dynamoDb));
    }

    static void disable() {
        plan = OFF;
    }

    static int injected() {
        return INJECTED.get();
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        Plan current = plan;
        if (current == OFF) {
            return;
        }
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        FaultSchedule schedule;
        String key;
        if (context.request() instanceof PutObjectRequest put && put.key().matches("^(raw|failed|processed)/.*")) {
            schedule = current.s3();
            key = put.key();
        } else if (context.request() instanceof UpdateItemRequest update) {
            schedule = current.dynamoDb();
            // Sorted: the item key is a Map, whose order may differ between JVMs.
            key = update.tableName() + " " + new TreeMap<>(update.key());
        } else {
            return;
        }
        key = FaultCalls.runIndependent(key);
        long attempt = SEEN.computeIfAbsent(operation + " " + key, k -> new AtomicLong())
                .getAndIncrement();
        if (schedule.fires(current.seed(), new FaultSchedule.Call("fault-plan", operation, key, attempt))) {
            INJECTED.incrementAndGet();
            throw SdkClientException.create("injected fault: " + operation);
        }
    }
}
