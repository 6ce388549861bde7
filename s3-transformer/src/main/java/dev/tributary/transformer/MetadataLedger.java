package dev.tributary.transformer;

import dev.tributary.common.metadata.LeaseAttempt;
import dev.tributary.common.metadata.ObjectState;
import dev.tributary.common.metadata.ProcessedObjectMetadata;
import java.time.Instant;
import java.util.Optional;

/**
 * The metadata table as the transformer uses it (a port): the item's state, the per-key lease, and the commit of a
 * version's outcome under that lease. {@link DynamoDbMetadataLedger} is the table; the conditions are documented on
 * {@link dev.tributary.common.metadata.DynamoDbMetadataStore}.
 */
interface MetadataLedger {
    /** The item's state, read consistently; empty when there is no item. */
    Optional<ObjectState> find(String key);

    /** Takes the lease on an existing item if nobody else holds an unexpired one. */
    LeaseAttempt tryAcquireLease(String key, String owner, Instant now, Instant expiresAt);

    /** Gives the lease back if {@code owner} still holds it; false when it did not. */
    boolean releaseLease(String key, String owner);

    /** {@code PROCESSED}, if the lease is still {@code owner}'s and the recorded checksum unchanged. */
    boolean markProcessed(ProcessedObjectMetadata processed, String owner, Instant now);

    /** {@code FAILED} with {@code reason}, under the same condition as {@link #markProcessed}. */
    boolean markFailed(String key, String checksumSha256, String reason, String owner, Instant now);
}
