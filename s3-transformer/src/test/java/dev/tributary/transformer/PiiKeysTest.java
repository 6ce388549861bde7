package dev.tributary.transformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PiiKeysTest {
    static final String KEY_1 = "first-key-0123456789abcdef-0123456789";
    static final String KEY_2 = "second-key-0123456789abcdef-012345678";

    /** A clock tests move by hand. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-11-22T10:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final ManualClock clock = new ManualClock();
    final AtomicReference<PiiKeys.Parameter> stored = new AtomicReference<>(new PiiKeys.Parameter(KEY_1, 1));
    final AtomicInteger reads = new AtomicInteger();
    final AtomicReference<IOException> failure = new AtomicReference<>();

    PiiKeys keys() {
        return new PiiKeys(
                Optional.empty(),
                1,
                Optional.of("/tributary/pii"),
                name -> {
                    reads.incrementAndGet();
                    if (failure.get() != null) {
                        throw failure.get();
                    }
                    return stored.get();
                },
                Duration.ofMinutes(5),
                clock);
    }

    @Test
    void hasher_whenParameterIsOverwritten_switchesToTheNewVersionWithinTheRefreshInterval() {
        PiiKeys keys = keys();
        String before = keys.hasher().hash("u-1");
        assertThat(before).startsWith("v1:");

        stored.set(new PiiKeys.Parameter(KEY_2, 2)); // put-parameter --overwrite: version 2
        clock.now = clock.now.plus(Duration.ofMinutes(4));
        assertThat(keys.hasher().hash("u-1")).startsWith("v1:"); // still within the interval: no read
        assertThat(reads).hasValue(1);

        clock.now = clock.now.plus(Duration.ofMinutes(2));
        String rotated = keys.hasher().hash("u-1");

        assertThat(rotated).startsWith("v2:");
        assertThat(rotated.substring(3)).isNotEqualTo(before.substring(3)); // the new key, not just a new label
        assertThat(reads).hasValue(2);
    }

    @Test
    void hasher_whenRefreshFails_keepsTheKeyInHandAndTriesAgainNextUse() {
        PiiKeys keys = keys();
        String before = keys.hasher().hash("u-1");
        failure.set(new IOException("SSM GetParameter failed: HTTP 503"));
        clock.now = clock.now.plus(Duration.ofMinutes(6));

        assertThat(keys.hasher().hash("u-1")).isEqualTo(before);
        assertThat(keys.hasher().hash("u-1")).isEqualTo(before);
        assertThat(reads).hasValue(3); // the first read, then one try per use past the interval
    }

    @Test
    void hasher_whenFirstReadFails_failsForARetry() {
        failure.set(new IOException("SSM GetParameter failed: HTTP 503"));

        assertThatThrownBy(() -> keys().hasher())
                .isInstanceOf(RetryableTransformException.class)
                .hasMessageContaining("could not be read");
    }

    @Test
    void hasher_whenKeyFromEnvironment_usesItsConfiguredVersionAndNeverRereads() {
        PiiKeys keys = new PiiKeys(
                Optional.of(KEY_1),
                3,
                Optional.empty(),
                name -> {
                    throw new AssertionError("no SSM");
                },
                Duration.ofMinutes(5),
                clock);

        clock.now = clock.now.plus(Duration.ofDays(1));

        assertThat(keys.hasher().hash("u-1")).startsWith("v3:");
    }
}
