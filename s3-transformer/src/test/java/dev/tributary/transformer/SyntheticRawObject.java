package dev.tributary.transformer;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a realistic raw object of a chosen compressed size without holding it: page views with varied URLs, a few
 * common user agents, repeating user ids, a random (so poorly compressible) context field, and one event in a
 * thousand repeated (a producer retry), streamed through gzip into any sink.
 */
final class SyntheticRawObject {
    static final String[] AGENTS = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
    };
    private static final char[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    /**
     * What was written.
     *
     * @param records    lines written
     * @param unique     distinct event ids among them
     * @param bytes      compressed size
     * @param sha256     base64 SHA-256 of the compressed bytes
     */
    record Written(long records, long unique, long bytes, String sha256) {}

    private SyntheticRawObject() {}

    /** Writes page views (partition hour 2026-11-22T10) until the gzip output reaches {@code compressedBytes}. */
    static Written write(OutputStream sink, long compressedBytes, long seed) throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        CountingOutputStream counted = new CountingOutputStream(new DigestOutputStream(sink, sha256));
        SplittableRandom random = new SplittableRandom(seed);
        long records = 0;
        long unique = 0;
        char[] context = new char[400];
        try (OutputStream out = new BufferedOutputStream(new GZIPOutputStream(counted, 64 * 1024), 64 * 1024)) {
            StringBuilder line = new StringBuilder(1024);
            while (counted.count < compressedBytes) {
                boolean repeat = records > 0 && records % 1000 == 0;
                long id = repeat ? unique - 1 - random.nextLong(Math.min(unique, 500)) : unique++;
                for (int i = 0; i < context.length; i++) {
                    context[i] = ALPHABET[random.nextInt(ALPHABET.length)];
                }
                line.setLength(0);
                line.append("{\"event_id\":\"ev-")
                        .append(id)
                        .append("\",\"event_type\":\"page_view\",\"event_time\":\"")
                        .append(String.format(
                                "2026-11-22T10:%02d:%02d.%03dZ", id / 60_000 % 60, id / 1000 % 60, id % 1000))
                        .append("\",\"source\":\"web-frontend\",\"schema_version\":1,\"payload\":{\"page_url\":")
                        .append("\"https://shop.example.com/products/")
                        .append(id % 5000)
                        .append("?ref=mail&utm_source=n")
                        .append(id % 7)
                        .append("\",\"tti_ms\":")
                        .append(200 + id % 3000)
                        .append(",\"ttar_ms\":")
                        .append(50 + id % 700)
                        .append(",\"user_id\":\"u-")
                        .append(id % 10_000)
                        .append("\",\"session_id\":\"s-")
                        .append(id / 20)
                        .append("\",\"user_agent\":\"")
                        .append(AGENTS[(int) (id % AGENTS.length)])
                        .append("\",\"context\":\"")
                        .append(context)
                        .append("\"}}\n");
                out.write(line.toString().getBytes(StandardCharsets.UTF_8));
                records++;
            }
        }
        return new Written(records, unique, counted.count, Base64.getEncoder().encodeToString(sha256.digest()));
    }

    private static final class CountingOutputStream extends FilterOutputStream {
        long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            count += length;
        }
    }
}
