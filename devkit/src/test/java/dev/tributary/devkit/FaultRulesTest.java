package dev.tributary.devkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.devkit.FaultProxy.Request;
import dev.tributary.devkit.FaultProxy.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The fault language without sockets: the same seed must break the same calls whatever order they arrive in (the
 * defect of issue 15: one random stream shared by parallel writers gave 36 faults one run and 33 the next).
 */
class FaultRulesTest {

    /** One call as it reaches the proxy: the request, its body and a name that identifies it in the outcome. */
    private record Call(String id, Request request, byte[] body) {}

    /** 60 raw objects written 4 times each (a first attempt and the SDK's retries) and their metadata items. */
    private static List<Call> calls(String runId) {
        List<Call> calls = new ArrayList<>();
        for (int object = 0; object < 60; object++) {
            String key = "raw/event_type=page_view/dt=2026-11-22/hr=03/demo-" + runId + "-events.shardId-000000000001."
                    + object + ".jsonl.gz";
            for (int attempt = 0; attempt < 4; attempt++) {
                calls.add(new Call(
                        "put " + object + " #" + attempt,
                        new Request("PUT", "/demo-" + runId + "-raw-123456789012-us-east-1/" + key, Map.of()),
                        new byte[0]));
                calls.add(new Call(
                        "update " + object + " #" + attempt,
                        new Request("POST", "/", Map.of("x-amz-target", "DynamoDB_20120810.UpdateItem")),
                        ("{\"TableName\":\"demo-" + runId
                                        + "-metadata\",\"Key\":{\"object_key\":{\"S\":\"" + key
                                        + "\"}},\"UpdateExpression\":\"SET t = "
                                        + attempt + "\"}")
                                .getBytes(StandardCharsets.UTF_8)));
            }
        }
        return calls;
    }

    private static FaultRules rules(long seed) {
        FaultRules rules = new FaultRules(seed);
        rules.add("slowdown", FaultRules.s3Put("raw/.*"), Response.s3SlowDown(), FaultSchedule.bursts(0.3, 2));
        rules.add(
                "throttled",
                FaultRules.dynamoDb("UpdateItem"),
                Response.dynamoDbThrottling(),
                FaultSchedule.share(0.2));
        return rules;
    }

    /** Sends the calls in list order; a key's attempts keep their order (a retry follows its failure). */
    private static Map<String, Boolean> decide(FaultRules rules, List<Call> calls) {
        Map<String, Boolean> outcome = new TreeMap<>();
        calls.forEach(call -> outcome.put(call.id(), rules.decide(call.request(), call.body()) != null));
        return outcome;
    }

    /** Interleaves the keys at random (each key's own attempts in order), as parallel writers would. */
    private static List<Call> interleaved(List<Call> calls, long shuffleSeed) {
        Map<String, List<Call>> byKey = new TreeMap<>();
        calls.forEach(c -> byKey.computeIfAbsent(c.id().substring(0, c.id().indexOf(" #")), k -> new ArrayList<>())
                .add(c));
        List<List<Call>> queues = new ArrayList<>(byKey.values());
        Random random = new Random(shuffleSeed);
        List<Call> order = new ArrayList<>();
        while (!queues.isEmpty()) {
            int pick = random.nextInt(queues.size());
            order.add(queues.get(pick).removeFirst());
            if (queues.get(pick).isEmpty()) {
                queues.remove(pick);
            }
        }
        return order;
    }

    @Nested
    class Decide {
        @Test
        void decide_whenTheSameCallsArriveInAnotherOrder_breaksTheSameCalls() {
            List<Call> calls = calls("59502669");
            Map<String, Boolean> inOrder = decide(rules(21), calls);
            Map<String, Boolean> shuffled = decide(rules(21), interleaved(calls, 1));
            Map<String, Boolean> shuffledAgain = decide(rules(21), interleaved(calls, 2));

            assertThat(interleaved(calls, 1)).isNotEqualTo(calls);
            assertThat(inOrder.containsValue(true)).as("some faults").isTrue();
            assertThat(inOrder.containsValue(false)).as("some calls pass").isTrue();
            assertThat(shuffled).isEqualTo(inOrder);
            assertThat(shuffledAgain).isEqualTo(inOrder);
        }

