package dev.tributary.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The conservation checker: every record that went into the stream, followed to where it ended. A record with an
 * {@code event_id} must be curated exactly once, or be in {@code failed/} exactly once with its reason; a record
 * without one (not JSON, no id) must be in {@code failed/} exactly once. Records are known by their Kinesis shard,
 * sequence number and, for a user record of a KPL aggregate, sub-sequence number (what {@code failed/} lines carry)
 * and their {@code event_id} (what curated rows carry), so the check is per user record, not a comparison of totals.
 * A {@code kpl_corrupt} line (no sub-sequence number) stands for every user record of its Kinesis record.
 */
final class EventLedger {
    /** A Kinesis record that is not a KPL aggregate has no sub-sequence number. */
    static final int NOT_AGGREGATED = -1;
    static final String KPL_CORRUPT = "kpl_corrupt";

    /** One user record as the stream accepted it. */
    record Input(String shardId, String sequenceNumber, int subSequenceNumber, String eventId) {}

    /** One line of a {@code failed/} object. */
    record Quarantined(String shardId, String sequenceNumber, int subSequenceNumber, String reason) {
        Quarantined(String shardId, String sequenceNumber, String reason) {
            this(shardId, sequenceNumber, NOT_AGGREGATED, reason);
        }
    }

    /**
     * What the dead-letter queues hold, waiting for {@code tributary redrive}: Kinesis batches Lambda gave up on
     * (shard and inclusive sequence range) and the events of raw objects the transformer gave up on.
     */
    record DeadLettered(List<SequenceRange> batches, Collection<String> eventIds) {
        static DeadLettered none() {
            return new DeadLettered(List.of(), List.of());
        }

        boolean contains(Input input) {
            if (input.eventId() != null && eventIds.contains(input.eventId())) {
                return true;
            }
            return batches.stream().anyMatch(range -> range.contains(input.shardId(), input.sequenceNumber()));
        }
    }

    /** A Kinesis batch on the processor's dead-letter queue. */
    record SequenceRange(String shardId, String first, String last) {
        boolean contains(String shard, String sequence) {
            java.math.BigInteger n = new java.math.BigInteger(sequence);
            return shardId.equals(shard) && n.compareTo(new java.math.BigInteger(first)) >= 0
                    && n.compareTo(new java.math.BigInteger(last)) <= 0;
        }
    }

    /**
     * The verdict: {@code curated + failed + deadLettered + lost = in}; lost and duplicated must be 0, and so must
     * {@code unexpected} (curated ids no input carried) and {@code withoutReason} (quarantined lines with no reason).
     * Dead-lettered records are accounted for: they wait on a dead-letter queue for {@code tributary redrive}.
     */
    record Counts(long in, long curated, long failed, long deadLettered, long lost, long duplicated, long unexpected,
            long withoutReason, List<String> examples) {
        boolean balanced() {
            return lost == 0 && duplicated == 0 && unexpected == 0 && withoutReason == 0;
        }
    }

    private final List<Input> inputs = new ArrayList<>();

    /** Records one accepted record; its {@code event_id} is read leniently (invalid records may have none). */
    void produced(String shardId, String sequenceNumber, String json) {
        produced(shardId, sequenceNumber, NOT_AGGREGATED, json);
    }

    /** Records user record {@code subSequenceNumber} of a KPL aggregate (or {@link #NOT_AGGREGATED}). */
    void produced(String shardId, String sequenceNumber, int subSequenceNumber, String json) {
        inputs.add(new Input(shardId, sequenceNumber, subSequenceNumber, eventId(json)));
    }

    int size() {
        return inputs.size();
    }

    /**
     * Follows every input record to {@code quarantined} lines and {@code curatedIds} (one entry per curated row).
     */
    Counts reconcile(Collection<Quarantined> quarantined, Collection<String> curatedIds) {
        return reconcile(quarantined, curatedIds, DeadLettered.none());
    }

