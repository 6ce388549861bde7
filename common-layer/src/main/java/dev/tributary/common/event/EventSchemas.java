package dev.tributary.common.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.OutputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.tributary.common.json.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The JSON Schemas of the event contract, loaded from the classpath and compiled once per type.
 *
 * <ul>
 *   <li>{@code schemas/envelope.schema.json}: the envelope every event shares.</li>
 *   <li>{@code schemas/events/<event_type>.schema.json}: the payload of one event type.</li>
 *   <li>{@code schemas/events/_default.schema.json}: the payload of any type without a schema of its own.
 *       Remove it to make unknown types invalid.</li>
 * </ul>
 *
 * <p>The event type is checked against {@link EventDecoder#EVENT_TYPE_PATTERN} before it is used to build a
 * resource name, so it cannot reach outside {@code schemas/events/}.
 */
public final class EventSchemas {
    /** The file name (without {@code .schema.json}) of the schema for types that have none of their own. */
    public static final String DEFAULT_TYPE = "_default";

    private static final String ROOT = "schemas/";
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final ClassLoader classLoader;
    private final Schema envelope;
    private final Optional<Payload> defaultPayload;
    private final ConcurrentMap<String, Optional<Payload>> payloadSchemas = new ConcurrentHashMap<>();

    /**
     * A payload schema and, when it compiles, its {@link PayloadCheck}: the cheap "certainly valid" test asked
     * first (null when the schema uses keywords the check does not know; then only the schema decides).
     */
    record Payload(Schema schema, PayloadCheck check) {
        /** Whether the schema accepts {@code payload}: the compiled check when it is sure, else the validator. */
        boolean accepts(JsonNode payload) {
            return (check != null && check.certainlyValid(payload)) || schema.validate(payload, OutputFormat.BOOLEAN);
        }
    }

    /** Schemas from this library's own classpath. */
    public EventSchemas() {
        this(EventSchemas.class.getClassLoader());
    }

    /** Schemas from {@code classLoader}: tests use it to run without a default schema. */
    public EventSchemas(ClassLoader classLoader) {
        this.classLoader = classLoader;
        this.envelope = load(ROOT + "envelope.schema.json")
                .map(Payload::schema)
                .orElseThrow(() -> new IllegalStateException("schemas/envelope.schema.json is not on the classpath"));
        this.defaultPayload = load(ROOT + "events/" + DEFAULT_TYPE + ".schema.json");
    }

    /** Validation errors of the envelope; empty when valid. */
    public List<Error> validateEnvelope(JsonNode event) {
        return envelope.validate(event);
    }

    /**
     * The payload schema for {@code eventType}: its own, else the default, else empty (the type is unknown).
     * Compiled on first use and cached.
     */
    public Optional<Schema> payloadSchema(String eventType) {
        return payload(eventType).map(Payload::schema);
    }

    /** As {@link #payloadSchema}, with the schema's compiled check (the decoder's per-record path). */
    Optional<Payload> payload(String eventType) {
        return payloadSchemas.computeIfAbsent(
                eventType,
                type -> load(ROOT + "events/" + type + ".schema.json").or(() -> defaultPayload));
    }

    /** Whether {@code eventType} has a schema of its own (not the default). */
    public boolean hasOwnSchema(String eventType) {
        return classLoader.getResource(ROOT + "events/" + eventType + ".schema.json") != null;
    }

    /** The schema's compiled check, or null: a schema the event parser refuses (e.g. a duplicate key) gets none. */
    private static PayloadCheck compileCheck(byte[] schemaText) {
        try {
            return PayloadCheck.compile(Json.mapper().readTree(schemaText)).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private Optional<Payload> load(String resource) {
        try (InputStream in = classLoader.getResourceAsStream(resource)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] text = in.readAllBytes();
            Schema schema = registry.getSchema(new ByteArrayInputStream(text));
            return Optional.of(new Payload(schema, compileCheck(text)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema " + resource, e);
        }
    }
}
