package dev.tributary.transformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.common.config.Env;
import dev.tributary.common.event.EventSchemas;
import dev.tributary.common.logging.StructuredLogger;
import dev.tributary.common.metadata.ObjectState;
import dev.tributary.common.metadata.ObjectStatus;
import dev.tributary.transformer.RawSource.RawBody;
import dev.tributary.transformer.RawSource.RawVersion;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The exactly-once-per-raw-version protocol against in-memory ports: which version it transforms, what it commits,
 * when it goes round again and when it gives up. The ports' AWS behaviour (conditional writes, If-Match, multipart
 * uploads) is not modelled here; {@code TransformerIdempotencyIT} and {@code S3TransformerIT} check it on the
 * emulator.
 */
class ObjectTransformerTest {
    static final String KEY = "raw/event_type=sensor_reading/dt=2026-11-22/hr=10/"
            + "tributary-events.shardId-000000000000.0123456789abcdef.jsonl.gz";
    static final Instant NOW = Instant.parse("2026-11-22T10:30:00Z");

    final PiiKeysTest.ManualClock clock = new PiiKeysTest.ManualClock();
    final InMemoryMetadataLedger ledger = new InMemoryMetadataLedger();
    final FakeRaw raw = new FakeRaw();
    final FakeSink sink = new FakeSink();
    final TransformerConfig config = TransformerConfig.fromEnv(new Env(TransformerConfigTest.env()));
    final ObjectTransformer transformer = new ObjectTransformer(
            ledger,
            raw,
            sink,
            new StreamTransformer(StreamTransformerTest.ENRICHER, StreamTransformerTest.LIMITS, 6),
            new EventSchemas(),
            new PiiKeys(
                    Optional.of(TransformerConfigTest.KEY),
                    1,
                    Optional.empty(),
                    name -> {
                        throw new AssertionError("no parameter store in this test");
                    },
                    Duration.ofMinutes(5),
                    clock),
            config,
            clock,
            duration -> clock.now = clock.now.plus(duration),
            new StructuredLogger(
                    "s3-transformer",
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    clock));

    static S3Notifications.Notice.Created notice(String sequencer) {
        return new S3Notifications.Notice.Created(null, "ObjectCreated:Put", "raw", KEY, null, sequencer, 1);
    }

    ObjectTransformer.Outcome process(String sequencer) throws Exception {
        return transformer.process(notice(sequencer), clock.instant().plus(Duration.ofMinutes(5)), "req-1");
    }

    /**
     * The processor wrote {@code body} to S3 and recorded it: status WRITTEN and the new checksum; like its
     * {@code UpdateItem}, the recording leaves the lease alone.
     */
    String written(byte[] body) {
        String checksum = raw.put(body);
        ObjectState before = ledger.items.get(KEY);
        ledger.items.put(
                KEY,
                new ObjectState(
                        KEY,
                        ObjectStatus.WRITTEN,
                        checksum,
                        before == null ? null : before.sourceSequencer(),
                        before == null ? null : before.leaseOwner()));
        return checksum;
    }

    @Nested
    class Process {
        @Test
        void process_whenItemRecordsTheCurrentVersion_publishesItAndCommitsProcessedReleasingTheLease()
                throws Exception {
            String checksum = written(RawObjects.lines(RawObjects.reading("a"), RawObjects.reading("b")));

            assertThat(process("0055AED6DCD90281E5")).isEqualTo(ObjectTransformer.Outcome.PROCESSED);

            assertThat(sink.published)
                    .containsOnlyKeys("processed/event_type=sensor_reading/dt=2026-11-22/hr=10/"
                            + "tributary-events.shardId-000000000000.0123456789abcdef.jsonl.gz");
            assertThat(RawObjects.gunzipLines(sink.published.values().iterator().next()))
                    .hasSize(2);
            assertThat(ledger.processed).singleElement().satisfies(p -> {
                assertThat(p.checksumSha256()).isEqualTo(checksum);
                assertThat(p.recordsOut()).isEqualTo(2);
                assertThat(p.sourceSequencer()).isEqualTo("0055AED6DCD90281E5");
            });
            assertThat(ledger.items.get(KEY).leaseOwner()).isNull();
        }

        @Test
        void process_whenSequencerIsNotNewerThanTheLastCommit_isStaleWithoutTakingTheLease() throws Exception {
            String checksum = raw.put(RawObjects.lines(RawObjects.reading("a")));
            ledger.items.put(KEY, new ObjectState(KEY, ObjectStatus.PROCESSED, checksum, "0055AED6DCD90281E5", null));

            assertThat(process("0055AED6DCD90281E4")).isEqualTo(ObjectTransformer.Outcome.STALE_EVENT);

            assertThat(ledger.leaseAttempts).isZero();
            assertThat(sink.published).isEmpty();
        }

        @Test
        void process_whenCurrentVersionIsAlreadyProcessed_writesNothing() throws Exception {
            String checksum = raw.put(RawObjects.lines(RawObjects.reading("a")));
            ledger.items.put(KEY, new ObjectState(KEY, ObjectStatus.PROCESSED, checksum, null, null));

            assertThat(process(null)).isEqualTo(ObjectTransformer.Outcome.ALREADY_PROCESSED);

            assertThat(sink.opened).isZero();
            assertThat(ledger.items.get(KEY).leaseOwner()).isNull();
        }