    /** As {@link #reconcile(Collection, Collection)}, with what the dead-letter queues hold as a third place. */
    Counts reconcile(Collection<Quarantined> quarantined, Collection<String> curatedIds, DeadLettered deadLetters) {
        Map<String, Integer> failedBySequence = new HashMap<>();
        long withoutReason = 0;
        for (Quarantined line : quarantined) {
            // A corrupt aggregate is quarantined whole: its one line accounts for each of its user records.
            boolean wholeAggregate = KPL_CORRUPT.equals(line.reason());
            failedBySequence.merge(line.shardId() + "/" + line.sequenceNumber() + "/"
                    + (wholeAggregate ? "*" : line.subSequenceNumber()), 1, Integer::sum);
            withoutReason += line.reason() == null || line.reason().isBlank() ? 1 : 0;
        }
        Map<String, Integer> curatedById = new HashMap<>();
        curatedIds.forEach(id -> curatedById.merge(id, 1, Integer::sum));
        // Producer duplicates (two records, one id) are curated once between them: count the records that may
        // claim each id, so that one of them being quarantined does not make the other's row look duplicated.
        Map<String, Integer> claimants = new HashMap<>();
        for (Input input : inputs) {
            if (input.eventId() != null && inFailed(failedBySequence, input) == 0) {
                claimants.merge(input.eventId(), 1, Integer::sum);
            }
        }
        long curated = 0;
        long failed = 0;
        long deadLettered = 0;
        long lost = 0;
        long duplicated = 0;
        List<String> examples = new ArrayList<>();
        for (Input input : inputs) {
            int inFailed = inFailed(failedBySequence, input);
            int inCurated = input.eventId() == null ? 0 : curatedById.getOrDefault(input.eventId(), 0);
            boolean curatedByAnother = inFailed > 0 && claimants.getOrDefault(input.eventId(), 0) > 0;
            boolean inDeadLetters = deadLetters.contains(input);
            if (inFailed == 0 && inCurated == 0 && inDeadLetters) {
                deadLettered++;
            } else if (inFailed == 0 && inCurated == 0) {
                lost++;
                example(examples, "lost: " + describe(input));
            } else if (inFailed > 1 || inCurated > 1 || (inFailed == 1 && inCurated > 0 && !curatedByAnother)) {
                duplicated++;
                example(examples, "duplicated: " + describe(input) + " (failed " + inFailed + ", curated "
                        + inCurated + ")");
            } else if (inFailed == 1) {
                failed++;
            } else {
                curated++;
            }
        }
        Set<String> known = new HashSet<>();
        inputs.stream().map(Input::eventId).filter(java.util.Objects::nonNull).forEach(known::add);
        long unexpected = curatedById.keySet().stream().filter(id -> !known.contains(id)).count();
        if (unexpected > 0) {
            example(examples, "curated but never produced: " + curatedById.keySet().stream()
                    .filter(id -> !known.contains(id)).findFirst().orElseThrow());
        }
        return new Counts(inputs.size(), curated, failed, deadLettered, lost, duplicated, unexpected, withoutReason,
                List.copyOf(examples));
    }

    private static void example(List<String> examples, String text) {
        if (examples.size() < 5) {
            examples.add(text);
        }
    }

    /** Lines naming this user record, or naming its whole (corrupt) aggregate. */
    private static int inFailed(Map<String, Integer> failedBySequence, Input input) {
        String kinesisRecord = input.shardId() + "/" + input.sequenceNumber() + "/";
        int named = failedBySequence.getOrDefault(kinesisRecord + input.subSequenceNumber(), 0);
        return input.subSequenceNumber() == NOT_AGGREGATED ? named
                : named + failedBySequence.getOrDefault(kinesisRecord + "*", 0);
    }

    private static String describe(Input input) {
        return input.shardId() + " #" + input.sequenceNumber()
                + (input.subSequenceNumber() == NOT_AGGREGATED ? "" : "-" + input.subSequenceNumber())
                + (input.eventId() == null ? " (no event_id)" : " event_id " + input.eventId());
    }

    private static String eventId(String json) {
        try {
            JsonNode node = Json.mapper().readTree(json);
            JsonNode id = node == null ? null : node.get("event_id");
            return id != null && id.isTextual() ? id.asText() : null;
        } catch (IOException | RuntimeException e) {
            return null; // not JSON: such a record can only end in failed/
        }
    }
}
