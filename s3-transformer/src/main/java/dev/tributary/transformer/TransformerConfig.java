package dev.tributary.transformer;

import dev.tributary.common.config.ConfigurationException;
import dev.tributary.common.config.Env;
import dev.tributary.common.io.S3UploadStream;
import dev.tributary.transformer.enrich.EnrichmentConfig;
import dev.tributary.transformer.enrich.PiiHasher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The s3-transformer's settings, read once at init; a missing or malformed variable stops the function there with
 * a message naming it.
 *
 * @param rawBucket            {@code RAW_BUCKET}: events for other buckets are ignored
 * @param processedBucket      {@code PROCESSED_BUCKET}
 * @param metadataTable        {@code METADATA_TABLE}
 * @param piiKey               {@code PII_HMAC_KEY}: the HMAC key itself (local runs and tests)
 * @param piiKeyVersion        {@code PII_HMAC_KEY_VERSION} (default 1): the version hashes under {@code PII_HMAC_KEY}
 *                             carry ({@code v1:…}); with SSM the parameter's own version is used
 * @param piiKeyParameter      {@code PII_HMAC_KEY_PARAMETER}: name of an SSM SecureString holding it (AWS);
 *                             one of the two is required (the bundled PII policies hash)
 * @param piiKeyRefresh        {@code PII_KEY_REFRESH_SECONDS} (default 300): how old the key read from SSM may get
 *                             before it is read again, so a rotation reaches warm containers
 * @param enrichment           {@code ENRICHMENT_CONFIG} (inline JSON), else the bundled default
 * @param limits               {@code MAX_DECOMPRESSED_BYTES} (default 6 MiB, the most a raw object written by the
 *                             processor can hold: {@link StreamTransformer.Limits#MAX_RAW_OBJECT_BYTES}),
 *                             {@code MAX_LINE_BYTES} (default 2 MiB)
 * @param gzipLevel            {@code GZIP_LEVEL} (default 6)
 * @param uploadPartBytes      {@code UPLOAD_PART_BYTES} (default 8 MiB, at least 5 MiB)
 * @param uploadConcurrency    {@code UPLOAD_CONCURRENCY} (default 2): parts uploading while the next is written;
 *                             the upload holds at most {@code (concurrency + 1) * part} bytes
 * @param leaseWait            {@code LEASE_WAIT_SECONDS} (default 60): how long to wait for another invocation
 *                             transforming the same key before failing for a retry
 * @param metadataWait         {@code METADATA_WAIT_SECONDS} (default 10): how long to wait for the processor to
 *                             record the raw version before failing for a retry
 * @param userAgentCacheSize   {@code USER_AGENT_CACHE_SIZE} (default 10000)
 * @param referenceDataMaxBytes {@code REFERENCE_DATA_MAX_BYTES} (default 16 MiB): largest reference table
 */
public record TransformerConfig(
        String rawBucket,
        String processedBucket,
        String metadataTable,
        Optional<String> piiKey,
        long piiKeyVersion,
        Optional<String> piiKeyParameter,
        Duration piiKeyRefresh,
        EnrichmentConfig enrichment,
        StreamTransformer.Limits limits,
        int gzipLevel,
        int uploadPartBytes,
        int uploadConcurrency,
        Duration leaseWait,
        Duration metadataWait,
        int userAgentCacheSize,
        long referenceDataMaxBytes) {

    /**
     * Reads the settings.
     *
     * @throws ConfigurationException naming the first missing or malformed variable
     */
    public static TransformerConfig fromEnv(Env env) {
        long gzipLevel = env.positiveLong("GZIP_LEVEL", 6);
        if (gzipLevel > 9) {
            throw new ConfigurationException("GZIP_LEVEL must be between 1 and 9, was " + gzipLevel);
        }
        long partBytes = env.positiveLong("UPLOAD_PART_BYTES", 8L * 1024 * 1024);
        if (partBytes < S3UploadStream.MIN_PART_BYTES || partBytes > 512L * 1024 * 1024) {
            throw new ConfigurationException("UPLOAD_PART_BYTES must be between " + S3UploadStream.MIN_PART_BYTES
                    + " (S3's minimum part) and 536870912, was " + partBytes);
        }
        long maxLine = env.positiveLong("MAX_LINE_BYTES", 2L * 1024 * 1024);
        if (maxLine > 64L * 1024 * 1024) {
            throw new ConfigurationException("MAX_LINE_BYTES must be at most 67108864, was " + maxLine);
        }
        Optional<String> piiKey = Optional.ofNullable(env.optional("PII_HMAC_KEY", null));
        Optional<String> piiKeyParameter = Optional.ofNullable(env.optional("PII_HMAC_KEY_PARAMETER", null));
        if (piiKey.isPresent() && piiKey.get().getBytes(StandardCharsets.UTF_8).length < PiiHasher.MIN_KEY_BYTES) {
            // Never echo the value.
            throw new ConfigurationException("PII_HMAC_KEY must be at least " + PiiHasher.MIN_KEY_BYTES
                    + " bytes (e.g. `openssl rand -base64 32`)");
        }
        String enrichmentJson = env.optional("ENRICHMENT_CONFIG", null);
        EnrichmentConfig enrichment = enrichmentJson == null
                ? EnrichmentConfig.defaultConfig()
                : EnrichmentConfig.parse(enrichmentJson, "ENRICHMENT_CONFIG");
        if (piiKey.isEmpty() && piiKeyParameter.isEmpty()) {
            // The bundled PII policies (schemas/events/*.pii.json) hash, whatever ENRICHMENT_CONFIG says.
            throw new ConfigurationException("the PII policy hashes fields, so set "
                    + "PII_HMAC_KEY_PARAMETER (name of an SSM SecureString) or PII_HMAC_KEY");
        }
        return new TransformerConfig(
                env.required("RAW_BUCKET"),
                env.required("PROCESSED_BUCKET"),
                env.required("METADATA_TABLE"),
                piiKey,
                env.positiveLong("PII_HMAC_KEY_VERSION", 1),
                piiKeyParameter,
                env.seconds("PII_KEY_REFRESH_SECONDS", Duration.ofMinutes(5)),
                enrichment,
                new StreamTransformer.Limits(
                        env.positiveLong("MAX_DECOMPRESSED_BYTES", StreamTransformer.Limits.MAX_RAW_OBJECT_BYTES),
                        (int) maxLine),
                (int) gzipLevel,
                (int) partBytes,
                (int) Math.min(8, env.positiveLong("UPLOAD_CONCURRENCY", 2)),
                env.seconds("LEASE_WAIT_SECONDS", Duration.ofSeconds(60)),
                env.seconds("METADATA_WAIT_SECONDS", Duration.ofSeconds(10)),
                (int) Math.min(1_000_000, env.positiveLong("USER_AGENT_CACHE_SIZE", 10_000)),
                env.positiveLong("REFERENCE_DATA_MAX_BYTES", 16L * 1024 * 1024));
    }

    /** Like the record's, but never shows the PII key. */
    @Override
    public String toString() {
        return "TransformerConfig[rawBucket=" + rawBucket + ", processedBucket=" + processedBucket
                + ", metadataTable=" + metadataTable + ", piiKey=" + (piiKey.isPresent() ? "(set)" : "(unset)")
                + ", piiKeyParameter=" + piiKeyParameter.orElse("(unset)") + ", limits=" + limits
                + ", gzipLevel=" + gzipLevel + ", uploadPartBytes=" + uploadPartBytes
                + ", uploadConcurrency=" + uploadConcurrency + ", leaseWait=" + leaseWait
                + ", metadataWait=" + metadataWait + "]";
    }
}
