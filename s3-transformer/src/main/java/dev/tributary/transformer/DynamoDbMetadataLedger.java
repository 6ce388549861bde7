package dev.tributary.transformer;

import dev.tributary.common.metadata.DynamoDbMetadataStore;
import dev.tributary.common.metadata.LeaseAttempt;
import dev.tributary.common.metadata.ObjectState;
import dev.tributary.common.metadata.ProcessedObjectMetadata;
import java.time.Instant;
import java.util.Optional;

/** {@link MetadataLedger} on the DynamoDB metadata table (the adapter: every attribute map stays in the store). */
final class DynamoDbMetadataLedger implements MetadataLedger {
    private final DynamoDbMetadataStore store;

    DynamoDbMetadataLedger(DynamoDbMetadataStore store) {
        this.store = store;
    }

    @Override
    public Optional<ObjectState> find(String key) {
        return store.findState(key);
    }

    @Override
    public LeaseAttempt tryAcquireLease(String key, String owner, Instant now, Instant expiresAt) {
        return store.tryAcquireLease(key, owner, now, expiresAt);
    }

    @Override
    public boolean releaseLease(String key, String owner) {
        return store.releaseLease(key, owner);
    }

    @Override
    public boolean markProcessed(ProcessedObjectMetadata processed, String owner, Instant now) {
        return store.markProcessed(processed, owner, now);
    }

    @Override
    public boolean markFailed(String key, String checksumSha256, String reason, String owner, Instant now) {
        return store.markFailed(key, checksumSha256, reason, owner, now);
    }
}
