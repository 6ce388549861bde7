package dev.tributary.transformer;

import dev.tributary.common.logging.StructuredLogger;
import dev.tributary.common.metadata.DynamoDbMetadataStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Takes the s3-transformer's per-key lease in the metadata item (step 2 of {@link ObjectTransformer}), waiting with
 * backoff while another invocation holds it, and never creating an item the processor did not record.
 */
final class LeaseAcquirer {
    private final S3Client s3;
    private final DynamoDbMetadataStore metadata;
    private final TransformerConfig config;
    private final Clock clock;
    private final ObjectTransformer.Sleeper sleeper;
    private final StructuredLogger log;

    LeaseAcquirer(S3Client s3, DynamoDbMetadataStore metadata, TransformerConfig config, Clock clock,
            ObjectTransformer.Sleeper sleeper, StructuredLogger log) {
        this.s3 = s3;
        this.metadata = metadata;
        this.config = config;
        this.clock = clock;
        this.sleeper = sleeper;
        this.log = log;
    }

    /**
     * The item, with the lease ours; null when neither the item nor the raw object exists (a notification for an
     * object deleted since: nothing to do, and nothing written).
     *
     * @throws RetryableTransformException when another invocation holds the lease past the wait, or the object exists
     *                                     but the processor has not recorded it within {@code METADATA_WAIT_SECONDS}
     */
    Map<String, AttributeValue> acquire(String key, String owner, Instant deadline) {
        Instant now = clock.instant();
        Instant giveUp = now.plus(config.leaseWait());
        if (giveUp.isAfter(deadline)) {
            giveUp = deadline;
        }
        Instant noItemGiveUp = now.plus(config.metadataWait());
        Duration backoff = Duration.ofMillis(100);
        while (true) {
            switch (metadata.tryAcquireLease(key, owner, now, deadline.plus(ObjectTransformer.LEASE_MARGIN))) {
                case DynamoDbMetadataStore.LeaseAttempt.Granted granted -> {
                    return granted.item();
                }
                case DynamoDbMetadataStore.LeaseAttempt.NoItem noItem -> {
                    if (!rawObjectExists(key)) {
                        log.warn("raw object no longer exists and has no metadata item; nothing to transform",
                                Map.of("raw_key", key));
                        return null;
                    }
                    // The processor writes S3 first, then the item: wait for it, briefly, as for a new version.
                    if (!now.isBefore(noItemGiveUp)) {
                        throw new RetryableTransformException("no metadata item for " + key + " after "
                                + config.metadataWait().toSeconds() + " s: the kinesis-processor has not recorded "
                                + "this object (not yet, or it did not write it)");
                    }
                }
                case DynamoDbMetadataStore.LeaseAttempt.Held held -> {
                    if (!now.isBefore(giveUp)) {
                        throw new RetryableTransformException("another invocation is transforming " + key
                                + "; gave up waiting after " + config.leaseWait().toSeconds() + " s");
                    }
                }
            }
            pause(backoff.plusMillis(ThreadLocalRandom.current().nextLong(backoff.toMillis() + 1)));
            backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(2)) > 0 ? Duration.ofSeconds(2)
                    : backoff.multipliedBy(2);
            now = clock.instant();
        }
    }

    private boolean rawObjectExists(String key) {
        try {
            s3.headObject(b -> b.bucket(config.rawBucket()).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    void pause(Duration duration) {
        try {
            sleeper.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableTransformException("interrupted", e);
        }
    }
}
