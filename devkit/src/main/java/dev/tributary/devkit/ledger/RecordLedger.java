package dev.tributary.devkit.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The conservation ledger: every user record the stream accepted, followed by its content to exactly one place.
 *
 * <p>Each record is kept as its Kinesis position (shard, sequence number, sub-sequence number inside a KPL
 * aggregate), a {@link Digest} of its bytes and a digest of what the transformer must make of it
 * ({@link ExpectedContent}); the records themselves are not kept. Its places:
 *
 * <ul>
 *   <li><b>output</b> (curated rows, or {@code processed/} lines where that is the last stage run): a row whose
 *       content digest is the record's;</li>
 *   <li><b>{@code failed/}</b>: a line labelled with the record's position whose {@code data} has the record's
 *       digest, with a reason;</li>
 *   <li><b>a dead-letter queue</b>: a Kinesis batch range Lambda gave up on that holds its position, or a raw line the
 *       transformer gave up on with the record's digest.</li>
 * </ul>
 *
 * A record found nowhere is lost; one found twice is duplicated; a place entry no record claims (a corrupted,
 * truncated or relabelled copy, a row never produced) is unknown. So a defect that damages a record counts twice:
 * the record lost, its damaged copy unknown.
 */
public final class RecordLedger {
    /** A Kinesis record that is not a KPL aggregate has no sub-sequence number. */
    public static final int NOT_AGGREGATED = -1;
    /** A KPL aggregate that cannot be read is quarantined whole: one line for each of its user records. */
    public static final String KPL_CORRUPT = "kpl_corrupt";

    private final ExpectedContent expected = new ExpectedContent();
    private final LedgerEntries entries;

    /** A ledger whose storage grows with the records accepted. */
    public RecordLedger() {
        this(LedgerEntries.growable());
    }

    private RecordLedger(LedgerEntries entries) {
        this.entries = entries;
    }

    /**
     * A ledger whose storage for {@code records} user records is allocated now and never grows (a further record is
     * refused): for a run that measures its own heap, where the ledger must be a constant, not a slope. Its size is
     * {@link #footprintBytes()}.
     */
    public static RecordLedger preallocated(int records) {
        return new RecordLedger(LedgerEntries.preallocated(records));
    }

    /** Where the stream put a user record. */
    public record Position(String shardId, String sequenceNumber, int subSequenceNumber) {
        String label() {
            return shardId + " #" + sequenceNumber
                    + (subSequenceNumber == NOT_AGGREGATED ? "" : "-" + subSequenceNumber);
        }
    }

    /** Records one user record the stream accepted, with the bytes the producer sent. */
    public synchronized void accepted(Position position, byte[] data) {
        entries.add(position, Digest.of(data), expected.ofSent(data));
    }

    public synchronized int size() {
        return entries.size();
    }

    /**
     * Bytes of the arrays that hold the records (their capacity: all of it for a {@linkplain #preallocated
     * preallocated} ledger), ~{@value LedgerEntries#BYTES_PER_RECORD} per record; the records themselves are not
     * kept.
     */
    public synchronized long footprintBytes() {
        return entries.footprintBytes();
    }

    /** Where records ended, as read back from the pipeline: fill it, then {@link #reconcile(Places)}. */
    public static final class Places {
        private final ExpectedContent expected = new ExpectedContent();
        private final Map<Digest, Integer> output = new HashMap<>();
        private final Map<Position, Map<Digest, Integer>> quarantined = new HashMap<>();
        private final Map<String, Integer> corruptAggregates = new HashMap<>();
        private final List<String[]> deadBatches = new ArrayList<>();
        private final Map<Digest, Integer> deadRaw = new HashMap<>();
        private long outputRows;
        private long quarantinedLines;
        private long withoutReason;

        /** One curated row or {@code processed/} line (see {@link ExpectedContent#ofOutput(JsonNode)}). */
        public Places output(JsonNode row) {
            output.merge(expected.ofOutput(row), 1, Integer::sum);
            outputRows++;
            return this;
        }

        /** One {@code failed/} line: the position it names, its reason and the bytes it holds. */
        public Places quarantined(Position position, String reason, byte[] data) {
            quarantinedLines++;
            withoutReason += reason == null || reason.isBlank() ? 1 : 0;
            if (KPL_CORRUPT.equals(reason)) {
                // Its data is the whole Kinesis record, which the ledger does not know: it names the aggregate.
                corruptAggregates.merge(position.shardId() + "/" + position.sequenceNumber(), 1, Integer::sum);
            } else {
                quarantined.computeIfAbsent(position, p -> new HashMap<>()).merge(Digest.of(data), 1, Integer::sum);
            }
            return this;
        }

        /** A Kinesis batch (inclusive sequence range) on the processor's dead-letter queue. */
        public Places deadLetteredBatch(String shardId, String firstSequence, String lastSequence) {
            deadBatches.add(new String[] {shardId, firstSequence, lastSequence});
            return this;
        }

        /** One line of a raw object whose notification is on the transformer's dead-letter queue. */
        public Places deadLetteredRawLine(byte[] line) {
            deadRaw.merge(Digest.of(line), 1, Integer::sum);
            return this;
        }

        private boolean inDeadBatch(Position position) {
            BigInteger sequence = new BigInteger(position.sequenceNumber());
            return deadBatches.stream()
                    .anyMatch(range -> range[0].equals(position.shardId())
                            && sequence.compareTo(new BigInteger(range[1])) >= 0
                            && sequence.compareTo(new BigInteger(range[2])) <= 0);
        }
    }

