package dev.tributary.transformer;

import java.io.Closeable;
import java.io.InputStream;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** The raw bucket as the transformer reads it (a port): which version is current, and exactly that version's bytes. */
interface RawSource {
    /** The current version of {@code key} (a HEAD with its stored SHA-256); empty when the object does not exist. */
    Optional<RawVersion> current(String key);

    /**
     * Opens exactly {@code version}; empty when a newer version has replaced it since it was seen (then the caller
     * looks again).
     */
    Optional<RawBody> open(RawVersion version);

    /**
     * One version of a raw object.
     *
     * @param key            the raw key
     * @param checksumSha256 base64 SHA-256 S3 stores for it; null when it has none (not written by the processor)
     * @param versionId      S3 version id, null when the bucket is not versioned
     * @param eTag           what pins this version on a read
     * @param lastModified   when S3 stored it: the records' ingest time
     */
    record RawVersion(String key, String checksumSha256, String versionId, String eTag, Instant lastModified) {
        public RawVersion {
            Objects.requireNonNull(key, "key");
        }
    }

    /** The bytes of one version, streamed; {@link #abort()} drops the rest instead of reading it to the end. */
    interface RawBody extends Closeable {
        InputStream stream();

        void abort();
    }
}
