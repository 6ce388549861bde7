package dev.tributary.devkit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Which calls a fault rule breaks, decided per call as a pure function of (seed, rule, operation, key, attempt):
 * {@code key} names what the call is about (an S3 object, a DynamoDB item, a message body) and {@code attempt} is how
 * many times the same operation on the same key was seen before. No shared random stream and no global counter, so
 * the same seed breaks the same calls whatever order parallel writers happen to reach the service in, on every run
 * and machine (issue 15, item 5).
 */
@FunctionalInterface
public interface FaultSchedule {

    /** One call as a schedule sees it. */
    record Call(String rule, String operation, String key, long attempt) {}

    boolean fires(long seed, Call call);

    /** Every target's first {@code count} attempts fail (an outage each caller outlasts by retrying). */
    static FaultSchedule firstAttempts(int count) {
        return (seed, call) -> call.attempt() < count;
    }

    /** Every call fails (an outage that does not end while the rule is in place). */
    static FaultSchedule always() {
        return (seed, call) -> true;
    }

    /** Each attempt fails on its own with probability {@code share} (independent transient errors). */
    static FaultSchedule share(double share) {
        return (seed, call) ->
                uniform(seed, call.rule(), call.operation(), call.key(), Long.toString(call.attempt())) < share;
    }

    /**
     * A share of the targets meets a burst: for {@code share} of the keys (chosen by the seed), the first
     * {@code burst} attempts fail. A burst longer than the SDK's attempts surfaces to the function; a shorter one
     * is absorbed by the SDK's retries.
     */
    static FaultSchedule bursts(double share, int burst) {
        return (seed, call) ->
                call.attempt() < burst && uniform(seed, call.rule(), call.operation(), call.key()) < share;
    }

    /**
     * A number in [0, 1) that depends only on the seed and the parts (SHA-256, so no two inputs that differ are
     * correlated, and the same inputs give the same number in every JVM).
     */
    static double uniform(long seed, String... parts) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        sha256.update(ByteBuffer.allocate(Long.BYTES).putLong(seed).array());
        for (String part : parts) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
            sha256.update(
                    ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
            sha256.update(bytes);
        }
        long bits = ByteBuffer.wrap(sha256.digest()).getLong() >>> 11; // 53 bits, a double's precision
        return bits / (double) (1L << 53);
    }
}
