package dev.tributary.transformer;

import dev.tributary.transformer.enrich.PiiHasher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The PII HMAC key and its version: from {@code PII_HMAC_KEY} (version {@code PII_HMAC_KEY_VERSION}, default 1), or
 * from the SSM SecureString named by {@code PII_HMAC_KEY_PARAMETER}, whose own version number (1 when created, +1 on
 * every {@code put-parameter --overwrite}) is the key version. Hashes carry it ({@code v2:…}), so rotating the key is
 * one overwrite of the parameter: new hashes say {@code v2}, old ones stay recognisably {@code v1}.
 *
 * <p>Read on first use, not init (a SnapStart snapshot taken at init would carry the secret into every environment
 * restored from it, and keep it after a rotation), then re-read when it is older than {@code PII_KEY_REFRESH_SECONDS}
 * (default 300): a rotation reaches every warm container within that interval. If a re-read fails, the key in hand
 * (still a valid, versioned key) keeps being used and the next use tries again; the first read has no such fallback
 * and fails the invocation for a retry.
 *
 * <p>The key's bytes are the UTF-8 bytes of the configured text (a base64 string from {@code openssl rand -base64 32}
 * is fine as it is).
 */
final class PiiKeys {
    /** A parameter's value and version. */
    record Parameter(String value, long version) {}

    /** Reads a parameter. */
    @FunctionalInterface
    interface ParameterSource {
        Parameter read(String name) throws IOException;
    }

    private record Key(byte[] bytes, long version, Instant readAt) {}

    private final Optional<String> key;
    private final long keyVersion;
    private final Optional<String> parameter;
    private final ParameterSource source;
    private final Duration refresh;
    private final Clock clock;
    private volatile Key current;

    PiiKeys(
            Optional<String> key,
            long keyVersion,
            Optional<String> parameter,
            ParameterSource source,
            Duration refresh,
            Clock clock) {
        this.key = key;
        this.keyVersion = keyVersion;
        this.parameter = parameter;
        this.source = source;
        this.refresh = refresh;
        this.clock = clock;
    }

    /** From the configuration, with the system clock. */
    PiiKeys(TransformerConfig config, ParameterSource source) {
        this(
                config.piiKey(),
                config.piiKeyVersion(),
                config.piiKeyParameter(),
                source,
                config.piiKeyRefresh(),
                Clock.systemUTC());
    }

    /**
     * A new hasher under the current key (one per transform: hashers are not thread-safe).
     *
     * @throws RetryableTransformException when the key has never been read and cannot be read now
     */
    PiiHasher hasher() {
        Key key = current;
        if (key == null || (parameter.isPresent() && key.readAt().plus(refresh).isBefore(clock.instant()))) {
            synchronized (this) {
                key = current;
                if (key == null) {
                    key = load();
                    current = key;
                } else if (parameter.isPresent() && key.readAt().plus(refresh).isBefore(clock.instant())) {
                    try {
                        key = load();
                        current = key;
                    } catch (RetryableTransformException e) {
                        // Keep hashing under the key in hand; the next use tries the parameter again.
                    }
                }
            }
        }
        return new PiiHasher(key.bytes(), key.version());
    }

    private Key load() {
        if (key.isPresent()) {
            return new Key(key.get().getBytes(StandardCharsets.UTF_8), keyVersion, clock.instant());
        }
        if (parameter.isEmpty()) {
            throw new IllegalStateException("no PII key configured");
        }
        Parameter value;
        try {
            value = source.read(parameter.get());
        } catch (IOException e) {
            throw new RetryableTransformException("the PII HMAC key could not be read: " + e.getMessage(), e);
        }
        byte[] bytes = value.value().strip().getBytes(StandardCharsets.UTF_8);
        if (bytes.length < PiiHasher.MIN_KEY_BYTES) {
            throw new RetryableTransformException("the PII HMAC key in " + parameter.get() + " is shorter than "
                    + PiiHasher.MIN_KEY_BYTES + " bytes");
        }
        if (value.version() < 1) {
            throw new RetryableTransformException("SSM returned no version for " + parameter.get());
        }
        return new Key(bytes, value.version(), clock.instant());
    }
}
