package dev.tributary.transformer;

import dev.tributary.common.metadata.LeaseAttempt;
import dev.tributary.common.metadata.ObjectState;
import dev.tributary.common.metadata.ObjectStatus;
import dev.tributary.common.metadata.ProcessedObjectMetadata;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The metadata item's lease and commit conditions as {@code DynamoDbMetadataStore} documents them, in memory: for the
 * protocol's unit tests, never for checking DynamoDB (the store's conditions run on the emulator in the ITs).
 */
final class InMemoryMetadataLedger implements MetadataLedger {
    final Map<String, ObjectState> items = new HashMap<>();
    final Map<String, Instant> leaseExpiresAt = new HashMap<>();
    final List<ProcessedObjectMetadata> processed = new ArrayList<>();
    final Map<String, String> failed = new HashMap<>();
    int leaseAttempts;

    @Override
    public Optional<ObjectState> find(String key) {
        return Optional.ofNullable(items.get(key));
    }

    @Override
    public LeaseAttempt tryAcquireLease(String key, String owner, Instant now, Instant expiresAt) {
        leaseAttempts++;
        ObjectState state = items.get(key);
        if (state == null) {
            return new LeaseAttempt.NoItem();
        }
        if (state.leaseOwner() != null
                && !state.leaseOwner().equals(owner)
                && !leaseExpiresAt.get(key).isBefore(now)) {
            return new LeaseAttempt.Held();
        }
        ObjectState leased =
                new ObjectState(key, state.status(), state.checksumSha256(), state.sourceSequencer(), owner);
        items.put(key, leased);
        leaseExpiresAt.put(key, expiresAt);
        return new LeaseAttempt.Granted(leased);
    }

    @Override
    public boolean releaseLease(String key, String owner) {
        ObjectState state = items.get(key);
        if (state == null || !owner.equals(state.leaseOwner())) {
            return false;
        }
        items.put(key, new ObjectState(key, state.status(), state.checksumSha256(), state.sourceSequencer(), null));
        return true;
    }

    @Override
    public boolean markProcessed(ProcessedObjectMetadata done, String owner, Instant now) {
        ObjectState state = items.get(done.objectKey());
        if (!owner.equals(state.leaseOwner()) || !done.checksumSha256().equals(state.checksumSha256())) {
            return false;
        }
        items.put(
                done.objectKey(),
                new ObjectState(
                        done.objectKey(), ObjectStatus.PROCESSED, done.checksumSha256(), done.sourceSequencer(), null));
        processed.add(done);
        return true;
    }

    @Override
    public boolean markFailed(String key, String checksumSha256, String reason, String owner, Instant now) {
        ObjectState state = items.get(key);
        if (!owner.equals(state.leaseOwner()) || !checksumSha256.equals(state.checksumSha256())) {
            return false;
        }
        items.put(key, new ObjectState(key, ObjectStatus.FAILED, checksumSha256, state.sourceSequencer(), null));
        failed.put(key, reason);
        return true;
    }
}
