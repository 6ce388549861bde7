package dev.tributary.devkit.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.common.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What of an event must reach {@code processed/} and the curated tables unchanged, derived from the event the
 * producer sent and the transformer's <em>documented</em> changes (docs/transformer.md, "Output record" and "PII
 * policy"; the per-type policy files {@code schemas/events/<type>.pii.json}), never from the transformer's code:
 *
 * <ul>
 *   <li>{@code event_id}, {@code event_type}, {@code source}, {@code schema_version} unchanged;</li>
 *   <li>{@code event_time} becomes {@code event_time_ms}, "the same instant" (milliseconds);</li>
 *   <li>the payload unchanged ("payload numbers keep their digits"), except what the PII policy names: {@code hash}
 *       paths become {@code v<key version>:<64 hex>} (the key is secret, so only that shape can be checked),
 *       {@code drop} paths are gone, {@code truncate} paths are cut to that many code points, and {@code url_query}
 *       fields keep their text up to the query (values there are hashed, fragments dropped).</li>
 * </ul>
 *
 * Both sides are reduced to the same canonical JSON (keys sorted) and digested, so an output row matches the record
 * it came from only if every one of those fields came through as documented.
 */
public final class ExpectedContent {
    private static final Pattern HASHED = Pattern.compile("^v[0-9]+:[0-9a-f]{64}$");
    private static final String HASHED_MARK = "<hashed>";

    private record Policy(List<String> hash, List<String> drop, Map<String, Integer> truncate, List<String> urlQuery) {
        static final Policy NONE = new Policy(List.of(), List.of(), Map.of(), List.of());
    }

    private final Map<String, Policy> policies = new HashMap<>();

    /**
     * The content digest of an event as the producer sent it, or {@code null} if it is no event the pipeline could
     * curate (not JSON, not an object, an envelope field missing): such a record can only end in {@code failed/}.
     */
    public Digest ofSent(byte[] data) {
        try {
            JsonNode event = Json.mapper().readTree(data);
            if (event == null
                    || !event.isObject()
                    || !event.path("payload").isObject()
                    || !event.path("event_time").isTextual()
                    || !event.path("event_id").isTextual()) {
                return null;
            }
            long millis = OffsetDateTime.parse(event.get("event_time").asText())
                    .toInstant()
                    .toEpochMilli();
            ObjectNode payload = event.get("payload").deepCopy();
            Policy policy = policy(event.path("event_type").asText());
            policy.urlQuery().forEach(path -> replace(payload, path, ExpectedContent::beforeQuery));
            policy.truncate()
                    .forEach((path, length) -> replace(
                            payload,
                            path,
                            value -> value.isTextual()
                                    ? JsonNodeFactory.instance.textNode(truncated(value.asText(), length))
                                    : value));
            policy.hash()
                    .forEach(path -> replace(
                            payload,
                            path,
                            value -> value.isNull() ? value : JsonNodeFactory.instance.textNode(HASHED_MARK)));
            policy.drop().forEach(path -> remove(payload, path));
            return digest(event, millis, payload);
        } catch (IOException | RuntimeException e) {
            return null; // not an event (a deliberately invalid sample): it can only be quarantined
        }
    }

    /**
     * The content digest of an output row: a {@code processed/} line, or a curated row given as the same fields
     * ({@code payload} as an object or as the curated table's {@code payload_json} text).
     */
    public Digest ofOutput(JsonNode row) {
        try {
            JsonNode payloadNode = row.has("payload_json")
                    ? Json.mapper().readTree(row.get("payload_json").asText())
                    : row.path("payload");
            if (!payloadNode.isObject() || !row.path("event_time_ms").canConvertToLong()) {
                return Digest.of("malformed output row " + row);
            }
            ObjectNode payload = payloadNode.deepCopy();
            Policy policy = policy(row.path("event_type").asText());
            policy.urlQuery().forEach(path -> replace(payload, path, ExpectedContent::beforeQuery));
            // A value of the hash's shape stands for "hashed"; anything else (a value in clear) stays and mismatches.
            policy.hash()
                    .forEach(path -> replace(
                            payload,
                            path,
                            value -> value.isTextual()
                                            && HASHED.matcher(value.asText()).matches()
                                    ? JsonNodeFactory.instance.textNode(HASHED_MARK)
                                    : value));
            return digest(row, row.get("event_time_ms").asLong(), payload);
        } catch (IOException | RuntimeException e) {
            return Digest.of("malformed output row " + row);
        }
    }

