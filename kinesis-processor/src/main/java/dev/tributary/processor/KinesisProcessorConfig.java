package dev.tributary.processor;

import dev.tributary.common.config.Env;
import java.time.Duration;

/**
 * The kinesis-processor's settings, read once at init.
 *
 * @param rawBucket          {@code RAW_BUCKET}: where {@code raw/} and {@code failed/} objects go
 * @param metadataTable      {@code METADATA_TABLE}: one item per raw object
 * @param quarantineQueueUrl {@code QUARANTINE_QUEUE_URL}: receives a notice per quarantine object. Not the
 *                           dead-letter queue (the Kinesis on-failure destination, which Lambda itself writes): invalid
 *                           input is expected at some rate, so its notices must not keep the dead-letter alarm on
 * @param maxRecordBytes     {@code MAX_RECORD_BYTES} (default 1 MiB, the Kinesis record limit)
 * @param maxFutureSkew      {@code MAX_FUTURE_SKEW_SECONDS} (default one day): how far {@code event_time} may be
 *                           ahead of the record's arrival
 * @param writeConcurrency   {@code WRITE_CONCURRENCY} (default 8): partitions written in parallel per batch
 * @param gzipLevel          {@code GZIP_LEVEL} (default 6)
 * @param metadataRetention  how long a metadata item lives ({@code expires_at}, the table's TTL): as long as the
 *                           longer-lived of the objects it indexes, the larger of {@code RAW_RETENTION_DAYS} (default
 *                           30) and {@code PROCESSED_RETENTION_DAYS} (default 90), the template's bucket lifecycle
 *                           parameters
 */
public record KinesisProcessorConfig(
        String rawBucket,
        String metadataTable,
        String quarantineQueueUrl,
        long maxRecordBytes,
        Duration maxFutureSkew,
        int writeConcurrency,
        int gzipLevel,
        Duration metadataRetention) {

    /** Kinesis' own limit on a record's data. */
    public static final long KINESIS_MAX_RECORD_BYTES = 1024 * 1024;

    /**
     * Reads the settings, failing with the name of the first missing or malformed variable.
     *
     * @throws dev.tributary.common.config.ConfigurationException naming the variable
     */
    public static KinesisProcessorConfig fromEnv(Env env) {
        long gzipLevel = env.positiveLong("GZIP_LEVEL", 6);
        if (gzipLevel > 9) {
            throw new dev.tributary.common.config.ConfigurationException(
                    "GZIP_LEVEL must be between 1 and 9, was " + gzipLevel);
        }
        return new KinesisProcessorConfig(
                env.required("RAW_BUCKET"),
                env.required("METADATA_TABLE"),
                env.required("QUARANTINE_QUEUE_URL"),
                env.positiveLong("MAX_RECORD_BYTES", KINESIS_MAX_RECORD_BYTES),
                env.seconds("MAX_FUTURE_SKEW_SECONDS", Duration.ofDays(1)),
                (int) Math.min(64, env.positiveLong("WRITE_CONCURRENCY", 8)),
                (int) gzipLevel,
                Duration.ofDays(Math.max(
                        env.positiveLong("RAW_RETENTION_DAYS", 30), env.positiveLong("PROCESSED_RETENTION_DAYS", 90))));
    }
}
