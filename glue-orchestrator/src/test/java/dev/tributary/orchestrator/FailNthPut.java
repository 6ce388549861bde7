package dev.tributary.orchestrator;

import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/** Makes the n-th DynamoDB {@code PutItem} of a client fail as if DynamoDB were unreachable. */
final class FailNthPut implements ExecutionInterceptor {
    private final int n;
    private final AtomicInteger puts = new AtomicInteger();

    FailNthPut(int n) {
        this.n = n;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if ("PutItem".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))
                && puts.incrementAndGet() == n) {
            throw SdkClientException.create("injected fault: PutItem #" + n);
        }
    }
}
