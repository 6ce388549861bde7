package dev.tributary.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.devkit.KinesisEventSourceSimulator;
import dev.tributary.toolkit.KplAggregator;
import dev.tributary.toolkit.LambdaEvents;
import java.nio.charset.StandardCharsets;
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
    private static final Instant BASE = Instant.parse("2026-11-22T08:00:00Z");
    private final ProcessorTestBed bed = new ProcessorTestBed(2);

    @AfterEach
    void close() {
        bed.close();
    }

    @Test
    void drain_whenStorageFailsAndInvocationsTimeOut_everyRecordEndsInExactlyOnePlace() {
        SplittableRandom random = new SplittableRandom(20261122);
        Expected expected = new Expected();
        List<byte[]> produced = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            produced.add(utf8(userRecord(random, i, expected)));
        }
        bed.putBytes(produced);

        assertConserved(expected, produced.size(), 50);
    }

    /**
     * The same, with about half the user records packed into KPL aggregates of 1 to 20 records (and a few corrupt
     * aggregates): every user record of an intact aggregate ends in exactly one place on its own, a corrupt one
     * in {@code failed/} whole, and retries from an aggregate's sequence number neither lose nor repeat any.
     */
    @Test
    void drain_whenKplAggregatesAmongPlainRecords_everyUserRecordEndsInExactlyOnePlace() {
        SplittableRandom random = new SplittableRandom(20261128);
        Expected expected = new Expected();
        List<byte[]> produced = new ArrayList<>();
        int users = 0;
        int aggregates = 0;
        while (users < RECORDS) {
            if (random.nextBoolean()) {
                produced.add(utf8(userRecord(random, users++, expected)));
                continue;
            }
            List<KplAggregator.UserRecord> packed = new ArrayList<>();
            int firstUser = users;
            for (int n = 1 + random.nextInt(20); n > 0; n--) {
                packed.add(new KplAggregator.UserRecord("pk-" + users, utf8(userRecord(random, users++, expected))));
            }
            byte[] aggregate = KplAggregator.aggregate(packed);
            aggregates++;
            if (random.nextInt(25) == 0) { // a corrupt aggregate: none of its records may land in raw/
                aggregate[aggregate.length - 1] ^= 1;
                for (int i = firstUser; i < users; i++) {
                    expected.validIds.remove("ev-" + i);
                }
                packed.forEach(
                        record -> expected.invalid.remove(Base64.getEncoder().encodeToString(record.data())));
                expected.invalid.add(Base64.getEncoder().encodeToString(aggregate));
            }
            produced.add(aggregate);
        }
        bed.putBytes(produced);
        System.out.printf(
                "conservation (KPL): %d user records in %d Kinesis records, %d of them aggregates%n",
                users, produced.size(), aggregates);

        // Batches of 10 Kinesis records, so that the aggregates meet as many faults and bisections as plain records.
        assertConserved(expected, produced.size(), 10);
        // Sub-records in failed/ are traceable to their user record, corrupt aggregates are not split.
        List<JsonNode> failedLines =
                bed.failedObjects().values().stream().flatMap(List::stream).toList();
        assertThat(failedLines)
                .filteredOn(line -> line.get("reason").asText().equals("kpl_corrupt"))
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line.has("sub_sequence_number")).isFalse());
        assertThat(failedLines)
                .anySatisfy(line -> assertThat(line.has("sub_sequence_number")).isTrue());
    }

    /** What must land where: valid event ids in raw/, invalid records' data (base64) in failed/. */
    private static final class Expected {
        final Set<String> validIds = new HashSet<>();
        final Set<String> invalid = new HashSet<>();
    }

    /** One user record: about 1 in 20 invalid (each kind of invalid once in a while). */
    private static String userRecord(SplittableRandom random, int i, Expected expected) {
        String time = BASE.plusSeconds(random.nextInt(3 * 3600)).toString();
        if (random.nextInt(20) == 0) {
            String bad = switch (random.nextInt(3)) {
                case 0 -> "{\"garbage\" " + i;
                case 1 -> KinesisProcessorIT.pageView("bad-" + i, "not-a-time");
                default -> KinesisProcessorIT.event("bad-" + i, "../escape", time, "{}");
            };
            expected.invalid.add(Base64.getEncoder().encodeToString(utf8(bad)));
            return bad;
        }
        String id = "ev-" + i;
        expected.validIds.add(id);
        return switch (random.nextInt(3)) {
            case 0 -> KinesisProcessorIT.pageView(id, time);
            case 1 -> KinesisProcessorIT.reading(id, time);
            default -> KinesisProcessorIT.payment(id, time);
        };
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private void assertConserved(Expected expected, int kinesisRecords, int batchSize) {

        InjectedFault s3Faults = InjectedFault.randomly("PutObject", 0.08, 1);
        InjectedFault dynamoDbFaults = InjectedFault.randomly("UpdateItem", 0.03, 2);
        KinesisProcessorHandler handler = bed.handler(List.of(s3Faults), List.of(dynamoDbFaults));
        SplittableRandom timeouts = new SplittableRandom(3);
        KinesisEventSourceSimulator esm = new KinesisEventSourceSimulator(
                bed.kinesis,
                Optional.of(bed.sqs),
                bed.emulator.region(),
                new KinesisEventSourceSimulator.Settings(batchSize, 50, true));

        KinesisEventSourceSimulator.Report report = esm.drain(
                bed.resources.streamName(),
                bed.resources.streamArn(),
                event -> {
                    var response = LambdaEvents.invoke(handler, event, null);
                    if (timeouts.nextInt(6) == 0) { // the writes happened, but Lambda saw a timeout
                        throw new IllegalStateException("simulated timeout after the writes");
                    }
                    return response;
                },
                bed.resources.deadLetterQueueUrl());

        Map<String, Long> rawCounts = bed.rawObjects().values().stream()
                .flatMap(List::stream)
                .map(line -> ProcessorTestBed.parse(line).get("event_id").asText())
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        Map<String, Long> failedCounts = bed.failedObjects().values().stream()
                .flatMap(List::stream)
                .map(line -> line.get("data_base64").asText())
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        long duplicated = rawCounts.values().stream().filter(n -> n > 1).count()
                + failedCounts.values().stream().filter(n -> n > 1).count();
        Set<String> lost = new HashSet<>(expected.validIds);
        lost.removeAll(rawCounts.keySet());
        Set<String> lostInvalid = new HashSet<>(expected.invalid);
        lostInvalid.removeAll(failedCounts.keySet());
        System.out.printf(
                "conservation: in=%d raw=%d failed=%d lost=%d duplicated=%d | invocations=%d "
                        + "partial=%d errors=%d bisections=%d s3Faults=%d ddbFaults=%d%n",
                kinesisRecords,
                rawCounts.size(),
                failedCounts.size(),
                lost.size() + lostInvalid.size(),
                duplicated,
                report.invocations(),
                report.partialFailures(),
                report.functionErrors(),
                report.bisections(),
                s3Faults.injected(),
                dynamoDbFaults.injected());

        // The run must actually have exercised retries and bisection, or it proves nothing.
        assertThat(report.partialFailures()).isPositive();
        assertThat(report.bisections()).isPositive();
        assertThat(report.sentToOnFailure()).isEmpty();
        assertThat(rawCounts.keySet()).isEqualTo(expected.validIds);
        assertThat(failedCounts.keySet()).isEqualTo(expected.invalid);
        assertThat(duplicated).isZero();

        // Every raw object has a metadata item that describes it.
        for (var object : bed.rawObjects().entrySet()) {
            var item = bed.metadata(object.getKey());
            assertThat(item).as("metadata for %s", object.getKey()).isNotEmpty();
            assertThat(Long.parseLong(item.get("record_count").n()))
                    .isEqualTo(object.getValue().size());
        }
        // Every quarantine notice names an object that exists.
        Set<String> failedKeys = bed.failedObjects().keySet();
        assertThat(bed.drainDeadLetterQueue()).isEmpty(); // nothing was given up on, and notices go elsewhere
        for (Message notice : bed.drainQuarantineQueue()) {
            JsonNode body = ProcessorTestBed.parse(notice.body());
            assertThat(failedKeys).contains(body.get("key").asText());
        }
    }
}
