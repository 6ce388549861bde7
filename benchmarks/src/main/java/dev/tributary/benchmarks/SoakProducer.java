package dev.tributary.benchmarks;

import dev.tributary.devkit.ledger.PlacesReader;
import dev.tributary.devkit.ledger.RecordLedger;
import dev.tributary.toolkit.KplAggregator;
import dev.tributary.toolkit.SampleEvents;
import dev.tributary.toolkit.StreamProducer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The soak's workload: puts a round's events on that round's stream through devkit's {@link StreamProducer}
 * (partition keys spread them over the shards; a share comes from KPL-aggregating producers), and enters each user
 * record the stream accepted in the ledger, under its stream-qualified position.
 */
final class SoakProducer {
    private final KinesisClient kinesis;
    private final double kplShare;
    private final RecordLedger ledger;
    private final PlacesReader labels;
    private long aggregates;
    private long aggregatedRecords;

    SoakProducer(KinesisClient kinesis, double kplShare, RecordLedger ledger, PlacesReader labels) {
        this.kinesis = kinesis;
        this.kplShare = kplShare;
        this.ledger = ledger;
        this.labels = labels;
    }

    /** Puts {@code batch} (events {@code offset}.. of the run) on {@code stream}; the Kinesis records accepted. */
    long produce(String stream, List<SampleEvents.Sample> batch, long offset) {
        StreamProducer producer = new StreamProducer(
                kinesis, stream, new StreamProducer.Settings(kplShare, KplAggregator.DEFAULT_MAX_BYTES, 8, offset));
        List<KplAggregator.UserRecord> records = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            records.add(new KplAggregator.UserRecord(
                    Long.toString(offset + i), batch.get(i).json().getBytes(StandardCharsets.UTF_8)));
        }
        producer.send(
                records,
                accepted -> ledger.accepted(
                        new RecordLedger.Position(
                                labels.shard(stream, accepted.shardId()),
                                accepted.sequenceNumber(),
                                accepted.subSequenceNumber()),
                        accepted.data()));
        StreamProducer.Tally tally = producer.tally();
        if (tally.failed > 0) {
            throw new IllegalStateException(tally.failed + " records were refused by the stream");
        }
        aggregates += tally.aggregates;
        aggregatedRecords += tally.aggregatedUserRecords;
        return tally.kinesisRecords;
    }

    /** KPL aggregates sent so far. */
    long aggregates() {
        return aggregates;
    }

    /** User records sent inside those aggregates. */
    long aggregatedRecords() {
        return aggregatedRecords;
    }
}
