package dev.tributary.transformer.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Replaces PII with a keyed hash: {@code v<key version>:} and HMAC-SHA256 of the value's UTF-8 text under a secret
 * key, as 64 lower-case hex digits ({@code v2:3f0c…}). Equal values give equal hashes under one key, so joins and
 * counts of distinct users still work; without the key a hash cannot be reversed or recomputed from a guessed value
 * (which a plain SHA-256 of an e-mail address could). The version prefix names the key: after a rotation, old hashes
 * ({@code v1:}) stay identifiable as such and are never confused with new ones.
 *
 * <p>Strings are hashed as they are; numbers and booleans as their JSON text; objects and arrays as their compact
 * JSON; null stays null. The key is never logged and never part of an exception message.
 *
 * <p>Not thread-safe (one {@link Mac}); build one per transform.
 */
public final class PiiHasher {
    /** Shortest key accepted: 32 bytes, the HMAC-SHA256 block security level. */
    public static final int MIN_KEY_BYTES = 32;

    private final Mac mac;
    private final String prefix;

    /** A hasher under key version 1. */
    public PiiHasher(byte[] key) {
        this(key, 1);
    }

    /**
     * @param key     the secret, at least {@link #MIN_KEY_BYTES} bytes
     * @param version the key's version (the SSM parameter's version), ≥ 1
     */
    public PiiHasher(byte[] key, long version) {
        if (version < 1) {
            throw new IllegalArgumentException("the PII key version must be at least 1");
        }
        this.prefix = "v" + version + ":";
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the PII HMAC key must be at least " + MIN_KEY_BYTES + " bytes");
        }
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    /** The keyed hash of {@code value}: {@code v<version>:<64 hex digits>}. */
    public String hash(String value) {
        return prefix + HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Replaces each of {@code paths} in {@code payload} by its hash, where present and not null.
     *
     * @return how many values were replaced
     */
    public int apply(ObjectNode payload, List<String> paths) {
        int replaced = 0;
        for (String path : paths) {
            ObjectNode parent = PayloadPaths.parent(payload, path);
            if (parent == null) {
                continue;
            }
            String leaf = PayloadPaths.leaf(path);
            JsonNode value = parent.get(leaf);
            if (value == null || value.isNull()) {
                continue;
            }
            String text = value.isTextual() ? value.textValue() : value.toString();
            parent.put(leaf, hash(text));
            replaced++;
        }
        return replaced;
    }
}
