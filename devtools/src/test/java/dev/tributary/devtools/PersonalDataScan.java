package dev.tributary.devtools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.transformer.enrich.PiiPolicy;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What the PII policies ({@code schemas/events/<type>.pii.json}) say must never leave raw/, read from the producers'
 * own records, and where it turns up anyway: every string of an output record (and every query value of a string
 * that is a URL) compared whole, so a hashed value or a URL with the parameter rewritten does not count, and a value
 * copied anywhere, under any field name, does.
 */
final class PersonalDataScan {
    private final PiiPolicy.Bundled policies = new PiiPolicy.Bundled();
    private final Set<String> forbidden = new HashSet<>();

    /** Notes the values of a producer's event that its type's policy hashes, drops, truncates or rewrites. */
    void producerEvent(JsonNode event) {
        PiiPolicy policy = policies.forType(event.path("event_type").asText());
        JsonNode payload = event.path("payload");
        List<String> paths = new ArrayList<>(policy.hash());
        paths.addAll(policy.drop());
        paths.addAll(policy.truncate().keySet());
        for (String path : paths) {
            JsonNode value = at(payload, path);
            if (value.isValueNode() && !value.asText().isEmpty()) {
                forbidden.add(value.asText());
            }
        }
        policy.urlQuery().forEach((path, names) -> {
            JsonNode url = at(payload, path);
            if (url.isTextual()) {
                queryValues(url.asText(), names).forEach(forbidden::add);
            }
        });
    }

    /** How many values the policies protect in what was produced. */
    int protectedValues() {
        return forbidden.size();
    }

    /** The protected values found among {@code outputStrings} (and the query values of those that are URLs). */
    Set<String> exposedIn(Iterable<String> outputStrings) {
        Set<String> exposed = new HashSet<>();
        for (String value : outputStrings) {
            if (forbidden.contains(value)) {
                exposed.add(value);
            }
            for (String query : queryValues(value, Set.of())) {
                if (forbidden.contains(query)) {
                    exposed.add(query);
                }
            }
        }
        return exposed;
    }

    /** Every string value in a JSON tree, object keys excepted. */
    static void strings(JsonNode node, List<String> into) {
        if (node.isTextual()) {
            into.add(node.asText());
        } else if (node.isNumber()) {
            into.add(node.asText());
        } else {
            node.forEach(child -> strings(child, into));
        }
    }

    private static JsonNode at(JsonNode payload, String dottedPath) {
        JsonNode node = payload;
        for (String part : dottedPath.split("\\.")) {
            node = node.path(part);
        }
        return node;
    }

    /** Decoded values of a URL's query parameters named in {@code names} (all when empty); none if not a URL. */
    private static List<String> queryValues(String url, Set<String> names) {
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            return List.of();
        }
        String query;
        try {
            query = URI.create(url.replace(" ", "%20")).getRawQuery();
        } catch (IllegalArgumentException e) {
            return List.of();
        }
        List<String> values = new ArrayList<>();
        if (query == null) {
            return values;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8)
                    .toLowerCase(Locale.ROOT);
            String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (!value.isEmpty() && (names.isEmpty() || names.contains(name))) {
                values.add(value);
            }
        }
        return values;
    }
}
