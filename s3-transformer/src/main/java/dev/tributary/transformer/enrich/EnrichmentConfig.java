package dev.tributary.transformer.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.common.config.ConfigurationException;
import dev.tributary.common.event.EventDecoder;
import dev.tributary.common.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which enrichments apply to which event type. Read from JSON (the bundled {@code enrichment-default.json}, or the
 * {@code ENRICHMENT_CONFIG} variable), strictly: an unknown key, a lookup naming an undefined table or an output name
 * that would overwrite an envelope field is a {@link ConfigurationException} at init, not a surprise per record.
 *
 * <pre>{@code
 * {
 *   "defaults":    { <rules for every type> },
 *   "event_types": { "page_view": { <rules: each key replaces the default's> } },
 *   "reference_data": { "devices": "s3://bucket/reference/devices.csv" }
 * }
 * rules: {
 *   "pii_fields":       ["user_id", "customer.email"],          payload paths replaced by HMAC-SHA256 (hex)
 *   "url_fields":       {"page_url": "page"},                   payload field -> top-level {host, path, query, ...}
 *   "user_agent_field": "user_agent",                           payload field -> top-level user_agent {...}
 *   "timestamp_fields": ["shipped_at"],                         payload fields -> top-level timestamps.{f}.{utc,ms}
 *   "lookups":          [{"field": "device_id", "table": "devices", "as": "device"}]
 * }
 * }</pre>
 *
 * @param defaults      rules of types not listed (and the base of those listed)
 * @param types         per-type rules, already merged over the defaults
 * @param referenceData table name → S3 URI of a small JSON or CSV object
 */
public record EnrichmentConfig(TypeRules defaults, Map<String, TypeRules> types, Map<String, URI> referenceData) {

    /** The classpath resource used when {@code ENRICHMENT_CONFIG} is not set. */
    public static final String DEFAULT_RESOURCE = "dev/tributary/transformer/enrichment-default.json";

    /** Top-level output names the transformer owns; enrichment outputs may not use them. */
    public static final Set<String> RESERVED_OUTPUT_NAMES = Set.of(
            "event_id",
            "event_type",
            "event_time",
            "event_time_ms",
            "source",
            "schema_version",
            "payload",
            "ingest_lag_ms",
            "user_agent",
            "timestamps");

    private static final Pattern OUTPUT_NAME = Pattern.compile("^[a-z][a-z0-9_]{0,62}$");
    private static final Pattern FIELD_PATH = Pattern.compile("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$");

    /**
     * Rules for one event type.
     *
     * @param piiFields       payload paths (dot-separated) whose values are replaced by their keyed hash
     * @param urlFields       payload field → top-level output name of its parts
     * @param userAgentField  payload field holding a User-Agent header, if any
     * @param timestampFields payload fields holding ISO-8601 instants to normalise
     * @param lookups         reference-data joins
     */
    public record TypeRules(
            List<String> piiFields,
            Map<String, String> urlFields,
            Optional<String> userAgentField,
            List<String> timestampFields,
            List<Lookup> lookups) {
        /** No enrichment beyond the envelope's time fields. */
        public static TypeRules none() {
            return new TypeRules(List.of(), Map.of(), Optional.empty(), List.of(), List.of());
        }
    }

    /**
     * A join with a reference table: the payload's {@code field} value is looked up in {@code table}, and the row
     * (an object) is written as the top-level field {@code as}.
     */
    public record Lookup(String field, String table, String as) {}

    /** The rules for {@code eventType}: its own when configured, else the defaults. */
    public TypeRules forType(String eventType) {
        return types.getOrDefault(eventType, defaults);
    }

    /** Whether any type replaces PII (then a key must be configured). */
    public boolean needsPiiKey() {
        return !defaults.piiFields().isEmpty()
                || types.values().stream().anyMatch(r -> !r.piiFields().isEmpty());
    }

    /** The bundled default configuration. */
    public static EnrichmentConfig defaultConfig() {
        try (InputStream in = EnrichmentConfig.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULT_RESOURCE + " is not on the classpath");
            }
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), DEFAULT_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses and checks a configuration document.
     *
     * @param origin named in error messages, e.g. {@code ENRICHMENT_CONFIG}
     * @throws ConfigurationException naming {@code origin} and the offending key
     */
    public static EnrichmentConfig parse(String json, String origin) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(json);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new ConfigurationException(origin + " is not valid JSON: " + e.getOriginalMessage());
        } catch (RuntimeException e) {
            throw new ConfigurationException(origin + " is not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ConfigurationException(origin + " must be a JSON object");
        }
        allowOnly(root, origin, "defaults", "event_types", "reference_data");
        Map<String, URI> referenceData = new LinkedHashMap<>();
        JsonNode tables = root.path("reference_data");
        if (!tables.isMissingNode()) {
            requireObject(tables, origin + ".reference_data");
            for (Iterator<Map.Entry<String, JsonNode>> it = tables.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> table = it.next();
                String where = origin + ".reference_data." + table.getKey();
                if (!table.getValue().isTextual()) {
                    throw new ConfigurationException(where + " must be an s3:// URI string");
                }
                referenceData.put(
                        table.getKey(), ReferenceData.parseUri(table.getValue().textValue(), where));
            }
        }
        TypeRules defaults = root.has("defaults")
                ? rules(root.get("defaults"), TypeRules.none(), origin + ".defaults", referenceData)
                : TypeRules.none();
        Map<String, TypeRules> types = new LinkedHashMap<>();
        JsonNode perType = root.path("event_types");
        if (!perType.isMissingNode()) {
            requireObject(perType, origin + ".event_types");
            for (Iterator<Map.Entry<String, JsonNode>> it = perType.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> type = it.next();
                if (!EventDecoder.EVENT_TYPE_PATTERN.matcher(type.getKey()).matches()) {
                    throw new ConfigurationException(origin + ".event_types: '" + type.getKey()
                            + "' is not an event type (" + EventDecoder.EVENT_TYPE_PATTERN.pattern() + ")");
                }
                types.put(
                        type.getKey(),
                        rules(type.getValue(), defaults, origin + ".event_types." + type.getKey(), referenceData));
            }
        }
        return new EnrichmentConfig(defaults, Map.copyOf(types), Map.copyOf(referenceData));
    }

    private static TypeRules rules(JsonNode node, TypeRules base, String where, Map<String, URI> tables) {
        requireObject(node, where);
        allowOnly(node, where, "pii_fields", "url_fields", "user_agent_field", "timestamp_fields", "lookups");
        List<String> pii =
                node.has("pii_fields") ? paths(node.get("pii_fields"), where + ".pii_fields") : base.piiFields();
        Map<String, String> urls = base.urlFields();
        if (node.has("url_fields")) {
            JsonNode value = node.get("url_fields");
            requireObject(value, where + ".url_fields");
            Map<String, String> parsed = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = value.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                parsed.put(
                        path(entry.getKey(), where + ".url_fields"),
                        outputName(entry.getValue(), where + ".url_fields." + entry.getKey()));
            }
            urls = Map.copyOf(parsed);
        }
        Optional<String> userAgent = base.userAgentField();
        if (node.has("user_agent_field")) {
            JsonNode value = node.get("user_agent_field");
            userAgent = value.isNull()
                    ? Optional.empty()
                    : Optional.of(path(text(value, where + ".user_agent_field"), where + ".user_agent_field"));
        }
        List<String> timestamps = node.has("timestamp_fields")
                ? paths(node.get("timestamp_fields"), where + ".timestamp_fields")
                : base.timestampFields();
        List<Lookup> lookups = base.lookups();
        if (node.has("lookups")) {
            JsonNode value = node.get("lookups");
            if (!value.isArray()) {
                throw new ConfigurationException(where + ".lookups must be an array");
            }
            List<Lookup> parsed = new ArrayList<>();
            for (int i = 0; i < value.size(); i++) {
                String at = where + ".lookups[" + i + "]";
                JsonNode lookup = value.get(i);
                requireObject(lookup, at);
                allowOnly(lookup, at, "field", "table", "as");
                String table = text(lookup.path("table"), at + ".table");
                if (!tables.containsKey(table)) {
                    throw new ConfigurationException(at + ".table '" + table + "' is not defined in reference_data");
                }
                parsed.add(new Lookup(
                        path(text(lookup.path("field"), at + ".field"), at + ".field"),
                        table,
                        outputName(lookup.path("as"), at + ".as")));
            }
            lookups = List.copyOf(parsed);
        }
        TypeRules rules = new TypeRules(pii, urls, userAgent, timestamps, lookups);
        checkOutputsDistinct(rules, where);
        return rules;
    }

    private static void checkOutputsDistinct(TypeRules rules, String where) {
        List<String> outputs = new ArrayList<>(rules.urlFields().values());
        rules.lookups().forEach(l -> outputs.add(l.as()));
        if (outputs.size() != Set.copyOf(outputs).size()) {
            throw new ConfigurationException(where + ": two enrichments write the same output field " + outputs);
        }
    }

    private static List<String> paths(JsonNode node, String where) {
        if (!node.isArray()) {
            throw new ConfigurationException(where + " must be an array of payload field names");
        }
        List<String> paths = new ArrayList<>();
        node.forEach(item -> paths.add(path(text(item, where), where)));
        return List.copyOf(paths);
    }

    private static String path(String value, String where) {
        if (!FIELD_PATH.matcher(value).matches()) {
            throw new ConfigurationException(where + ": '" + value + "' is not a payload field path (a.b.c)");
        }
        return value;
    }

    private static String outputName(JsonNode node, String where) {
        String name = text(node, where);
        if (!OUTPUT_NAME.matcher(name).matches() || RESERVED_OUTPUT_NAMES.contains(name)) {
            throw new ConfigurationException(where + ": '" + name + "' cannot be an output field (lower-case "
                    + "letters, digits, '_'; not one of " + RESERVED_OUTPUT_NAMES + ")");
        }
        return name;
    }

    private static String text(JsonNode node, String where) {
        if (node == null || !node.isTextual() || node.textValue().isBlank()) {
            throw new ConfigurationException(where + " must be a non-empty string");
        }
        return node.textValue();
    }

    private static void requireObject(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new ConfigurationException(where + " must be a JSON object");
        }
    }

    private static void allowOnly(JsonNode node, String where, String... keys) {
        Set<String> allowed = Set.of(keys);
        for (Iterator<String> it = ((ObjectNode) node).fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw new ConfigurationException(
                        where + ": unknown key '" + key + "' (allowed: " + String.join(", ", keys) + ")");
            }
        }
    }
}
