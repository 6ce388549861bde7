package dev.tributary.common.layout;

import dev.tributary.common.event.EventDecoder;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * A Hive-style event-time partition: {@code event_type=<t>/dt=<yyyy-MM-dd>/hr=<HH>}, in UTC.
 *
 * @param eventType a value matching {@link EventDecoder#EVENT_TYPE_PATTERN}; anything else is refused, so no
 *                  input can build a key outside its prefix
 * @param date      the UTC date
 * @param hour      the UTC hour, 0–23
 */
public record Partition(String eventType, LocalDate date, int hour) {

    public Partition {
        if (eventType == null || !EventDecoder.isEventType(eventType)) {
            throw new IllegalArgumentException("event_type is not a safe partition value: " + eventType);
        }
        if (hour < 0 || hour > 23) {
            throw new IllegalArgumentException("hour out of range: " + hour);
        }
        if (date.getYear() < 1970 || date.getYear() > 9999) {
            throw new IllegalArgumentException("date out of range: " + date);
        }
    }

    /** The partition an event of {@code eventType} that happened at {@code eventTime} belongs to. */
    public static Partition of(String eventType, Instant eventTime) {
        ZonedDateTime utc = eventTime.atZone(ZoneOffset.UTC);
        return new Partition(eventType, utc.toLocalDate(), utc.getHour());
    }

    /** {@code event_type=<t>/dt=<yyyy-MM-dd>/hr=<HH>}, without leading or trailing slash. */
    public String path() {
        return "event_type=" + eventType + "/dt=" + date + "/hr=" + (hour < 10 ? "0" : "") + hour;
    }
}
