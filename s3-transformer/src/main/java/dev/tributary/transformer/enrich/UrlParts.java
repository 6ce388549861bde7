package dev.tributary.transformer.enrich;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Splits a URL into the parts analysts group by: {@code scheme}, {@code host} (lower case), {@code port} (only when
 * explicit), {@code path} (percent-decoded, {@code /} when empty), {@code query} (as sent, without {@code ?}) and
 * {@code query_params} (decoded; the first value of a repeated name wins). The fragment is dropped: browsers never
 * send it.
 */
public final class UrlParts {
    private UrlParts() {}

    /** The parts of {@code url}, or null when it is not an absolute URL with a host. */
    public static ObjectNode split(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            return null;
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            return null;
        }
        ObjectNode parts = JsonNodeFactory.instance.objectNode();
        parts.put("scheme", uri.getScheme().toLowerCase(Locale.ROOT));
        parts.put("host", uri.getHost().toLowerCase(Locale.ROOT));
        if (uri.getPort() >= 0) {
            parts.put("port", uri.getPort());
        }
        String path = uri.getPath();
        parts.put("path", path == null || path.isEmpty() ? "/" : path);
        String query = uri.getRawQuery();
        if (query == null) {
            parts.putNull("query");
        } else {
            parts.put("query", query);
            ObjectNode params = parts.putObject("query_params");
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                if (!name.isEmpty() && !params.has(name)) {
                    params.put(name, value);
                }
            }
        }
        return parts;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) { // a stray '%': keep it as sent
            return text;
        }
    }
}
