package dev.tributary.transformer;

import dev.tributary.common.logging.StructuredLogger;
import dev.tributary.common.metadata.LeaseAttempt;
import dev.tributary.common.metadata.ObjectState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The s3-transformer's per-key processing lease in the metadata item (step 2 of {@link ObjectTransformer}): taken
 * with backoff while another invocation holds it, never on an item the processor did not record, given back when
 * the protocol is done (a commit gives it back itself).
 */
final class ProcessingLease {
    /** The lease lasts this long past the holder's deadline: in-flight requests have landed by then. */
    static final Duration MARGIN = Duration.ofSeconds(30);

    private final MetadataLedger metadata;
    private final RawSource raw;
    private final TransformerConfig config;
    private final Clock clock;
    private final ObjectTransformer.Sleeper sleeper;
    private final StructuredLogger log;

    ProcessingLease(
            MetadataLedger metadata,
            RawSource raw,
            TransformerConfig config,
            Clock clock,
            ObjectTransformer.Sleeper sleeper,
            StructuredLogger log) {
        this.metadata = metadata;
        this.raw = raw;
        this.config = config;
        this.clock = clock;
        this.sleeper = sleeper;
        this.log = log;
    }

    /**
     * The item's state, with the lease ours; null when neither the item nor the raw object exists (a notification
     * for an object deleted since: nothing to do, and nothing written).
     *
     * @throws RetryableTransformException when another invocation holds the lease past the wait, or the object exists
     *                                     but the processor has not recorded it within {@code METADATA_WAIT_SECONDS}
     */
    ObjectState acquire(String key, String owner, Instant deadline) {
        Instant now = clock.instant();
        Instant giveUp = now.plus(config.leaseWait());
        if (giveUp.isAfter(deadline)) {
            giveUp = deadline;
        }
        Instant noItemGiveUp = now.plus(config.metadataWait());
        Duration backoff = Duration.ofMillis(100);
        while (true) {
            switch (metadata.tryAcquireLease(key, owner, now, deadline.plus(MARGIN))) {
                case LeaseAttempt.Granted granted -> {
                    return granted.state();
                }
                case LeaseAttempt.NoItem noItem -> {
                    if (raw.current(key).isEmpty()) {
                        log.warn(
                                "raw object no longer exists and has no metadata item; nothing to transform",
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
                case LeaseAttempt.Held held -> {
                    if (!now.isBefore(giveUp)) {
                        throw new RetryableTransformException(
                                "another invocation is transforming " + key + "; gave up waiting after "
                                        + config.leaseWait().toSeconds() + " s");
                    }
                }
            }
            pause(backoff.plusMillis(ThreadLocalRandom.current().nextLong(backoff.toMillis() + 1)));
            backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(2)) > 0
                    ? Duration.ofSeconds(2)
                    : backoff.multipliedBy(2);
            now = clock.instant();
        }
    }

    /** Gives the lease back if {@code owner} still holds it: a no-op after a commit, which released it. */
    void release(String key, String owner) {
        metadata.releaseLease(key, owner);
    }

    /** Waits {@code duration}; an interrupt fails the object for a retry. */
    void pause(Duration duration) {
        try {
            sleeper.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableTransformException("interrupted", e);
        }
    }
}
