package dev.tributary.transformer.enrich;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import ua_parser.Client;
import ua_parser.Parser;

/**
 * User-Agent → browser family and major version, OS and its major version, device family and a device class.
 *
 * <p>Parsing is ua-parser ({@code uap-java}: the uap-core regular expressions, the same data the Python, Go and JS
 * ports use). Its device family says what the device is ({@code iPhone}, {@code Samsung SM-T820}, {@code Spider},
 * {@code Other}), not what kind; {@link #deviceClass} derives one of {@code bot}, {@code tablet}, {@code phone},
 * {@code desktop}, {@code other} from family, OS and the {@code Mobile} token, the way the uap-core project suggests.
 *
 * <p>A parse tries hundreds of expressions (tens of microseconds), and traffic repeats a few thousand agents, so
 * results are kept in a bounded LRU cache (ua-parser's own CachingParser needs commons-collections, 750 KB). Building
 * a classifier compiles the expressions (about 0.3 s): do it once per container, at init, so SnapStart snapshots it.
 *
 * <p>Thread-safe.
 */
public final class UserAgentClassifier {
    /** Longest agent parsed; longer ones are cut (real agents are under 512 characters; the rest are attacks). */
    public static final int MAX_AGENT_CHARS = 1024;

    private static final Set<String> DESKTOP_OS = Set.of(
            "windows",
            "mac os x",
            "macos",
            "linux",
            "ubuntu",
            "chrome os",
            "chromeos",
            "fedora",
            "debian",
            "freebsd",
            "openbsd",
            "netbsd",
            "solaris",
            "red hat",
            "suse",
            "gentoo",
            "mint",
            "arch linux");
    private static final Set<String> MOBILE_OS = Set.of(
            "ios",
            "android",
            "windows phone",
            "blackberry os",
            "blackberry",
            "symbian os",
            "firefox os",
            "kaios",
            "tizen",
            "harmonyos",
            "webos",
            "sailfish");

    private final Parser parser;
    private final Map<String, ObjectNode> cache;

    /** @param cacheSize agents remembered (LRU) */
    public UserAgentClassifier(int cacheSize) {
        this.parser = new Parser();
        this.cache = new LinkedHashMap<>(Math.min(cacheSize, 1 << 16), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ObjectNode> eldest) {
                return size() > cacheSize;
            }
        };
    }

    /**
     * {@code {family, major, os, os_major, device_family, device_class}}; null for a null or blank agent.
     * The returned node is shared: copy it before changing it.
     */
    public ObjectNode classify(String agent) {
        if (agent == null || agent.isBlank()) {
            return null;
        }
        String key = agent.length() > MAX_AGENT_CHARS ? agent.substring(0, MAX_AGENT_CHARS) : agent;
        synchronized (cache) {
            ObjectNode hit = cache.get(key);
            if (hit != null) {
                return hit;
            }
        }
        ObjectNode parsed = parse(key);
        synchronized (cache) {
            cache.put(key, parsed);
        }
        return parsed;
    }

    private ObjectNode parse(String agent) {
        Client client = parser.parse(agent);
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("family", client.userAgent.family);
        node.put("major", client.userAgent.major);
        node.put("os", client.os.family);
        node.put("os_major", client.os.major);
        node.put("device_family", client.device.family);
        node.put("device_class", deviceClass(client, agent));
        return node;
    }

    /** {@code bot}, {@code tablet}, {@code phone}, {@code desktop} or {@code other}. */
    static String deviceClass(Client client, String agent) {
        String device = client.device.family == null ? "" : client.device.family.toLowerCase(Locale.ROOT);
        String os = client.os.family == null ? "" : client.os.family.toLowerCase(Locale.ROOT);
        String lowerAgent = agent.toLowerCase(Locale.ROOT);
        if (device.equals("spider") || lowerAgent.contains("bot/") || lowerAgent.contains("crawler")) {
            return "bot";
        }
        if (device.contains("ipad")
                || device.contains("tablet")
                || device.contains("kindle")
                || lowerAgent.contains("tablet")
                || (os.equals("android") && !lowerAgent.contains("mobile"))) {
            return "tablet";
        }
        if (MOBILE_OS.contains(os)
                || device.contains("iphone")
                || device.equals("generic smartphone")
                || lowerAgent.contains("mobile")) {
            return "phone";
        }
        if (DESKTOP_OS.contains(os) || os.startsWith("windows") || os.startsWith("mac os")) {
            return "desktop";
        }
        return "other";
    }
}
