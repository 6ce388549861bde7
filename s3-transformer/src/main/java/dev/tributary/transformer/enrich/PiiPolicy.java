package dev.tributary.transformer.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.common.config.ConfigurationException;
import dev.tributary.common.event.EventDecoder;
import dev.tributary.common.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one event type's payload may not carry into {@code processed/} in clear: declared per type in
 * {@code schemas/events/<event_type>.pii.json}, next to the type's JSON Schema (common-layer resources).
 *
 * <pre>{@code
 * {
 *   "hash":      ["user_id", "customer.email"],    payload paths replaced by "v<key version>:<HMAC-SHA256 hex>"
 *   "drop":      ["user_agent"],                   payload paths removed (after enrichments read them)
 *   "truncate":  {"comment": 16},                  payload paths: strings cut to that many code points
 *   "url_query": {"page_url": ["email", "token"],  URL fields: values of these query parameters (names compared
 *                 "referrer": "*"}                 case-insensitively after decoding) hashed, or of all with "*";
 *                                                  the fragment dropped
 * }
 * }</pre>
 *
 * A type without a file has the empty policy (only {@code ENRICHMENT_CONFIG}'s {@code pii_fields}, if any, are
 * hashed). The file is read strictly: an unknown key or a malformed path fails the first object of that type.
 *
 * @param hash     payload paths to hash
 * @param drop     payload paths to remove
 * @param truncate payload path to the number of code points kept
 * @param urlQuery URL payload path to the query parameter names (lower case) whose values are hashed; an empty set
 *                 means all of them
 */
