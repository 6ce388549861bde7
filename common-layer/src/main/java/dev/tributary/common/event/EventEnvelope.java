package dev.tributary.common.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * A validated event: the envelope fields every producer sends, and the type-specific payload.
 *
 * @param eventId       unique per event; producers' retries keep it
 * @param eventType     safe as an S3 partition value (see {@link EventDecoder#EVENT_TYPE_PATTERN})
 * @param eventTime     when the event happened, as an instant (the offset it was sent with is normalised away)
 * @param source        who produced it
 * @param schemaVersion the payload schema version, at least 1
 * @param document      the whole event as parsed, for writers that need more than the envelope
 */
public record EventEnvelope(
        String eventId, String eventType, Instant eventTime, String source, int schemaVersion, ObjectNode document) {

    /** Field names of the envelope, as they appear in the JSON. */
    public static final String EVENT_ID = "event_id";

    public static final String EVENT_TYPE = "event_type";
    public static final String EVENT_TIME = "event_time";
    public static final String SOURCE = "source";
    public static final String SCHEMA_VERSION = "schema_version";
    public static final String PAYLOAD = "payload";

    /** The payload object. */
    public ObjectNode payload() {
        return (ObjectNode) document.get(PAYLOAD);
    }
}
