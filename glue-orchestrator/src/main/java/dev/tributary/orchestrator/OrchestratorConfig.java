package dev.tributary.orchestrator;

import dev.tributary.common.config.ConfigurationException;
import dev.tributary.common.config.Env;
import java.time.Duration;

/**
 * The glue-orchestrator's settings, read once at init.
 *
 * @param glueJobName        {@code GLUE_JOB_NAME}: the curation job this function starts
 * @param checkpointTable    {@code CHECKPOINT_TABLE}: one item per Glue job, hash key {@code job_name}
 * @param metadataTable      {@code METADATA_TABLE}: queried through GSI {@value ProcessedIndex#INDEX_NAME}
 * @param processedBucket    {@code PROCESSED_BUCKET}: the bucket of processed partitions, used when a metadata item
 *                           does not name its own {@code processed_bucket}
 * @param curatedBucket      {@code CURATED_BUCKET}: curated output, aggregates, manifests and run summaries
 * @param deadLetterQueueUrl {@code DEAD_LETTER_QUEUE_URL}: receives a window whose runs failed {@code maxRunAttempts}
 *                           times
 * @param maxRunAttempts     {@code MAX_RUN_ATTEMPTS} (default 3): runs of one window before it is dead-lettered
 * @param manifestThreshold  {@code MANIFEST_THRESHOLD} (default 50): above this many partitions the input goes to
 *                           the job as a manifest object instead of {@code --input_paths}
 * @param initialLookback    {@code INITIAL_LOOKBACK_HOURS} (default 24): where the first window starts when the job
 *                           has no checkpoint yet
 * @param settle             {@code SETTLE_SECONDS} (default 60): a window ends at least this long before now, so
 *                           items still propagating to the (eventually consistent) GSI are not skipped
 * @param leaseDuration      {@code LEASE_SECONDS} (default 900): how long a tick's lease protects a window while it
 *                           starts a run; longer than the function's timeout
 */
public record OrchestratorConfig(
        String glueJobName,
        String checkpointTable,
        String metadataTable,
        String processedBucket,
        String curatedBucket,
        String deadLetterQueueUrl,
        int maxRunAttempts,
        int manifestThreshold,
        Duration initialLookback,
        Duration settle,
        Duration leaseDuration) {

    /**
     * Reads the settings, failing with the name of the first missing or malformed variable.
     *
     * @throws ConfigurationException naming the variable
     */
    public static OrchestratorConfig fromEnv(Env env) {
        long maxRunAttempts = env.positiveLong("MAX_RUN_ATTEMPTS", 3);
        if (maxRunAttempts > 100) {
            throw new ConfigurationException("MAX_RUN_ATTEMPTS must be between 1 and 100, was " + maxRunAttempts);
        }
        long manifestThreshold = env.positiveLong("MANIFEST_THRESHOLD", 50);
        if (manifestThreshold > 1000) {
            throw new ConfigurationException("MANIFEST_THRESHOLD must be between 1 and 1000, was " + manifestThreshold);
        }
        long lookbackHours = env.positiveLong("INITIAL_LOOKBACK_HOURS", 24);
        if (lookbackHours > 24 * 31) {
            throw new ConfigurationException("INITIAL_LOOKBACK_HOURS must be at most 744, was " + lookbackHours);
        }
        return new OrchestratorConfig(
                env.required("GLUE_JOB_NAME"),
                env.required("CHECKPOINT_TABLE"),
                env.required("METADATA_TABLE"),
                env.required("PROCESSED_BUCKET"),
                env.required("CURATED_BUCKET"),
                env.required("DEAD_LETTER_QUEUE_URL"),
                (int) maxRunAttempts,
                (int) manifestThreshold,
                Duration.ofHours(lookbackHours),
                env.seconds("SETTLE_SECONDS", Duration.ofSeconds(60)),
                env.seconds("LEASE_SECONDS", Duration.ofMinutes(15)));
    }
}
