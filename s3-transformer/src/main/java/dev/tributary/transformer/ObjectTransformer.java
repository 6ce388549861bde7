package dev.tributary.transformer;

import dev.tributary.common.event.EventSchemas;
import dev.tributary.common.layout.ObjectKeys;
import dev.tributary.common.logging.StructuredLogger;
import dev.tributary.common.metadata.ObjectState;
import dev.tributary.common.metadata.ProcessedObjectMetadata;
import dev.tributary.transformer.RawSource.RawBody;
import dev.tributary.transformer.RawSource.RawVersion;
import dev.tributary.transformer.enrich.PiiHasher;
import dev.tributary.transformer.enrich.ReferenceData;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Transforms one raw object into its processed object, exactly once per raw version, whatever the delivery order.
 *
 * <ol>
 *   <li><b>Stale event?</b> When the item is {@code PROCESSED} and the event's S3 {@code sequencer} is not newer
 *       than the one recorded at the last commit, the version it announces has been covered: done.</li>
 *   <li><b>Lease.</b> A conditional write in the metadata item makes this invocation the only one working on the
 *       key; others wait for it (then usually find nothing left to do) or fail for a retry. The lease outlives the
 *       invocation's deadline, so it can only lapse once its holder can no longer write.</li>
 *   <li><b>Latest version.</b> HEAD (with the stored SHA-256), not the version the event names: whatever order events
 *       arrive in, the lease holder reads what is current. Done when the item is {@code PROCESSED} with that
 *       checksum. When the item's checksum differs, the processor has not recorded this version yet (it writes S3
 *       first): wait for it, briefly, then fail for a retry.</li>
 *   <li><b>Transform</b> exactly that version (GET with If-Match on the ETag) into a streaming upload of
 *       the processed key. Published only when the whole object transformed; aborted otherwise.</li>
 *   <li><b>Commit</b> {@code PROCESSED} (or {@code FAILED}) on condition that the lease is still ours and the
 *       checksum unchanged. If the processor recorded a newer version meanwhile, go again from 3.</li>
 * </ol>
 *
 * Output is deterministic, so a crash anywhere is repaired by the retry: it rewrites the same bytes and commits.
 *
 * <p>The protocol only: the lease is {@link ProcessingLease}, the raw bytes come from a {@link RawSource}, the output
 * goes to a {@link ProcessedSink}, the item is read and committed through a {@link MetadataLedger}.
 */
final class ObjectTransformer {
    /** What happened to one notification. */
    enum Outcome {
        PROCESSED,
        ALREADY_PROCESSED,
        STALE_EVENT,
        OBJECT_GONE
    }

    static final int MAX_VERSION_CHANGES = 3;

    private final MetadataLedger metadata;
    private final RawSource raw;
    private final ProcessedSink processed;
    private final ProcessingLease lease;
    private final StreamTransformer transformer;
    private final EventSchemas schemas;
    private final PiiKeys piiKeys;
    private final TransformerConfig config;
    private final Clock clock;
    private final StructuredLogger log;