    private static Digest digest(JsonNode envelope, long eventTimeMillis, ObjectNode payload) {
        Map<String, Object> canonical = new TreeMap<>();
        canonical.put("event_id", envelope.path("event_id").asText());
        canonical.put("event_type", envelope.path("event_type").asText());
        canonical.put("event_time_ms", eventTimeMillis);
        canonical.put("source", envelope.path("source").asText());
        canonical.put("schema_version", envelope.path("schema_version").asText());
        canonical.put("payload", sorted(payload));
        try {
            return Digest.of(Json.mapper().writeValueAsBytes(canonical));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The node with object keys sorted at every level, as plain maps and lists (numbers keep their digits). */
    private static Object sorted(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new TreeMap<>();
            node.properties().forEach(field -> map.put(field.getKey(), sorted(field.getValue())));
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(element -> list.add(sorted(element)));
            return list;
        }
        return node;
    }

    private static JsonNode beforeQuery(JsonNode value) {
        if (!value.isTextual()) {
            return value;
        }
        String text = value.asText();
        int end = text.length();
        for (char stop : new char[] {'?', '#'}) {
            int at = text.indexOf(stop);
            end = at >= 0 ? Math.min(end, at) : end;
        }
        return JsonNodeFactory.instance.textNode(text.substring(0, end));
    }

    private static String truncated(String text, int codePoints) {
        return text.codePointCount(0, text.length()) <= codePoints
                ? text
                : text.substring(0, text.offsetByCodePoints(0, codePoints));
    }

    private static void replace(ObjectNode payload, String path, java.util.function.UnaryOperator<JsonNode> change) {
        String[] parts = path.split("\\.");
        JsonNode parent = payload;
        for (int i = 0; i < parts.length - 1; i++) {
            parent = parent.path(parts[i]);
        }
        String last = parts[parts.length - 1];
        if (parent instanceof ObjectNode object && object.has(last)) {
            object.set(last, change.apply(object.get(last)));
        }
    }

    private static void remove(ObjectNode payload, String path) {
        String[] parts = path.split("\\.");
        JsonNode parent = payload;
        for (int i = 0; i < parts.length - 1; i++) {
            parent = parent.path(parts[i]);
        }
        if (parent instanceof ObjectNode object) {
            object.remove(parts[parts.length - 1]);
        }
    }

    private Policy policy(String eventType) {
        return policies.computeIfAbsent(eventType, ExpectedContent::load);
    }

    private static Policy load(String eventType) {
        if (!eventType.matches("[a-z][a-z0-9_]{0,62}")) {
            return Policy.NONE;
        }
        try (InputStream in = ExpectedContent.class.getResourceAsStream("/schemas/events/" + eventType + ".pii.json")) {
            if (in == null) {
                return Policy.NONE; // "A type without a file has no policy"
            }
            JsonNode file = Json.mapper().readTree(in);
            List<String> hash = new ArrayList<>();
            file.path("hash").forEach(p -> hash.add(p.asText()));
            List<String> drop = new ArrayList<>();
            file.path("drop").forEach(p -> drop.add(p.asText()));
            Map<String, Integer> truncate = new HashMap<>();
            file.path("truncate")
                    .properties()
                    .forEach(e -> truncate.put(e.getKey(), e.getValue().asInt()));
            List<String> urlQuery = new ArrayList<>();
            file.path("url_query").fieldNames().forEachRemaining(urlQuery::add);
            return new Policy(hash, drop, truncate, urlQuery);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the PII policy of " + eventType, e);
        }
    }
}
