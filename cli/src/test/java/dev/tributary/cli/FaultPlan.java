package dev.tributary.cli;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * A global SDK interceptor (registered in this module's test resources, so every SDK client in the test JVM has it,
 * including the ones the functions build for themselves): while {@link #enable enabled}, it fails a share of the
 * pipeline's writes as if S3 or DynamoDB had kept failing past the SDK's retries. The code under test is unchanged.
 */
public final class FaultPlan implements ExecutionInterceptor {
    private static volatile double s3Probability;
    private static volatile double dynamoDbProbability;
    private static final SplittableRandom RANDOM = new SplittableRandom(11);
    private static final AtomicInteger INJECTED = new AtomicInteger();

    /** Fails S3 writes under raw/, failed/, processed/ and DynamoDB UpdateItem with these probabilities. */
    static void enable(double s3, double dynamoDb) {
        s3Probability = s3;
        dynamoDbProbability = dynamoDb;
    }

    static void disable() {
        enable(0, 0);
    }

    static int injected() {
        return INJECTED.get();
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        double probability = 0;
        if (context.request() instanceof PutObjectRequest put && put.key().matches("^(raw|failed|processed)/.*")) {
            probability = s3Probability;
        } else if ("UpdateItem".equals(operation)) {
            probability = dynamoDbProbability;
        }
        boolean fail;
        synchronized (RANDOM) {
            fail = probability > 0 && RANDOM.nextDouble() < probability;
        }
        if (fail) {
            INJECTED.incrementAndGet();
            throw SdkClientException.create("injected fault: " + operation);
        }
    }
}
