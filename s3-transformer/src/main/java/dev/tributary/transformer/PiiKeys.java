package dev.tributary.transformer;

import dev.tributary.transformer.enrich.PiiHasher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The PII HMAC key, from {@code PII_HMAC_KEY} or, read on first use and then kept for the container, from the SSM
 * SecureString named by {@code PII_HMAC_KEY_PARAMETER}. First use, not init: a SnapStart snapshot taken at init would
 * carry the secret into every environment restored from it, and would keep it after a rotation.
 *
 * <p>The key's bytes are the UTF-8 bytes of the configured text (a base64 string from {@code openssl rand -base64 32}
 * is fine as it is). Rotating the key changes every hash, so joins across the rotation break: treat it as permanent.
 */
final class PiiKeys {
    /** Reads a parameter's value. */
    @FunctionalInterface
    interface ParameterSource {
        String read(String name) throws IOException;
    }

    private final Optional<String> key;
    private final Optional<String> parameter;
    private final ParameterSource source;
    private volatile byte[] resolved;

    PiiKeys(Optional<String> key, Optional<String> parameter, ParameterSource source) {
        this.key = key;
        this.parameter = parameter;
        this.source = source;
    }

    /**
     * A new hasher under the key (one per transform: hashers are not thread-safe).
     *
     * @throws RetryableTransformException when the key cannot be read now
     */
    PiiHasher hasher() {
        byte[] bytes = resolved;
        if (bytes == null) {
            synchronized (this) {
                bytes = resolved;
                if (bytes == null) {
                    bytes = load();
                    resolved = bytes;
                }
            }
        }
        return new PiiHasher(bytes);
    }

    private byte[] load() {
        if (key.isPresent()) {
            return key.get().getBytes(StandardCharsets.UTF_8);
        }
        if (parameter.isEmpty()) {
            throw new IllegalStateException("no PII key configured");
        }
        String value;
        try {
            value = source.read(parameter.get());
        } catch (IOException e) {
            throw new RetryableTransformException("the PII HMAC key could not be read: " + e.getMessage(), e);
        }
        byte[] bytes = value.strip().getBytes(StandardCharsets.UTF_8);
        if (bytes.length < PiiHasher.MIN_KEY_BYTES) {
            throw new RetryableTransformException("the PII HMAC key in " + parameter.get() + " is shorter than "
                    + PiiHasher.MIN_KEY_BYTES + " bytes");
        }
        return bytes;
    }
}