    /**
     * The verdict: {@code output + failed + deadLettered + lost = in}. It balances when lost, duplicated, unknown
     * and withoutReason are 0; dead-lettered records are accounted for (they wait for {@code tributary redrive}).
     */
    public record Counts(
            long in,
            long output,
            long failed,
            long deadLettered,
            long lost,
            long duplicated,
            long unknown,
            long withoutReason,
            List<String> examples) {
        public boolean balanced() {
            return lost == 0 && duplicated == 0 && unknown == 0 && withoutReason == 0;
        }

        /** Balanced, and nothing waits on a dead-letter queue: what a run after its redrive must show. */
        public boolean complete() {
            return balanced() && deadLettered == 0;
        }
    }

    /** Follows every accepted record to {@code places}. */
    public synchronized Counts reconcile(Places places) {
        int n = entries.size();
        // Rebuilt once here from the compact storage: reconciling runs after any measurement, and may allocate.
        List<Position> positions = new ArrayList<>(n);
        List<Digest> bytes = new ArrayList<>(n);
        List<Digest> contents = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            positions.add(entries.position(i));
            bytes.add(entries.bytes(i));
            contents.add(entries.content(i));
        }
        int[] inFailed = new int[n];
        Map<Digest, Integer> claimants = new HashMap<>();
        Map<Position, Map<Digest, Integer>> unclaimedQuarantine = new HashMap<>();
        places.quarantined.forEach((p, d) -> unclaimedQuarantine.put(p, new HashMap<>(d)));
        Map<String, Integer> aggregatesUsed = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Position position = positions.get(i);
            inFailed[i] = places.quarantined.getOrDefault(position, Map.of()).getOrDefault(bytes.get(i), 0);
            if (inFailed[i] > 0) {
                unclaimedQuarantine.get(position).merge(bytes.get(i), -inFailed[i], Integer::sum);
            }
            if (position.subSequenceNumber() != NOT_AGGREGATED) {
                String aggregate = position.shardId() + "/" + position.sequenceNumber();
                int whole = places.corruptAggregates.getOrDefault(aggregate, 0);
                inFailed[i] += whole;
                if (whole > 0) {
                    aggregatesUsed.put(aggregate, whole);
                }
            }
            // Producer duplicates (two records, the same content) are curated once between them: count the records
            // that may claim each content, so one being quarantined does not make the other's row look duplicated.
            if (contents.get(i) != null && inFailed[i] == 0) {
                claimants.merge(contents.get(i), 1, Integer::sum);
            }
        }
        long output = 0;
        long failed = 0;
        long deadLettered = 0;
        long lost = 0;
        long duplicated = 0;
        List<String> examples = new ArrayList<>();
        Map<Digest, Integer> deadRaw = new HashMap<>(places.deadRaw);
        for (int i = 0; i < n; i++) {
            Digest content = contents.get(i);
            int inOutput = content == null ? 0 : places.output.getOrDefault(content, 0);
            boolean outputByAnother = inFailed[i] > 0 && content != null && claimants.getOrDefault(content, 0) > 0;
            boolean dead = places.inDeadBatch(positions.get(i)) || deadRaw.getOrDefault(bytes.get(i), 0) > 0;
            if (inFailed[i] == 0 && inOutput == 0 && dead) {
                deadRaw.computeIfPresent(bytes.get(i), (d, count) -> count - 1);
                deadLettered++;
            } else if (inFailed[i] == 0 && inOutput == 0) {
                lost++;
                example(examples, "lost: " + positions.get(i).label());
            } else if (inFailed[i] > 1 || inOutput > 1 || (inFailed[i] == 1 && inOutput > 0 && !outputByAnother)) {
                duplicated++;
                example(
                        examples,
                        "duplicated: " + positions.get(i).label() + " (failed " + inFailed[i] + ", output " + inOutput
                                + ")");
            } else if (inFailed[i] == 1) {
                failed++;
            } else {
                output++;
            }
        }
        java.util.Set<Digest> known = new java.util.HashSet<>(contents);
        long unknownRows = 0;
        for (var row : places.output.entrySet()) {
            if (!known.contains(row.getKey())) {
                unknownRows += row.getValue();
            }
        }
        long unknownLines = unclaimedQuarantine.values().stream()
                        .flatMap(d -> d.values().stream())
                        .mapToLong(Integer::longValue)
                        .sum()
                + places.corruptAggregates.entrySet().stream()
                        .filter(e -> !aggregatesUsed.containsKey(e.getKey()))
                        .mapToLong(Map.Entry::getValue)
                        .sum();
        if (unknownRows > 0) {
            example(
                    examples,
                    unknownRows + " output rows whose content no accepted record has (corrupted, "
                            + "truncated, or never produced)");
        }
        if (unknownLines > 0) {
            example(
                    examples,
                    unknownLines + " failed/ lines whose position and bytes no accepted record has "
                            + "(relabelled or damaged)");
        }
        return new Counts(
                n,
                output,
                failed,
                deadLettered,
                lost,
                duplicated,
                unknownRows + unknownLines,
                places.withoutReason,
                List.copyOf(examples));
    }

    private static void example(List<String> examples, String text) {
        if (examples.size() < 5) {
            examples.add(text);
        }
    }
}