    /** Waits; tests substitute one that does not. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    ObjectTransformer(
            MetadataLedger metadata,
            RawSource raw,
            ProcessedSink processed,
            StreamTransformer transformer,
            EventSchemas schemas,
            PiiKeys piiKeys,
            TransformerConfig config,
            Clock clock,
            Sleeper sleeper,
            StructuredLogger log) {
        this.metadata = metadata;
        this.raw = raw;
        this.processed = processed;
        this.transformer = transformer;
        this.schemas = schemas;
        this.piiKeys = piiKeys;
        this.config = config;
        this.clock = clock;
        this.log = log;
        this.lease = new ProcessingLease(metadata, raw, config, clock, sleeper, log);
    }

    /**
     * Processes one object-created notice.
     *
     * @param deadline when this invocation will be stopped
     * @throws TransformFailure            the current raw version can never be transformed (marked FAILED)
     * @throws RetryableTransformException try again later
     * @throws IOException                 an S3 read or write failed (retryable)
     */
    Outcome process(S3Notifications.Notice.Created notice, Instant deadline, String requestId)
            throws TransformFailure, IOException {
        String key = notice.key();
        Optional<ObjectState> before = metadata.find(key);
        if (notice.sequencer() != null
                && before.isPresent()
                && before.get().isProcessed()
                && before.get().sourceSequencer() != null
                && S3Notifications.compareSequencers(
                                notice.sequencer(), before.get().sourceSequencer())
                        <= 0) {
            return Outcome.STALE_EVENT;
        }
        String owner = (requestId == null ? "local" : requestId) + "/" + UUID.randomUUID();
        ObjectState state = lease.acquire(key, owner, deadline);
        if (state == null) {
            return Outcome.OBJECT_GONE;
        }
        try {
            return underLease(notice, owner, state, deadline);
        } finally {
            lease.release(key, owner);
        }
    }

    private Outcome underLease(S3Notifications.Notice.Created notice, String owner, ObjectState state, Instant deadline)
            throws TransformFailure, IOException {
        String key = notice.key();
        for (int round = 1; round <= MAX_VERSION_CHANGES; round++) {
            Current current = awaitRecordedVersion(key, state);
            if (current == null) {
                return Outcome.OBJECT_GONE;
            }
            state = current.state();
            if (state.isProcessed()) {
                return Outcome.ALREADY_PROCESSED;
            }
            String checksum = current.version().checksumSha256();
            String eventType = ObjectKeys.parse(key).orElseThrow().partition().eventType();
            if (schemas.payloadSchema(eventType).isEmpty()) {
                TransformFailure failure = new TransformFailure(
                        "unknown_event_type", "no schema for event_type '" + eventType + "' and no default schema");
                if (metadata.markFailed(key, checksum, failure.describe(), owner, clock.instant())) {
                    throw failure;
                }
                state = reread(key);
                continue;
            }
            Attempt attempt = transform(current.version(), eventType, deadline);
            if (attempt.summary() == null && attempt.failure() == null) {
                state = reread(key); // replaced between HEAD and GET
                continue;
            }
            if (attempt.failure() != null) {
                if (metadata.markFailed(key, checksum, attempt.failure().describe(), owner, clock.instant())) {
                    throw attempt.failure();
                }
            } else {
                StreamTransformer.Summary summary = attempt.summary();
                String sequencer = newest(notice.sequencer(), state.sourceSequencer());
                ProcessedObjectMetadata done = new ProcessedObjectMetadata(
                        key,
                        checksum,
                        config.processedBucket(),
                        ObjectKeys.processedFor(key),
                        summary.recordsIn(),
                        summary.recordsOut(),
                        summary.duplicatesDropped(),
                        current.version().versionId(),
                        sequencer);
                if (metadata.markProcessed(done, owner, clock.instant())) {
                    log.info("object transformed", summary(notice, done, summary));
                    return Outcome.PROCESSED;
                }
            }
            // The commit's condition failed: the processor recorded a newer version while we worked (or our lease
            // was taken, which a deadline-bound lease prevents). Go again with what is current now.
            state = reread(key);
            if (!owner.equals(state.leaseOwner())) {
                throw new RetryableTransformException("lost the lease on " + key + " while transforming it");
            }
            log.warn(
                    "raw object changed while it was transformed; transforming the new version",
                    Map.of("raw_key", key, "round", round));
        }
        throw new RetryableTransformException(
                "raw object " + key + " changed " + MAX_VERSION_CHANGES + " times while it was transformed");
    }

