package dev.tributary.transformer.enrich;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * Splits a URL, parsed as browsers parse it ({@link WhatwgUrl}), into the parts analysts group by: {@code scheme},
 * {@code host} (ASCII, lower case: IDNA for international names, dotted IPv4, {@code [compressed IPv6]}),
 * {@code host_unicode} (only when the host has {@code xn--} labels), {@code port} (only when explicit and not the
 * scheme's default), {@code path} (dot segments resolved, then percent-decoded as UTF-8; {@code /} when empty),
 * {@code query} (as a browser sends it: percent-encoded, without {@code ?}; null when absent) and
 * {@code query_params} (form-decoded; the first value of a repeated name wins). The fragment and any userinfo are
 * dropped.
 */
public final class UrlParts {
    private UrlParts() {}

    /**
     * The parts of {@code url}, or null when there is no URL (null or blank: an optional field left empty).
     *
     * @throws InvalidUrlException when the text is not an absolute URL a browser would accept
     */
    public static ObjectNode split(String url) throws InvalidUrlException {
        if (url == null || url.isBlank()) {
            return null;
        }
        WhatwgUrl parsed = WhatwgUrl.parse(url);
        ObjectNode parts = JsonNodeFactory.instance.objectNode();
        parts.put("scheme", parsed.scheme());
        parts.put("host", parsed.host());
        String unicode = parsed.hostUnicode();
        if (unicode != null) {
            parts.put("host_unicode", unicode);
        }
        if (parsed.port() != null) {
            parts.put("port", parsed.port());
        }
        parts.put("path", decode(parsed.path(), false));
        String query = parsed.query();
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
                String name = decode(eq < 0 ? pair : pair.substring(0, eq), true);
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1), true);
                if (!name.isEmpty() && !params.has(name)) {
                    params.put(name, value);
                }
            }
        }
        return parts;
    }

    /** Percent-decodes as UTF-8; bytes that are not UTF-8 become U+FFFD, as the URL Standard's decoders do. */
    private static String decode(String text, boolean form) {
        return new String(WhatwgUrl.percentDecode(text, form), StandardCharsets.UTF_8);
    }
}
