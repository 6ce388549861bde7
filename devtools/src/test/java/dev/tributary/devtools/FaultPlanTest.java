package dev.tributary.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/** The interceptor's decisions: the same seed fails the same writes whatever order the writers reach it in. */
class FaultPlanTest {

    @AfterEach
    void off() {
        FaultPlan.disable();
    }

    /** Writes each of 400 objects twice (a write and its retry) in {@code order}; returns the ones that failed. */
    private static Set<String> failedWrites(long seed, List<Integer> order) {
        FaultPlan.enable(seed, 0.1, 0);
        FaultPlan plan = new FaultPlan();
        ExecutionAttributes attributes = new ExecutionAttributes();
        attributes.putAttribute(SdkExecutionAttribute.OPERATION_NAME, "PutObject");
        Set<String> failed = new TreeSet<>();
        int[] attempts = new int[400];
        for (int object : order) {
            String key = "raw/event_type=payment/dt=2026-11-22/hr=03/demo-59502669-events.shardId-000000000000."
                    + object + ".jsonl.gz";
            PutObjectRequest put =
                    PutObjectRequest.builder().bucket("b").key(key).build();
            try {
                plan.beforeExecution(() -> put, attributes);
            } catch (SdkClientException e) {
                failed.add(object + "#" + attempts[object]);
            }
            attempts[object]++;
        }
        return failed;
    }

    private static List<Integer> writesAndRetries() {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            order.add(i);
        }
        order.addAll(new ArrayList<>(order));
        return order;
    }

    @Test
    void beforeExecution_whenTheWritesArriveInAnotherOrder_failsTheSameWrites() {
        List<Integer> inOrder = writesAndRetries();
        List<Integer> shuffled = new ArrayList<>(inOrder);
        Collections.shuffle(shuffled, new Random(3));

        Set<String> failed = failedWrites(8, inOrder);
        assertThat(failed).hasSizeBetween(40, 120); // 10 % of 800
        assertThat(failedWrites(8, shuffled)).isEqualTo(failed);
    }

    @Test
    void beforeExecution_whenTheSeedDiffers_failsOtherWrites() {
        assertThat(failedWrites(9, writesAndRetries())).isNotEqualTo(failedWrites(8, writesAndRetries()));
    }
}
