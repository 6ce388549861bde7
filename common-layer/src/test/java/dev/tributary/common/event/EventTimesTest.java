package dev.tributary.common.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventTimesTest {

    /** What {@code EventDecoder} used before: the reference every accepted text must agree with. */
    private static Instant formatter(String text) {
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant();
        } catch (DateTimeException e) {
            return null;
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2026-11-22T10:15:30Z",
                "2026-11-22T10:15:30.1Z",
                "2026-11-22T10:15:30.123Z",
                "2026-11-22T10:15:30.123456789Z",
                "2026-11-22T11:15:30.123+01:00",
                "2026-11-22T05:15:30-05:00",
                "2024-02-29T23:59:59.999999999+18:00",
                "1969-12-31T23:59:59Z",
                "0000-01-01T00:00:00Z",
                "2026-11-22T10:15:30-00:00",
                "2026-11-22T10:15:30.5+05:45"
            })
    void parseCommonForm_whenCommonForm_isTheFormattersInstant(String text) {
        assertThat(EventTimes.parseCommonForm(text)).isNotNull().isEqualTo(formatter(text));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2026-11-22t10:15:30Z",
                "2026-11-22T10:15:30z",
                "2026-11-22T10:15Z",
                "2026-11-22T10:15:30+01",
                "2026-11-22T10:15:30+0100",
                "+2026-11-22T10:15:30Z",
                "2026-11-22T10:15:30.Z",
                "2026-11-22T10:15:30.1234567891Z",
                "2026-02-30T10:15:30Z",
                "2025-02-29T10:15:30Z",
                "2026-13-01T10:15:30Z",
                "2026-11-22T24:00:00Z",
                "2026-11-22T23:60:00Z",
                "2026-11-22T23:59:60Z",
                "2026-11-22T10:15:30+18:30",
                "2026-11-22T10:15:30+05:60",
                "2026-11-22T10:15:30",
                "2026-11-22 10:15:30Z",
                "2026-11-22T10:15:30ZZ",
                "2026-11-22T10:15:30.12x3Z",
                "2026-1１-22T10:15:30Z",
                ""
            })
    void parseCommonForm_whenAnyOtherText_isNull(String text) {
        assertThat(EventTimes.parseCommonForm(text)).isNull();
    }

    /** Random texts near the common form: whenever the fast parse accepts one, the formatter gives the same instant. */
    @Test
    void parseCommonForm_whenAccepting_agreesWithTheFormatter() {
        SplittableRandom random = new SplittableRandom(17);
        String alphabet = "0123456789-:T.Z+zt ";
        int accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            StringBuilder text = new StringBuilder(String.format(
                    "%04d-%02d-%02dT%02d:%02d:%02d",
                    random.nextInt(10_000),
                    random.nextInt(14),
                    random.nextInt(33),
                    random.nextInt(26),
                    random.nextInt(62),
                    random.nextInt(62)));
            if (random.nextBoolean()) {
                String digits = String.format("%011d", random.nextLong(100_000_000_000L));
                text.append('.').append(digits, 0, random.nextInt(0, 12));
            }
            text.append(
                    switch (random.nextInt(4)) {
                        case 0 -> "Z";
                        case 1 ->
                            String.format(
                                    "%s%02d:%02d",
                                    random.nextBoolean() ? "+" : "-", random.nextInt(20), random.nextInt(62));
                        case 2 -> "";
                        default -> String.valueOf(alphabet.charAt(random.nextInt(alphabet.length())));
                    });
            if (random.nextInt(10) == 0) { // and now and then a character replaced anywhere
                text.setCharAt(random.nextInt(text.length()), alphabet.charAt(random.nextInt(alphabet.length())));
            }
            Instant fast = EventTimes.parseCommonForm(text.toString());
            if (fast != null) {
                accepted++;
                assertThat(fast).as(text.toString()).isEqualTo(formatter(text.toString()));
            }
        }
        assertThat(accepted).isGreaterThan(10_000);
    }
}
