package dev.tributary.transformer.enrich;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The {@code event_id}s seen in one object, for de-duplication, in 16 bytes of heap per id however long the ids are
 * (an open-addressing table of 64-bit fingerprints at most half full, instead of a {@code HashSet<String>} at about
 * 100 bytes per id). A 256 MB raw object holds about two million events: 32 MB here, 200+ MB as strings.
 *
 * <p>The fingerprint is the first 64 bits of SHA-256, so producers cannot craft colliding ids. Two distinct ids
 * collide with probability about n²/2⁶⁵: 1 in 10 million for an object of two million events, when the later one
 * would be dropped as a duplicate. That is the price of the bounded heap.
 *
 * <p>Not thread-safe.
 */
public final class EventIdSet {
    private final MessageDigest sha256;
    private long[] slots;
    private int size;

    public EventIdSet() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        slots = new long[1024];
    }

    /** Adds {@code eventId}; false when it was already there (a duplicate). */
    public boolean add(String eventId) {
        byte[] digest = sha256.digest(eventId.getBytes(StandardCharsets.UTF_8));
        long fingerprint = 0;
        for (int i = 0; i < 8; i++) {
            fingerprint = (fingerprint << 8) | (digest[i] & 0xFF);
        }
        if (fingerprint == 0) {
            fingerprint = 1; // 0 marks an empty slot
        }
        if ((size + 1) * 2 > slots.length) {
            grow();
        }
        return insert(slots, fingerprint) && ++size > 0;
    }

    /** Ids held. */
    public int size() {
        return size;
    }

    private static boolean insert(long[] table, long fingerprint) {
        int mask = table.length - 1;
        int index = (int) (fingerprint ^ (fingerprint >>> 32)) & mask;
        while (true) {
            long slot = table[index];
            if (slot == 0) {
                table[index] = fingerprint;
                return true;
            }
            if (slot == fingerprint) {
                return false;
            }
            index = (index + 1) & mask;
        }
    }

    private void grow() {
        long[] bigger = new long[slots.length * 2];
        for (long slot : slots) {
            if (slot != 0) {
                insert(bigger, slot);
            }
        }
        slots = bigger;
    }
}
