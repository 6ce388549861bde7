package dev.tributary.transformer;

import static dev.tributary.common.metadata.MetadataAttributes.CHECKSUM_SHA256;
import static dev.tributary.common.metadata.MetadataAttributes.SOURCE_SEQUENCER;
import static dev.tributary.common.metadata.MetadataAttributes.STATUS;

import dev.tributary.common.event.EventSchemas;
import dev.tributary.common.io.S3UploadStream;
import dev.tributary.common.layout.ObjectKeys;
import dev.tributary.common.logging.StructuredLogger;
import dev.tributary.common.metadata.DynamoDbMetadataStore;
import dev.tributary.common.metadata.ObjectStatus;
import dev.tributary.common.metadata.ProcessedObjectMetadata;
import dev.tributary.transformer.enrich.PiiHasher;
import dev.tributary.transformer.enrich.ReferenceData;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

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
 *   <li><b>Transform</b> exactly that version (GET by version id, or If-Match on the ETag) into a streaming upload of
 *       the processed key. Published only when the whole object transformed; aborted otherwise.</li>
 *   <li><b>Commit</b> {@code PROCESSED} (or {@code FAILED}) on condition that the lease is still ours and the
 *       checksum unchanged. If the processor recorded a newer version meanwhile, go again from 3.</li>
 * </ol>
 *
 * Output is deterministic, so a crash anywhere is repaired by the retry: it rewrites the same bytes and commits.
 */
final class ObjectTransformer {
    /** What happened to one notification. */
    enum Outcome {
        PROCESSED,
        ALREADY_PROCESSED,
        STALE_EVENT,
        OBJECT_GONE
    }

    static final String CONTENT_TYPE = "application/gzip";
    static final int MAX_VERSION_CHANGES = 3;
    /** The lease lasts this long past the holder's deadline: in-flight requests have landed by then. */
    static final Duration LEASE_MARGIN = Duration.ofSeconds(30);

    private final S3Client s3;
    private final DynamoDbMetadataStore metadata;
    private final StreamTransformer transformer;
    private final EventSchemas schemas;
    private final PiiKeys piiKeys;
    private final TransformerConfig config;
    private final Clock clock;
    private final Sleeper sleeper;
    private final StructuredLogger log;
    private final LeaseAcquirer lease;

