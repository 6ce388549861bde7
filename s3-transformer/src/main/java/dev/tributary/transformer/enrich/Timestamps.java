package dev.tributary.transformer.enrich;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;

/** Instants in the one form Tributary's processed records use: ISO-8601 UTC with milliseconds, and epoch ms. */
public final class Timestamps {
    /** {@code 2026-11-22T10:15:30.120Z}: always three fraction digits (finer precision is cut, like epoch ms). */
    public static final DateTimeFormatter UTC_MILLIS =
            new DateTimeFormatterBuilder().appendInstant(3).toFormatter();

    private Timestamps() {}

    /** Parses an ISO-8601 date-time with an offset ({@code Z}, {@code +01:00}); null when it is not one. */
    public static Instant parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant();
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** {@code instant} as {@link #UTC_MILLIS} text. */
    public static String utc(Instant instant) {
        return UTC_MILLIS.format(instant);
    }
}