        @Test
        void decide_whenParallelWritersRace_breaksTheSameCallsAsOneWriter() throws Exception {
            List<Call> calls = calls("59502669");
            FaultRules one = rules(21);
            Map<String, Boolean> alone = decide(one, calls);

            for (int run = 0; run < 3; run++) {
                FaultRules rules = rules(21);
                Map<String, Boolean> raced = new ConcurrentHashMap<>();
                Map<String, List<Call>> byKey = new TreeMap<>();
                calls.forEach(
                        c -> byKey.computeIfAbsent(c.id().substring(0, c.id().indexOf(" #")), k -> new ArrayList<>())
                                .add(c));
                List<List<Call>> writers = new ArrayList<>(byKey.values());
                Collections.shuffle(writers, new Random(run));
                // One thread per key, all at once: a key's retries stay in order, keys interleave as they please.
                try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    writers.forEach(writer -> pool.submit(() -> writer.forEach(
                            call -> raced.put(call.id(), rules.decide(call.request(), call.body()) != null))));
                }
                assertThat(new TreeMap<>(raced)).as("run " + run).isEqualTo(alone);
                assertThat(rules.injected()).isEqualTo(one.injected());
            }
        }

        @Test
        void decide_whenTheRunIdDiffers_breaksTheSameCalls() {
            assertThat(decide(rules(21), calls("3d5bebdb"))).isEqualTo(decide(rules(21), calls("59502669")));
        }

        @Test
        void decide_whenTheSeedDiffers_breaksOtherCalls() {
            List<Call> calls = calls("59502669");

            assertThat(decide(rules(22), calls)).isNotEqualTo(decide(rules(21), calls));
        }

        @Test
        void injected_countsEachRulesFaults() {
            FaultRules rules = rules(21);
            Map<String, Boolean> outcome = decide(rules, calls("59502669"));

            long puts = outcome.entrySet().stream()
                    .filter(e -> e.getKey().startsWith("put") && e.getValue())
                    .count();
            long updates = outcome.entrySet().stream()
                    .filter(e -> e.getKey().startsWith("update") && e.getValue())
                    .count();
            assertThat(rules.injected())
                    .containsExactlyInAnyOrderEntriesOf(Map.of("slowdown", puts, "throttled", updates));
        }

        @Test
        void decide_whenNoRuleMatches_forwards() {
            FaultRules rules = rules(21);

            assertThat(rules.decide(new Request("GET", "/bucket/raw/x", Map.of()), new byte[0]))
                    .isNull();
            assertThat(rules.injected()).containsOnly(Map.entry("slowdown", 0L), Map.entry("throttled", 0L));
        }
    }

    @Nested
    class Bursts {
        @Test
        void bursts_whenAKeyIsChosen_failsExactlyItsFirstAttempts() {
            FaultRules rules = new FaultRules(7);
            rules.add("slowdown", FaultRules.s3Put(".*"), Response.s3SlowDown(), FaultSchedule.bursts(0.5, 3));
            int chosen = 0;
            for (int object = 0; object < 200; object++) {
                Request put = new Request("PUT", "/b/raw/" + object, Map.of());
                List<Boolean> attempts = new ArrayList<>();
                for (int attempt = 0; attempt < 5; attempt++) {
                    attempts.add(rules.decide(put, new byte[0]) != null);
                }
                if (attempts.getFirst()) {
                    chosen++;
                    assertThat(attempts).containsExactly(true, true, true, false, false);
                } else {
                    assertThat(attempts).containsOnly(false);
                }
            }
            assertThat(chosen).isBetween(70, 130); // half of 200, give or take 4 standard deviations
        }
    }
}