public record PiiPolicy(
        List<String> hash, List<String> drop, Map<String, Integer> truncate, Map<String, Set<String>> urlQuery) {
    /** Where the policies are, next to the event schemas. */
    public static final String RESOURCE_ROOT = "schemas/events/";

    /** The policy that changes nothing. */
    public static final PiiPolicy NONE = new PiiPolicy(List.of(), List.of(), Map.of(), Map.of());

    /** Whether applying this policy needs the HMAC key. */
    public boolean needsKey() {
        return !hash.isEmpty() || !urlQuery.isEmpty();
    }

    /** This policy, also hashing {@code paths} (ENRICHMENT_CONFIG's {@code pii_fields}). */
    public PiiPolicy alsoHashing(List<String> paths) {
        if (paths.isEmpty()) {
            return this;
        }
        Set<String> all = new LinkedHashSet<>(hash);
        all.addAll(paths);
        return new PiiPolicy(List.copyOf(all), drop, truncate, urlQuery);
    }

    /**
     * First step, before enrichment: rewrites each URL field of {@code payload} so the parts derived from it carry
     * hashed query values and no fragment.
     */
    public void rewriteUrls(ObjectNode payload, PiiHasher hasher) {
        for (Map.Entry<String, Set<String>> field : urlQuery.entrySet()) {
            ObjectNode parent = PayloadPaths.parent(payload, field.getKey());
            String leaf = PayloadPaths.leaf(field.getKey());
            if (parent != null && parent.get(leaf) instanceof JsonNode value && value.isTextual()) {
                parent.put(leaf, rewriteQuery(value.textValue(), field.getValue(), hasher));
            }
        }
    }

    /** Last step, after enrichment: hashes, truncates and drops payload fields. */
    public void applyToFields(ObjectNode payload, PiiHasher hasher) {
        if (!hash.isEmpty()) {
            hasher.apply(payload, hash);
        }
        for (Map.Entry<String, Integer> cut : truncate.entrySet()) {
            ObjectNode parent = PayloadPaths.parent(payload, cut.getKey());
            String leaf = PayloadPaths.leaf(cut.getKey());
            if (parent != null && parent.get(leaf) instanceof JsonNode value && value.isTextual()) {
                String text = value.textValue();
                int keep = cut.getValue();
                if (text.codePointCount(0, text.length()) > keep) {
                    parent.put(leaf, text.substring(0, text.offsetByCodePoints(0, keep)));
                }
            }
        }
        for (String path : drop) {
            ObjectNode parent = PayloadPaths.parent(payload, path);
            if (parent != null) {
                parent.remove(PayloadPaths.leaf(path));
            }
        }
    }

    /**
     * {@code url} with the values of the named query parameters (all when {@code names} is empty) replaced by their
     * hash and the fragment removed. Works on the text, so it also covers URLs no browser would parse: a value is
     * hashed as decoded (form encoding), so {@code a%40b.example} and {@code a@b.example} hash alike.
     */
    static String rewriteQuery(String url, Set<String> names, PiiHasher hasher) {
        int hashMark = url.indexOf('#');
        String withoutFragment = hashMark < 0 ? url : url.substring(0, hashMark);
        int question = withoutFragment.indexOf('?');
        if (question < 0) {
            return withoutFragment;
        }
        StringBuilder out = new StringBuilder(withoutFragment.length() + 64);
        out.append(withoutFragment, 0, question + 1);
        String[] pairs = withoutFragment.substring(question + 1).split("&", -1);
        for (int i = 0; i < pairs.length; i++) {
            String pair = pairs[i];
            if (i > 0) {
                out.append('&');
            }
            int eq = pair.indexOf('=');
            String rawName = eq < 0 ? pair : pair.substring(0, eq);
            String name = new String(WhatwgUrl.percentDecode(rawName, true), StandardCharsets.UTF_8)
                    .strip()
                    .toLowerCase(Locale.ROOT);
            boolean secret = !pair.isEmpty() && (names.isEmpty() || names.contains(name));
            if (!secret || eq < 0 && !names.isEmpty()) {
                out.append(pair);
            } else {
                String value = eq < 0
                        ? ""
                        : new String(WhatwgUrl.percentDecode(pair.substring(eq + 1), true), StandardCharsets.UTF_8);
                // With "*", a bare token ("?alice@b.example") is a value too.
                String hashed = hasher.hash(eq < 0 ? rawName : value);
                out.append(eq < 0 ? hashed : rawName + "=" + hashed);
            }
        }
        return out.toString();
    }

    /** The bundled policies, read once per type. */
    public static final class Bundled {
        private final ClassLoader classLoader;
        private final Map<String, PiiPolicy> cache = new ConcurrentHashMap<>();

        public Bundled() {
            this(PiiPolicy.class.getClassLoader());
        }

        public Bundled(ClassLoader classLoader) {
            this.classLoader = classLoader;
        }

        /** The policy of {@code eventType} ({@link #NONE} without a file). */
        public PiiPolicy forType(String eventType) {
            // The type names a resource: only ever a valid event type, so it cannot reach outside the directory.
            if (!EventDecoder.EVENT_TYPE_PATTERN.matcher(eventType).matches()) {
                return NONE;
            }
            return cache.computeIfAbsent(eventType, this::load);
        }

        private PiiPolicy load(String eventType) {
            String resource = RESOURCE_ROOT + eventType + ".pii.json";
            try (InputStream in = classLoader.getResourceAsStream(resource)) {
                return in == null ? NONE : parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Parses a policy document.
     *
     * @throws ConfigurationException naming {@code origin} and the offending key
     */
    public static PiiPolicy parse(String json, String origin) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(json);
        } catch (IOException | RuntimeException e) {
            throw new ConfigurationException(origin + " is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new ConfigurationException(origin + " must be a JSON object");
        }
        Set<String> allowed = Set.of("description", "hash", "drop", "truncate", "url_query");
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw new ConfigurationException(origin + ": unknown key '" + key + "' (allowed: " + allowed + ")");
            }
        }
        List<String> hash = paths(root.path("hash"), origin + ".hash");
        List<String> drop = paths(root.path("drop"), origin + ".drop");
        Map<String, Integer> truncate = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : entries(root.path("truncate"), origin + ".truncate")) {
            if (!entry.getValue().canConvertToInt()
                    || !entry.getValue().isIntegralNumber()
                    || entry.getValue().intValue() < 0) {
                throw new ConfigurationException(
                        origin + ".truncate." + entry.getKey() + " must be a number of characters ≥ 0");
            }
            truncate.put(
                    path(entry.getKey(), origin + ".truncate"), entry.getValue().intValue());
        }
        Map<String, Set<String>> urlQuery = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : entries(root.path("url_query"), origin + ".url_query")) {
            String where = origin + ".url_query." + entry.getKey();
            JsonNode value = entry.getValue();
            Set<String> names = new LinkedHashSet<>();
            if (value.isTextual() && value.textValue().equals("*")) {
                names = Set.of();
            } else if (value.isArray() && !value.isEmpty()) {
                for (JsonNode name : value) {
                    if (!name.isTextual() || name.textValue().isBlank()) {
                        throw new ConfigurationException(where + " must list parameter names");
                    }
                    names.add(name.textValue().toLowerCase(Locale.ROOT));
                }
            } else {
                throw new ConfigurationException(where + " must be \"*\" or a non-empty array of parameter names");
            }
            urlQuery.put(path(entry.getKey(), origin + ".url_query"), Set.copyOf(names));
        }
        return new PiiPolicy(hash, drop, Map.copyOf(truncate), Map.copyOf(urlQuery));
    }

    private static List<String> paths(JsonNode node, String where) {
        if (node.isMissingNode()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new ConfigurationException(where + " must be an array of payload paths");
        }
        List<String> paths = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw new ConfigurationException(where + " must be an array of payload paths");
            }
            paths.add(path(item.textValue(), where));
        }
        return List.copyOf(paths);
    }

    private static List<Map.Entry<String, JsonNode>> entries(JsonNode node, String where) {
        if (node.isMissingNode()) {
            return List.of();
        }
        if (!node.isObject()) {
            throw new ConfigurationException(where + " must be a JSON object");
        }
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
        node.properties().forEach(entries::add);
        return entries;
    }

    private static String path(String value, String where) {
        if (!value.matches("^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$")) {
            throw new ConfigurationException(where + ": '" + value + "' is not a payload field path (a.b.c)");
        }
        return value;
    }
}
