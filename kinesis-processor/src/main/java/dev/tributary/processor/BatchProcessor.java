package dev.tributary.processor;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tributary.common.event.DecodeResult;
import dev.tributary.common.event.EventDecoder;
import dev.tributary.common.event.QuarantineReason;
import dev.tributary.common.io.GzipJsonLinesWriter;
import dev.tributary.common.json.Json;
import dev.tributary.common.layout.Partition;
import dev.tributary.processor.PartitionWriter.QuarantinedRecord;
import dev.tributary.processor.PartitionWriter.Receipt;
import dev.tributary.processor.PartitionWriter.ValidRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * Processes one batch of records from one shard: decode, group by partition, write each group once, and decide
 * where Lambda must retry from if a write failed.
 *
 * <p>Each group (one per event-time partition, plus one for quarantined records) becomes one object named by the
 * group's first record. Why that makes retries and bisection harmless, and why the retry point is computed the way
 * {@link #retryIndex} does, is argued in {@code docs/design.md}.
 */
public final class BatchProcessor implements AutoCloseable {
    private final RecordDecoder decoder;
    private final PartitionWriter writer;
    private final Semaphore writeSlots;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Consumer<String> warnings;

    /**
     * @param decoder          validates records ({@link EventDecoder#decode})
     * @param writer           stores the groups
     * @param writeConcurrency groups written at once
     * @param warnings         receives one line per failed write (the handler logs them)
     */
    BatchProcessor(RecordDecoder decoder, PartitionWriter writer, int writeConcurrency, Consumer<String> warnings) {
        this.decoder = decoder;
        this.writer = writer;
        this.writeSlots = new Semaphore(writeConcurrency);
        this.warnings = warnings;
    }

    /**
     * Processes a batch, in the order Kinesis delivered it. A KPL-aggregated record is split into its user records
     * ({@link KplAggregate}), each validated and stored on its own; a corrupt one is quarantined whole.
     *
     * @return counts, and the sequence number to retry from when a write failed
     */
    public BatchResult process(List<StreamRecord> records) {
        if (records.isEmpty()) {
            return BatchResult.empty();
        }
        Map<Partition, Group<ValidRecord>> partitions = new LinkedHashMap<>();
        Group<QuarantinedRecord> quarantine = new Group<>(null);
        HourPartitions hours = new HourPartitions();
        int userRecords = 0;
        int aggregates = 0;
        // Group positions are Kinesis record indexes: the user records of one KPL aggregate share theirs, so
        // retryIndex treats an aggregate as one unit (Lambda can only retry from a Kinesis record).
        for (int i = 0; i < records.size(); i++) {
            StreamRecord record = records.get(i);
            switch (KplAggregate.unpack(record.data())) {
                case KplAggregate.NotAggregated plain -> {
                    userRecords++;
                    decodeInto(i, record, hours, partitions, quarantine);
                }
                case KplAggregate.UserRecords aggregate -> {
                    aggregates++;
                    userRecords += aggregate.data().size();
                    for (int sub = 0; sub < aggregate.data().size(); sub++) {
                        StreamRecord user = new StreamRecord(
                                record.position().subRecord(sub),
                                record.arrival(),
                                aggregate.data().get(sub));
                        decodeInto(i, user, hours, partitions, quarantine);
                    }
                }
                case KplAggregate.Corrupt corrupt -> {
                    userRecords++; // unreadable: the Kinesis record is quarantined whole, as one record
                    aggregates++;
                    quarantine.add(i, new QuarantinedRecord(record, QuarantineReason.KPL_CORRUPT, corrupt.detail()));
                }
            }
        }

        List<Group<?>> groups = new ArrayList<>(partitions.values());
        if (!quarantine.items.isEmpty()) {
            groups.add(quarantine);
        }
        List<Future<Receipt>> writes = new ArrayList<>(groups.size());
        for (Group<?> group : groups) {
            writes.add(executor.submit(() -> write(group, quarantine)));
        }

        int created = 0;
        int unchanged = 0;
        int replaced = 0;
        long bytes = 0;
        List<Group<?>> failed = new ArrayList<>();
        List<Group<?>> succeeded = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            Group<?> group = groups.get(g);
            try {
                Receipt receipt = writes.get(g).get();
                succeeded.add(group);
                bytes += receipt.bytes();
                switch (receipt.outcome()) {
                    case CREATED -> created++;
                    case UNCHANGED -> unchanged++;
                    case REPLACED -> replaced++;
                }
            } catch (ExecutionException e) {
                failed.add(group);
                Throwable cause = e.getCause();
                warnings.accept("write failed for " + group.describe(records) + ": "
                        + cause.getClass().getSimpleName() + ": " + cause.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed.add(group);
            }
        }

        Optional<String> retryFrom = retryIndex(failed, succeeded).stream()
                .mapToObj(i -> records.get(i).position().sequenceNumber())
                .findFirst();
        return new BatchResult(
                records.size(),
                userRecords,
                aggregates,
                userRecords - quarantine.items.size(),
                quarantine.items.size(),
                created,
                unchanged,
                replaced,
                bytes,
                failed.size(),
                retryFrom,
                Optional.of(records.getFirst().position().sequenceNumber()),
                Optional.of(records.getLast().position().sequenceNumber()));
    }

    /**
     * The index of the record Lambda must retry from, or empty when every write succeeded.
     *
     * <p>Lambda re-delivers every record from the reported one on. Start from the earliest failed group's first
     * record; a written group that starts before that point but holds records after it would then have those records
     * written a second time, under another name, by the retry. So move the point back to that group's first record
     * (the retry rewrites it under the same name) and repeat until no written group straddles the point.
     */
    static OptionalInt retryIndex(List<? extends Group<?>> failed, List<? extends Group<?>> succeeded) {
        if (failed.isEmpty()) {
            return OptionalInt.empty();
        }
        int point = failed.stream().mapToInt(Group::firstIndex).min().orElseThrow();
        boolean moved = true;
        while (moved) {
            moved = false;
            for (Group<?> group : succeeded) {
                if (group.firstIndex() < point && group.lastIndex() >= point) {
                    point = group.firstIndex();
                    moved = true;
                }
            }
        }
        return OptionalInt.of(point);
    }

    /** Validates one user record and adds it to its partition's group or to the quarantine, at batch index {@code i}. */
    private void decodeInto(
            int i,
            StreamRecord record,
            HourPartitions hours,
            Map<Partition, Group<ValidRecord>> partitions,
            Group<QuarantinedRecord> quarantine) {
        switch (decodeSafely(record)) {
            case DecodeResult.Valid valid ->
                partitions
                        .computeIfAbsent(
                                hours.of(
                                        valid.event().eventType(), valid.event().eventTime()),
                                Group::new)
                        .add(i, new ValidRecord(record, line(record.data(), valid)));
            case DecodeResult.Invalid invalid ->
                quarantine.add(i, new QuarantinedRecord(record, invalid.reason(), invalid.detail()));
        }
    }

    /** Decodes a record; a decoder bug quarantines that record instead of failing (and re-failing) the batch. */
    private DecodeResult decodeSafely(StreamRecord record) {
        try {
            return decoder.decode(record.data(), record.arrival());
        } catch (RuntimeException e) {
            warnings.accept("decoder failed on sequence " + record.position().sequenceNumber() + ": " + e);
            return new DecodeResult.Invalid(
                    QuarantineReason.DECODER_ERROR, e.getClass().getName() + ": " + e.getMessage());
        }
    }

    /** The producer's bytes when they are one line (almost always), else the event re-serialised compactly. */
    private static byte[] line(byte[] data, DecodeResult.Valid valid) {
        if (GzipJsonLinesWriter.isSingleLine(data)) {
            return data;
        }
        try {
            return Json.mapper().writeValueAsBytes(valid.event().document());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed event always serialises", e);
        }
    }

    @SuppressWarnings("unchecked")
    private Receipt write(Group<?> group, Group<QuarantinedRecord> quarantine) throws Exception {
        writeSlots.acquire();
        try {
            if (group == quarantine) {
                return writer.writeQuarantine(quarantine.items);
            }
            Group<ValidRecord> partition = (Group<ValidRecord>) group;
            return writer.writeRaw(partition.partition, partition.items);
        } finally {
            writeSlots.release();
        }
    }

    @Override
    public void close() {
        executor.close();
    }

    /** Turns a record's bytes into a verdict: {@link EventDecoder#decode} in production. */
    @FunctionalInterface
    interface RecordDecoder {
        DecodeResult decode(byte[] data, java.time.Instant arrival);
    }

    /** Records of one object, with their positions in the batch. */
    static final class Group<T> {
        final Partition partition;
        final List<T> items = new ArrayList<>();
        private int firstIndex = -1;
        private int lastIndex = -1;

        Group(Partition partition) {
            this.partition = partition;
        }

        /** A group spanning batch positions {@code first..last} (tests). */
        static Group<Object> spanning(int first, int last) {
            Group<Object> group = new Group<>(null);
            group.firstIndex = first;
            group.lastIndex = last;
            return group;
        }

        void add(int index, T item) {
            if (firstIndex < 0) {
                firstIndex = index;
            }
            lastIndex = index;
            items.add(item);
        }

        int firstIndex() {
            return firstIndex;
        }

        int lastIndex() {
            return lastIndex;
        }

        String describe(List<StreamRecord> records) {
            String what = partition == null ? "quarantine" : partition.path();
            return what + " (" + items.size() + " records from sequence "
                    + records.get(firstIndex).position().sequenceNumber() + ")";
        }
    }
}
