package dev.tributary.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.devkit.KinesisEventSourceSimulator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Conservation under Lambda's retry semantics: N records in, a mix of valid and invalid, through an event source
 * mapping that retries from reported failures and bisects on function errors, with S3 and DynamoDB failing at
 * random and invocations "timing out" after their writes. Afterwards every valid record is in {@code raw/} exactly
 * once, every invalid one in {@code failed/} exactly once, and nothing is anywhere twice.
 */
class ConservationIT {
    private static final int RECORDS = 600;
    private final ProcessorTestBed bed = new ProcessorTestBed(2);

    @AfterEach
    void close() {
        bed.close();
    }

    @Test
    void drain_whenStorageFailsAndInvocationsTimeOut_everyRecordEndsInExactlyOnePlace() {
        SplittableRandom random = new SplittableRandom(20261122);
        List<String> produced = new ArrayList<>();
        Set<String> validIds = new HashSet<>();
        Set<String> invalidPayloads = new HashSet<>();
        Instant base = Instant.parse("2026-11-22T08:00:00Z");
        for (int i = 0; i < RECORDS; i++) {
            String time = base.plusSeconds(random.nextInt(3 * 3600)).toString();
            if (random.nextInt(20) == 0) {
                String bad = switch (random.nextInt(3)) {
                    case 0 -> "{\"garbage\" " + i;
                    case 1 -> KinesisProcessorIT.pageView("bad-" + i, "not-a-time");
                    default -> KinesisProcessorIT.event("bad-" + i, "../escape", time, "{}");
                };
                produced.add(bad);
                invalidPayloads.add(bad);
            } else {
                String id = "ev-" + i;
                produced.add(switch (random.nextInt(3)) {
                    case 0 -> KinesisProcessorIT.pageView(id, time);
                    case 1 -> KinesisProcessorIT.reading(id, time);
                    default -> KinesisProcessorIT.payment(id, time);
                });
                validIds.add(id);
            }
        }
        bed.put(produced);

        InjectedFault s3Faults = InjectedFault.randomly("PutObject", 0.08, 1);
        InjectedFault dynamoDbFaults = InjectedFault.randomly("UpdateItem", 0.03, 2);
        KinesisProcessorHandler handler = bed.handler(List.of(s3Faults), List.of(dynamoDbFaults));
        SplittableRandom timeouts = new SplittableRandom(3);
        KinesisEventSourceSimulator esm = new KinesisEventSourceSimulator(bed.kinesis, Optional.of(bed.sqs),
                bed.emulator.region(), new KinesisEventSourceSimulator.Settings(50, 50, true));

        KinesisEventSourceSimulator.Report report = esm.drain(bed.resources.streamName(), bed.resources.streamArn(),
                event -> {
                    var response = handler.handleRequest(event, null);
                    if (timeouts.nextInt(6) == 0) { // the writes happened, but Lambda saw a timeout
                        throw new IllegalStateException("simulated timeout after the writes");
                    }
                    return response;
                }, bed.resources.deadLetterQueueUrl());

        Map<String, Long> rawCounts = bed.rawObjects().values().stream()
                .flatMap(List::stream)
                .map(line -> ProcessorTestBed.parse(line).get("event_id").asText())
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        Map<String, Long> failedCounts = bed.failedObjects().values().stream()
                .flatMap(List::stream)
                .map(line -> new String(Base64.getDecoder().decode(line.get("data_base64").asText())))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        long duplicated = rawCounts.values().stream().filter(n -> n > 1).count()
                + failedCounts.values().stream().filter(n -> n > 1).count();
        Set<String> lost = new HashSet<>(validIds);
        lost.removeAll(rawCounts.keySet());
        Set<String> lostInvalid = new HashSet<>(invalidPayloads);
        lostInvalid.removeAll(failedCounts.keySet());
        System.out.printf("conservation: in=%d raw=%d failed=%d lost=%d duplicated=%d | invocations=%d "
                        + "partial=%d errors=%d bisections=%d s3Faults=%d ddbFaults=%d%n",
                RECORDS, rawCounts.size(), failedCounts.size(), lost.size() + lostInvalid.size(), duplicated,
                report.invocations(), report.partialFailures(), report.functionErrors(), report.bisections(),
                s3Faults.injected(), dynamoDbFaults.injected());

        // The run must actually have exercised retries and bisection, or it proves nothing.
        assertThat(report.partialFailures()).isPositive();
        assertThat(report.bisections()).isPositive();
        assertThat(report.sentToOnFailure()).isEmpty();
        assertThat(rawCounts.keySet()).isEqualTo(validIds);
        assertThat(failedCounts.keySet()).isEqualTo(invalidPayloads);
        assertThat(duplicated).isZero();

        // Every raw object has a metadata item that describes it.
        for (var object : bed.rawObjects().entrySet()) {
            var item = bed.metadata(object.getKey());
            assertThat(item).as("metadata for %s", object.getKey()).isNotEmpty();
            assertThat(Long.parseLong(item.get("record_count").n())).isEqualTo(object.getValue().size());
        }
        // Every quarantine notice names an object that exists.
        Set<String> failedKeys = bed.failedObjects().keySet();
        for (Message notice : bed.drainDeadLetterQueue()) {
            JsonNode body = ProcessorTestBed.parse(notice.body());
            assertThat(failedKeys).contains(body.get("key").asText());
        }
    }
}
