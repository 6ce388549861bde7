package dev.tributary.transformer;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.common.io.GzipJsonLinesWriter;
import dev.tributary.common.json.Json;
import dev.tributary.transformer.enrich.EventIdSet;
import dev.tributary.transformer.enrich.InvalidRecordException;
import dev.tributary.transformer.enrich.PiiHasher;
import dev.tributary.transformer.enrich.RecordEnricher;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.zip.ZipException;

/**
 * The transform itself, with no AWS in sight: gzip JSON Lines in, enriched gzip JSON Lines out, one record at a time,
 * so memory does not grow with the object (only the {@link EventIdSet}, at 16 bytes per event).
 *
 * <p>Reading: SHA-256 of the raw bytes (to record which version was transformed) → gunzip with bomb limits → lines
 * → JSON → {@link RecordEnricher} → de-duplication by {@code event_id} (first occurrence wins) → gzip. The output is
 * a pure function of the input bytes, its partition type and ingest time, and the configuration: transforming the same
 * version twice gives the same bytes.
 *
 * <p>Any problem with the input (corrupt or truncated gzip, a bomb, a line that is not a JSON object or not a valid
 * event) is a {@link TransformFailure}; I/O errors of the source or sink stay {@link IOException}s (retryable). The
 * sink is never closed here: the caller publishes it on success and aborts it otherwise.
 */
public final class StreamTransformer {
    /**
     * Input limits.
     *
     * @param maxDecompressedBytes refuse objects that decompress to more (default {@link #MAX_RAW_OBJECT_BYTES})
     * @param maxLineBytes         refuse lines longer than this
     */
    public record Limits(long maxDecompressedBytes, int maxLineBytes) {
        /**
         * The most a raw object can decompress to when the kinesis-processor wrote it: 6 MiB (6,291,456 bytes).
         *
         * <p>Why it holds, from the AWS documentation: "Lambda passes all of the records in the batch to the function
         * in a single call, up to the payload limit for synchronous invocation (6 MB)" (Lambda API reference,
         * EventSourceMappingConfiguration, BatchSize), and "For synchronous invocations, the maximum payload size is
         * 6 MB" (Lambda API reference, Invoke). The processor writes one raw object per partition per batch, so an
         * object holds at most one batch's records. Each record's data travels in the event base64-encoded (4 bytes
         * per 3), inside a JSON envelope of a few hundred bytes, and becomes one line of at most 5/4 of its bytes
         * plus a line break (the producer's bytes; re-serialised compactly only when they span lines, where the worst
         * growth is {@code 1e2} becoming {@code 1E+2}). So an object's JSON Lines are at most 5/4 × 3/4 ≈ 94 % of
         * the invocation payload: below 6 MiB with room to spare, even if "6 MB" were the slightly larger
         * 6,291,556 bytes Lambda's error message names. Bisection and partial-batch retries only shrink batches;
         * KPL de-aggregation only removes aggregation framing.
         *
         * <p>Anything larger did not come from the processor: it is refused as {@code decompression_bomb} after at
         * most this many bytes of inflation (milliseconds), in constant memory.
         */
        public static final long MAX_RAW_OBJECT_BYTES = 6L * 1024 * 1024;
    }

    /**
     * What one transform read and wrote.
     *
     * @param recordsIn         non-blank lines read
     * @param recordsOut        records written
     * @param duplicatesDropped records dropped as repeats of an earlier {@code event_id}
     * @param rawBytes          compressed bytes read
     * @param rawUncompressed   decompressed bytes read
     * @param rawSha256         base64 SHA-256 of the raw bytes
     * @param outputBytes       uncompressed bytes written
     */
    public record Summary(
            long recordsIn,
            long recordsOut,
            long duplicatesDropped,
            long rawBytes,
            long rawUncompressed,
            String rawSha256,
            long outputBytes) {}