    /** The current raw version once the item records it; null when the object no longer exists. */
    private Current awaitRecordedVersion(String key, ObjectState state) {
        Instant giveUp = clock.instant().plus(config.metadataWait());
        while (true) {
            Optional<RawVersion> found = raw.current(key);
            if (found.isEmpty()) {
                log.warn("raw object no longer exists; nothing to transform", Map.of("raw_key", key));
                return null;
            }
            RawVersion version = found.get();
            String recorded = state.checksumSha256();
            String stored = version.checksumSha256();
            if (stored == null) {
                throw new RetryableTransformException("raw object " + key + " has no SHA-256 checksum in S3; the "
                        + "processor always writes one, so it was not written by the processor");
            }
            if (stored.equals(recorded)) {
                return new Current(version, state);
            }
            if (!clock.instant().isBefore(giveUp)) {
                throw new RetryableTransformException("the metadata item of " + key + " does not record the current "
                        + "raw version yet (checksum " + stored + ", recorded " + recorded + ")");
            }
            lease.pause(Duration.ofMillis(250));
            state = reread(key);
        }
    }

    /** Transforms exactly {@code version}; an attempt with neither summary nor failure when it was replaced. */
    private Attempt transform(RawVersion version, String eventType, Instant deadline) throws IOException {
        String key = version.key();
        PiiHasher pii = piiKeys.hasher(); // every configuration has a key: the bundled PII policies hash
        Optional<RawBody> opened = raw.open(version);
        if (opened.isEmpty()) {
            return new Attempt(null, null);
        }
        RawBody body = opened.get();
        Map<String, String> userMetadata = new LinkedHashMap<>();
        userMetadata.put("source-checksum-sha256", version.checksumSha256());
        if (version.versionId() != null) {
            userMetadata.put("source-version-id", version.versionId());
        }
        ProcessedSink.Upload sink = processed.open(ObjectKeys.processedFor(key), userMetadata);
        try {
            StreamTransformer.Summary summary =
                    transformer.transform(body.stream(), sink.stream(), eventType, version.lastModified(), pii);
            if (!summary.rawSha256().equals(version.checksumSha256())) {
                throw new IOException("the bytes read from " + key + " do not match its SHA-256 in S3");
            }
            if (clock.instant().isAfter(deadline)) {
                throw new RetryableTransformException("deadline passed while transforming " + key);
            }
            sink.close();
            return new Attempt(summary, null);
        } catch (TransformFailure failure) {
            abort(body, sink);
            return new Attempt(null, failure);
        } catch (ReferenceData.LoadException e) {
            abort(body, sink);
            throw new RetryableTransformException(e.getMessage(), e);
        } catch (IOException | RuntimeException | Error e) {
            abort(body, sink);
            throw e;
        } finally {
            body.close();
        }
    }

    /** Drops the upload, and the rest of the raw object's body instead of reading it to the end. */
    private static void abort(RawBody body, ProcessedSink.Upload sink) {
        sink.abort();
        body.abort();
    }

    private ObjectState reread(String key) {
        return metadata.find(key).orElseGet(() -> ObjectState.absent(key));
    }

    private static String newest(String eventSequencer, String stored) {
        if (eventSequencer == null) {
            return stored;
        }
        if (stored == null) {
            return eventSequencer;
        }
        return S3Notifications.compareSequencers(eventSequencer, stored) >= 0 ? eventSequencer : stored;
    }

    private static Map<String, Object> summary(
            S3Notifications.Notice.Created notice,
            ProcessedObjectMetadata processed,
            StreamTransformer.Summary summary) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("raw_key", notice.key());
        fields.put("processed_key", processed.processedKey());
        fields.put("checksum_sha256", processed.checksumSha256());
        fields.put("records_in", summary.recordsIn());
        fields.put("records_out", summary.recordsOut());
        fields.put("duplicates_dropped", summary.duplicatesDropped());
        fields.put("raw_bytes", summary.rawBytes());
        fields.put("raw_uncompressed_bytes", summary.rawUncompressed());
        fields.put("output_uncompressed_bytes", summary.outputBytes());
        return fields;
    }

    private record Current(RawVersion version, ObjectState state) {}

    private record Attempt(StreamTransformer.Summary summary, TransformFailure failure) {}
}