    /** Waits; tests substitute one that does not. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    ObjectTransformer(S3Client s3, DynamoDbMetadataStore metadata, StreamTransformer transformer, EventSchemas schemas,
            PiiKeys piiKeys, TransformerConfig config, Clock clock, Sleeper sleeper, StructuredLogger log) {
        this.s3 = s3;
        this.metadata = metadata;
        this.transformer = transformer;
        this.schemas = schemas;
        this.piiKeys = piiKeys;
        this.config = config;
        this.clock = clock;
        this.sleeper = sleeper;
        this.log = log;
        this.lease = new LeaseAcquirer(s3, metadata, config, clock, sleeper, log);
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
        Optional<Map<String, AttributeValue>> before = metadata.find(key);
        if (notice.sequencer() != null && before.isPresent() && isProcessed(before.get())
                && before.get().containsKey(SOURCE_SEQUENCER)
                && S3Notifications.compareSequencers(notice.sequencer(), before.get().get(SOURCE_SEQUENCER).s()) <= 0) {
            return Outcome.STALE_EVENT;
        }
        String owner = (requestId == null ? "local" : requestId) + "/" + UUID.randomUUID();
        Map<String, AttributeValue> item = lease.acquire(key, owner, deadline);
        if (item == null) {
            return Outcome.OBJECT_GONE;
        }
        try {
            return underLease(notice, owner, item, deadline);
        } finally {
            metadata.releaseLease(key, owner); // a no-op after a commit, which released it
        }
    }

    private Outcome underLease(S3Notifications.Notice.Created notice, String owner, Map<String, AttributeValue> item,
            Instant deadline) throws TransformFailure, IOException {
        String key = notice.key();
        for (int round = 1; round <= MAX_VERSION_CHANGES; round++) {
            Current current = awaitRecordedVersion(key, item);
            if (current == null) {
                return Outcome.OBJECT_GONE;
            }
            item = current.item();
            if (isProcessed(item)) {
                return Outcome.ALREADY_PROCESSED;
            }
            String checksum = current.head().checksumSHA256();
            String eventType = ObjectKeys.parse(key).orElseThrow().partition().eventType();
            if (schemas.payloadSchema(eventType).isEmpty()) {
                TransformFailure failure = new TransformFailure("unknown_event_type",
                        "no schema for event_type '" + eventType + "' and no default schema");
                if (metadata.markFailed(key, checksum, failure.describe(), owner, clock.instant())) {
                    throw failure;
                }
                item = reread(key);
                continue;
            }
            Attempt attempt = transform(notice, current.head(), eventType, deadline);
            if (attempt.summary() == null && attempt.failure() == null) {
                item = reread(key); // replaced between HEAD and GET
                continue;
            }
            if (attempt.failure() != null) {
                if (metadata.markFailed(key, checksum, attempt.failure().describe(), owner, clock.instant())) {
                    throw attempt.failure();
                }
            } else {
                StreamTransformer.Summary summary = attempt.summary();
                String sequencer = newest(notice.sequencer(), item.get(SOURCE_SEQUENCER));
                ProcessedObjectMetadata processed = new ProcessedObjectMetadata(key, checksum,
                        config.processedBucket(), ObjectKeys.processedFor(key), summary.recordsIn(),
                        summary.recordsOut(), summary.duplicatesDropped(), current.head().versionId(), sequencer);
                if (metadata.markProcessed(processed, owner, clock.instant())) {
                    log.info("object transformed", summary(notice, processed, summary));
                    return Outcome.PROCESSED;
                }
            }
            // The commit's condition failed: the processor recorded a newer version while we worked (or our lease
            // was taken, which a deadline-bound lease prevents). Go again with what is current now.
            item = reread(key);
            if (!owner.equals(text(item, dev.tributary.common.metadata.MetadataAttributes.LEASE_OWNER))) {
                throw new RetryableTransformException("lost the lease on " + key + " while transforming it");
            }
            log.warn("raw object changed while it was transformed; transforming the new version",
                    Map.of("raw_key", key, "round", round));
        }
        throw new RetryableTransformException("raw object " + key + " changed " + MAX_VERSION_CHANGES
                + " times while it was transformed");
    }

    /** The current raw version (HEAD) once the item records it; null when the object no longer exists. */
    private Current awaitRecordedVersion(String key, Map<String, AttributeValue> item) {
        Instant giveUp = clock.instant().plus(config.metadataWait());
        while (true) {
            HeadObjectResponse head;
            try {
                head = s3.headObject(b -> b.bucket(config.rawBucket()).key(key).checksumMode(ChecksumMode.ENABLED));
            } catch (NoSuchKeyException e) {
                log.warn("raw object no longer exists; nothing to transform", Map.of("raw_key", key));
                return null;
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    log.warn("raw object no longer exists; nothing to transform", Map.of("raw_key", key));
                    return null;
                }
                throw e;
            }
            String recorded = text(item, CHECKSUM_SHA256);
            String stored = head.checksumSHA256();
            if (stored == null) {
                throw new RetryableTransformException("raw object " + key + " has no SHA-256 checksum in S3; the "
                        + "processor always writes one, so it was not written by the processor");
            }
            if (stored.equals(recorded)) {
                return new Current(head, item);
            }
            if (!clock.instant().isBefore(giveUp)) {
                throw new RetryableTransformException("the metadata item of " + key + " does not record the current "
                        + "raw version yet (checksum " + stored + ", recorded " + recorded + ")");
            }
            pause(Duration.ofMillis(250));
            item = reread(key);
        }
    }

    private Attempt transform(S3Notifications.Notice.Created notice, HeadObjectResponse head, String eventType,
            Instant deadline) throws IOException {
        String key = notice.key();
        PiiHasher pii = piiKeys.hasher(); // every configuration has a key: the bundled PII policies hash
        // If-Match pins the version HEAD saw (needs only s3:GetObject, unlike a GET by version id); a 412 means a
        // newer version landed in between, and the caller goes round again.
        GetObjectRequest get = GetObjectRequest.builder().bucket(config.rawBucket()).key(key)
                .checksumMode(ChecksumMode.ENABLED).ifMatch(head.eTag()).build();
        ResponseInputStream<GetObjectResponse> body;
        try {
            body = s3.getObject(get);
        } catch (S3Exception e) {
            if (e.statusCode() == 412) {
                return new Attempt(null, null);
            }
            throw e;
        }
        Map<String, String> userMetadata = new LinkedHashMap<>();
        userMetadata.put("source-checksum-sha256", head.checksumSHA256());
        if (head.versionId() != null) {
            userMetadata.put("source-version-id", head.versionId());
        }
        S3UploadStream sink = new S3UploadStream(s3, config.processedBucket(), ObjectKeys.processedFor(key),
                CONTENT_TYPE, userMetadata, config.uploadPartBytes(), config.uploadConcurrency());
        try {
            StreamTransformer.Summary summary = transformer.transform(body, sink, eventType, head.lastModified(), pii);
            if (!summary.rawSha256().equals(head.checksumSHA256())) {
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
    private static void abort(ResponseInputStream<GetObjectResponse> body, S3UploadStream sink) {
        sink.abort();
        body.abort();
    }

    private Map<String, AttributeValue> reread(String key) {
        return metadata.find(key).orElseGet(HashMap::new);
    }

    private void pause(Duration duration) {
        lease.pause(duration);
    }

    private static boolean isProcessed(Map<String, AttributeValue> item) {
        return ObjectStatus.PROCESSED.name().equals(text(item, STATUS));
    }

    private static String text(Map<String, AttributeValue> item, String attribute) {
        AttributeValue value = item.get(attribute);
        return value == null ? null : value.s();
    }

    private static String newest(String eventSequencer, AttributeValue recorded) {
        String stored = recorded == null ? null : recorded.s();
        if (eventSequencer == null) {
            return stored;
        }
        if (stored == null) {
            return eventSequencer;
        }
        return S3Notifications.compareSequencers(eventSequencer, stored) >= 0 ? eventSequencer : stored;
    }

    private static Map<String, Object> summary(S3Notifications.Notice.Created notice, ProcessedObjectMetadata processed,
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

    private record Current(HeadObjectResponse head, Map<String, AttributeValue> item) {
        Current {
            Objects.requireNonNull(head);
        }
    }

    private record Attempt(StreamTransformer.Summary summary, TransformFailure failure) {}
}