    /**
     * Tributary's mapper, but keeping a decimal's trailing zeros ({@code 12.50} stays {@code 12.50}): a payload is
     * re-serialised, and its digits are the producer's.
     */
    static final ObjectReader READER =
            Json.mapper().readerFor(JsonNode.class).without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);

    private final RecordEnricher enricher;
    private final Limits limits;
    private final int gzipLevel;

    public StreamTransformer(RecordEnricher enricher, Limits limits, int gzipLevel) {
        this.enricher = enricher;
        this.limits = limits;
        this.gzipLevel = gzipLevel;
    }

    /**
     * Transforms {@code raw} (gzip JSON Lines) into {@code sink} and reads {@code raw} to its end.
     *
     * @param eventType  the partition's event type: every record must have it
     * @param ingestedAt the raw object's write time, for {@code ingest_lag_ms}
     * @param pii        keyed hasher for the type's PII fields (null when it has none)
     * @throws TransformFailure when the input cannot be transformed, ever
     * @throws IOException      when reading or writing failed (worth a retry)
     */
    public Summary transform(InputStream raw, OutputStream sink, String eventType, Instant ingestedAt, PiiHasher pii)
            throws TransformFailure, IOException {
        MessageDigest sha256 = sha256();
        DigestInputStream digesting = new DigestInputStream(raw, sha256);
        LimitedGunzipStream.CountingInputStream counted = new LimitedGunzipStream.CountingInputStream(digesting);
        RecordEnricher.Session session = enricher.session(eventType, ingestedAt, pii);
        EventIdSet seen = new EventIdSet();
        long recordsIn = 0;
        long duplicates = 0;
        GzipJsonLinesWriter writer = new GzipJsonLinesWriter(new KeepOpen(sink), gzipLevel);
        LimitedGunzipStream gunzip = openGunzip(counted);
        LineReader lines = new LineReader(gunzip, limits.maxLineBytes());
        while (nextLine(lines)) {
            if (lines.isBlank()) {
                continue;
            }
            recordsIn++;
            ObjectNode event = parse(lines);
            ObjectNode enriched;
            try {
                enriched = session.enrich(event);
            } catch (InvalidRecordException e) {
                throw new TransformFailure("invalid_record", "line " + lines.lineNumber() + ": " + e.getMessage());
            }
            if (!seen.add(enriched.get("event_id").textValue())) {
                duplicates++;
                continue;
            }
            writer.writeJson(enriched);
        }
        // Whatever follows the last gzip member still belongs to the object and to its checksum.
        digesting.transferTo(OutputStream.nullOutputStream());
        writer.close(); // finishes the gzip stream; KeepOpen leaves the sink open for the caller to publish
        return new Summary(
                recordsIn,
                writer.records(),
                duplicates,
                counted.count(),
                gunzip.decompressedBytes(),
                Base64.getEncoder().encodeToString(sha256.digest()),
                writer.uncompressedBytes());
    }

    private LimitedGunzipStream openGunzip(InputStream compressed) throws TransformFailure, IOException {
        try {
            return new LimitedGunzipStream(compressed, limits.maxDecompressedBytes());
        } catch (ZipException e) {
            throw new TransformFailure("corrupt_gzip", "not a gzip stream: " + e.getMessage(), e);
        } catch (EOFException e) {
            throw new TransformFailure("truncated_gzip", "the object is empty or ends inside the gzip header", e);
        }
    }

    private static boolean nextLine(LineReader lines) throws TransformFailure, IOException {
        try {
            return lines.next();
        } catch (DecompressionBombException e) {
            throw new TransformFailure("decompression_bomb", e.getMessage(), e);
        } catch (ZipException e) {
            throw new TransformFailure("corrupt_gzip", "after line " + lines.lineNumber() + ": " + e.getMessage(), e);
        } catch (EOFException e) {
            throw new TransformFailure(
                    "truncated_gzip", "the gzip stream ends early, after line " + lines.lineNumber(), e);
        } catch (LineReader.LineTooLongException e) {
            throw new TransformFailure("line_too_long", e.getMessage(), e);
        }
    }

    private static ObjectNode parse(LineReader lines) throws TransformFailure {
        JsonNode node;
        try {
            node = READER.readTree(lines.array(), lines.offset(), lines.length());
        } catch (JacksonException e) {
            // The parser's message can quote the record; name the place only.
            var location = e.getLocation();
            throw new TransformFailure(
                    "not_json_lines",
                    "line " + lines.lineNumber() + " is not JSON"
                            + (location == null ? "" : " (column " + location.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new TransformFailure("not_json_lines", "line " + lines.lineNumber() + " is not JSON");
        } catch (NumberFormatException e) {
            // Found by fuzzing: a number no decimal can hold (1e-111111111111) is well-formed JSON, and Jackson
            // throws this instead of a JacksonException; retrying would never help.
            throw new TransformFailure(
                    "not_json_lines", "line " + lines.lineNumber() + " holds a number that " + "cannot be represented");
        }
        if (!(node instanceof ObjectNode object)) {
            throw new TransformFailure("not_json_lines", "line " + lines.lineNumber() + " is not a JSON object");
        }
        return object;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Lets the gzip writer finish without closing (publishing) the sink. */
    private static final class KeepOpen extends FilterOutputStream {
        KeepOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