        @Test
        void process_whenNeitherItemNorObjectExists_isGoneAndWritesNothing() throws Exception {
            assertThat(process(null)).isEqualTo(ObjectTransformer.Outcome.OBJECT_GONE);

            assertThat(ledger.items).isEmpty();
            assertThat(sink.opened).isZero();
        }

        @Test
        void process_whenVersionIsReplacedBetweenHeadAndGet_transformsTheNewOneOnceRecorded() throws Exception {
            written(RawObjects.lines(RawObjects.reading("old")));
            byte[] newer = RawObjects.lines(RawObjects.reading("new-1"), RawObjects.reading("new-2"));
            raw.beforeOpen = () -> {
                raw.beforeOpen = () -> {};
                written(newer); // the processor overwrites the key and records the new version
            };

            assertThat(process(null)).isEqualTo(ObjectTransformer.Outcome.PROCESSED);

            assertThat(ledger.processed)
                    .singleElement()
                    .satisfies(p -> assertThat(p.recordsOut()).isEqualTo(2));
            assertThat(sink.aborted).isZero();
        }

        @Test
        void process_whenTheBodyIsNotGzip_marksFailedWithTheReasonAndThrows() {
            String checksum = written("not gzip".getBytes(StandardCharsets.UTF_8));

            assertThatThrownBy(() -> process(null)).isInstanceOf(TransformFailure.class);

            assertThat(ledger.items.get(KEY).status()).isEqualTo(ObjectStatus.FAILED);
            assertThat(ledger.failed.get(KEY)).startsWith("corrupt_gzip: ");
            assertThat(ledger.items.get(KEY).checksumSha256()).isEqualTo(checksum);
            assertThat(sink.published).isEmpty();
            assertThat(sink.aborted).isEqualTo(1);
        }

        @Test
        void process_whenTheItemNeverRecordsTheCurrentVersion_failsForARetryWithoutCommitting() {
            raw.put(RawObjects.lines(RawObjects.reading("a")));
            ledger.items.put(KEY, new ObjectState(KEY, ObjectStatus.WRITTEN, "an-older-checksum", null, null));

            assertThatThrownBy(() -> process(null))
                    .isInstanceOf(RetryableTransformException.class)
                    .hasMessageContaining("does not record the current raw version yet");

            assertThat(ledger.processed).isEmpty();
            assertThat(ledger.items.get(KEY).leaseOwner()).isNull();
        }

        @Test
        void process_whenAnotherInvocationHoldsTheLeasePastTheWait_failsForARetry() {
            written(RawObjects.lines(RawObjects.reading("a")));
            ledger.items.put(
                    KEY,
                    new ObjectState(
                            KEY, ObjectStatus.WRITTEN, ledger.items.get(KEY).checksumSha256(), null, "someone-else"));
            ledger.leaseExpiresAt.put(KEY, clock.instant().plus(Duration.ofHours(1)));

            assertThatThrownBy(() -> process(null))
                    .isInstanceOf(RetryableTransformException.class)
                    .hasMessageContaining("another invocation is transforming");

            assertThat(ledger.items.get(KEY).leaseOwner()).isEqualTo("someone-else");
            assertThat(sink.opened).isZero();
        }
    }

    /** One raw key's current version; a put replaces it (a new ETag). */
    static final class FakeRaw implements RawSource {
        private byte[] body;
        private RawVersion current;
        private int versions;
        Runnable beforeOpen = () -> {};

        String put(byte[] bytes) {
            body = bytes.clone();
            String checksum = sha256(bytes);
            current = new RawVersion(KEY, checksum, null, "\"etag-" + ++versions + "\"", NOW);
            return checksum;
        }

        @Override
        public Optional<RawVersion> current(String key) {
            return key.equals(KEY) ? Optional.ofNullable(current) : Optional.empty();
        }

        @Override
        public Optional<RawBody> open(RawVersion version) {
            beforeOpen.run();
            if (current == null || !current.eTag().equals(version.eTag())) {
                return Optional.empty(); // If-Match failed: a newer version replaced it
            }
            InputStream in = new ByteArrayInputStream(body);
            return Optional.of(new RawBody() {
                @Override
                public InputStream stream() {
                    return in;
                }

                @Override
                public void abort() {}

                @Override
                public void close() {}
            });
        }

        static String sha256(byte[] bytes) {
            try {
                return Base64.getEncoder()
                        .encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Uploads that become visible on close only. */
    static final class FakeSink implements ProcessedSink {
        final Map<String, byte[]> published = new HashMap<>();
        int opened;
        int aborted;

        @Override
        public Upload open(String key, Map<String, String> userMetadata) {
            opened++;
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            return new Upload() {
                @Override
                public OutputStream stream() {
                    return bytes;
                }

                @Override
                public void close() {
                    published.put(key, bytes.toByteArray());
                }

                @Override
                public void abort() {
                    aborted++;
                }
            };
        }
    }
}
