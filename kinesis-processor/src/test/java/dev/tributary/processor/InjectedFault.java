package dev.tributary.processor;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Fault injection at the SDK layer: makes chosen calls fail as if the service had kept failing past the SDK's
 * retries. The code under test is unchanged; only its client is built with this interceptor.
 */
final class InjectedFault implements ExecutionInterceptor {
    private final Predicate<Call> when;
    private final AtomicInteger injected = new AtomicInteger();

    /** One SDK call: its operation name and request. */
    record Call(String operation, SdkRequest request) {
        String putKey() {
            return request instanceof PutObjectRequest put ? put.key() : null;
        }
    }

    private InjectedFault(Predicate<Call> when) {
        this.when = when;
    }

    /** Fails every {@code PutObject} whose key contains {@code fragment}. */
    static InjectedFault putObjectWhereKeyContains(String fragment) {
        return new InjectedFault(call -> call.putKey() != null && call.putKey().contains(fragment));
    }

    /** Fails the first {@code times} calls of {@code operation}. */
    static InjectedFault first(String operation, int times) {
        AtomicInteger seen = new AtomicInteger();
        return new InjectedFault(call -> call.operation().equals(operation) && seen.incrementAndGet() <= times);
    }

    /** Fails each call of {@code operation} with {@code probability}, reproducibly from {@code seed}. */
    static InjectedFault randomly(String operation, double probability, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return new InjectedFault(call -> {
            if (!call.operation().equals(operation)) {
                return false;
            }
            synchronized (random) {
                return random.nextDouble() < probability;
            }
        });
    }

    int injected() {
        return injected.get();
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        Call call = new Call(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), context.request());
        if (when.test(call)) {
            injected.incrementAndGet();
            throw SdkClientException.create(
                    "injected fault: " + call.operation() + (call.putKey() == null ? "" : " " + call.putKey()));
        }
    }
}
