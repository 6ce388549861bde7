package dev.tributary.common.layout;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The S3 key scheme (see {@code docs/contracts.md}). Every key is a pure function of its inputs, so writing the
 * same data twice overwrites one object instead of creating a second.
 */
public final class ObjectKeys {
    /** Raw events, written by the kinesis-processor. */
    public static final String RAW_PREFIX = "raw/";
    /** Quarantined records, written by the kinesis-processor. */
    public static final String FAILED_PREFIX = "failed/";
    /** Enriched events, written by the s3-transformer. */
    public static final String PROCESSED_PREFIX = "processed/";
    /** Suffix of raw and processed objects: gzip-compressed JSON Lines. */
    public static final String JSONL_GZ = ".jsonl.gz";

    private static final Pattern DATA_KEY =
            Pattern.compile("^(raw|processed)/event_type=([a-z][a-z0-9_]{0,62})/dt=(\\d{4}-\\d{2}-\\d{2})/hr=(\\d{2})/"
                    + "([A-Za-z0-9_.-]+)\\.jsonl\\.gz$");

    private ObjectKeys() {}

    /**
     * {@code raw/<partition>/<stream>.<shard>.<first sequence>.jsonl.gz}: the object holding the records of one
     * partition from one batch, named by the first of them.
     */
    public static String raw(Partition partition, StreamPosition first) {
        return RAW_PREFIX + partition.path() + "/" + first.objectStem() + JSONL_GZ;
    }

    /**
     * {@code failed/dt=<d>/hr=<h>/<stream>.<shard>.<first sequence>.jsonl}: the quarantined records of one batch,
     * partitioned by the arrival time of the first (event time may be what made them invalid).
     */
    public static String failed(Instant arrival, StreamPosition first) {
        // Reuse the partition arithmetic; the event type is dropped from the path.
        String path = Partition.of("failed", arrival).path();
        return FAILED_PREFIX + path.substring(path.indexOf('/') + 1) + "/" + first.objectStem() + ".jsonl";
    }

    /** The processed key for a raw key: same partition and name under {@code processed/}. */
    public static String processedFor(String rawKey) {
        DataKey key = parse(rawKey)
                .filter(k -> k.area().equals("raw"))
                .orElseThrow(() -> new IllegalArgumentException("not a raw object key: " + rawKey));
        return PROCESSED_PREFIX + key.partition().path() + "/" + key.name() + JSONL_GZ;
    }

    /**
     * The raw key a metadata item is keyed by: {@code key} itself for a raw key, the raw object's key (same partition
     * and name under {@code raw/}) for a processed key.
     */
    public static String rawFor(String key) {
        return key.startsWith(PROCESSED_PREFIX) ? RAW_PREFIX + key.substring(PROCESSED_PREFIX.length()) : key;
    }

    /** Parses a raw or processed key; empty for anything else. */
    public static Optional<DataKey> parse(String key) {
        Matcher m = DATA_KEY.matcher(key);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            Partition partition = new Partition(m.group(2), LocalDate.parse(m.group(3)), Integer.parseInt(m.group(4)));
            return Optional.of(new DataKey(m.group(1), partition, m.group(5)));
        } catch (RuntimeException e) { // impossible date or hour: not one of ours
            return Optional.empty();
        }
    }

    /**
     * A parsed raw or processed key.
     *
     * @param area      {@code raw} or {@code processed}
     * @param partition the event-time partition
     * @param name      the object name without {@code .jsonl.gz}
     */
    public record DataKey(String area, Partition partition, String name) {}
}
