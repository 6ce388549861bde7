package dev.tributary.transformer.enrich;

import java.io.ByteArrayOutputStream;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An absolute URL parsed the way browsers do (the WHATWG URL Standard's basic URL parser, without a base URL), reduced
 * to the parts Tributary reports. Rules modelled, each from <a href="https://url.spec.whatwg.org/">url.spec.whatwg.org</a>:
 * <ul>
 *   <li>"Remove any leading and trailing C0 control or space from input" and "remove all ASCII tab or newline".</li>
 *   <li>Special schemes (http, https, ws, wss, ftp, file): {@code \} counts as {@code /}, extra slashes before the
 *       host are skipped, the host must not be empty (except for file), and a port equal to the scheme's
 *       "default port" becomes null.</li>
 *   <li>Userinfo ({@code user:pass@}) is parsed and dropped (it is never reported: it is a credential).</li>
 *   <li>Host: percent-decoded as UTF-8, then "domain to ASCII" (IDNA), lower-cased; a "forbidden domain code point"
 *       fails; a host whose last label is a number is an IPv4 address (decimal, {@code 0x} hex or {@code 0} octal
 *       parts, the last filling the remaining bytes, as {@code http://0x7f.1/} is {@code 127.0.0.1}); {@code [..]} is
 *       an IPv6 address, serialised compressed ("the first longest sequence of zero pieces" becomes {@code ::}).</li>
 *   <li>Path: "." and ".." segments (also as {@code %2e}) are resolved; empty becomes {@code /}.</li>
 *   <li>Query: non-ASCII and {@code space " # < >} (and {@code '} for special schemes) are percent-encoded as UTF-8
 *       (the query percent-encode set); everything after {@code #} is the fragment, never sent, dropped.</li>
 * </ul>
 * Deviation: IDNA uses {@link IDN} (IDNA2003) rather than UTS #46 non-transitional processing; the four "deviation"
 * characters differ ({@code ß} becomes {@code ss}, {@code ς} becomes {@code σ}, ZWJ/ZWNJ are removed), everything else
 * gives the same ASCII host. ICU4J would close the gap but costs ~13 MB of jar in a function already over budget.
 */
record WhatwgUrl(String scheme, String host, Integer port, String path, String query) {
    private static final Map<String, Integer> SPECIAL =
            Map.of("http", 80, "https", 443, "ws", 80, "wss", 443, "ftp", 21, "file", -1);

    static WhatwgUrl parse(String input) throws InvalidUrlException {
        String url = strip(input);
        int colon = url.indexOf(':');
        if (colon <= 0 || !isScheme(url.substring(0, colon))) {
            throw new InvalidUrlException("no scheme (a relative URL has no base here)");
        }
        String scheme = url.substring(0, colon).toLowerCase(Locale.ROOT);
        boolean special = SPECIAL.containsKey(scheme);
        String rest = url.substring(colon + 1);
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            rest = rest.substring(0, hash);
        }
        String query = null;
        int question = rest.indexOf('?');
        if (question >= 0) {
            query = encodeQuery(rest.substring(question + 1), special);
            rest = rest.substring(0, question);
        }
        if (special) {
            rest = rest.replace('\\', '/');
        }
        String host = null;
        Integer port = null;
        boolean hasAuthority = special || rest.startsWith("//");
        if (hasAuthority) {
            int start = 0;
            while (start < rest.length() && rest.charAt(start) == '/' && (start < 2 || !scheme.equals("file"))) {
                start++;
            }
            int end = rest.indexOf('/', start);
            String authority = rest.substring(start, end < 0 ? rest.length() : end);
            rest = end < 0 ? "" : rest.substring(end);
            String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
            int close = hostPort.indexOf(']');
            if (hostPort.startsWith("[") && close < 0) {
                throw new InvalidUrlException("IPv6 host lacks its closing ]");
            }
            int portColon = hostPort.startsWith("[") ? hostPort.indexOf(':', close) : hostPort.lastIndexOf(':');
            String portText = portColon < 0 ? "" : hostPort.substring(portColon + 1);
            String hostText = portColon < 0 ? hostPort : hostPort.substring(0, portColon);
            port = port(portText, SPECIAL.getOrDefault(scheme, -1));
            host = special ? WhatwgHost.parse(hostText, scheme) : WhatwgHost.opaque(hostText);
        }
        String path = special || hasAuthority ? normalisePath(rest) : rest;
        return new WhatwgUrl(scheme, host, port, path, query);
    }

    /** The host as Unicode (IDNA ToUnicode) when it holds {@code xn--} labels, else null. */
    String hostUnicode() {
        if (host == null || !host.contains("xn--")) {
            return null;
        }
        String unicode = IDN.toUnicode(host, IDN.ALLOW_UNASSIGNED);
        return unicode.equals(host) ? null : unicode;
    }

    private static String strip(String input) {
        int start = 0;
        int end = input.length();
        while (start < end && input.charAt(start) <= ' ') {
            start++;
        }
        while (end > start && input.charAt(end - 1) <= ' ') {
            end--;
        }
        StringBuilder out = new StringBuilder(end - start);
        for (int i = start; i < end; i++) {
            char c = input.charAt(i);
            if (c != '\t' && c != '\n' && c != '\r') {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isScheme(String text) {
        if (!Character.isLetter(text.charAt(0)) || text.charAt(0) > 'z') {
            return false;
        }
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c < 128 && (Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.'))) {
                return false;
            }
        }
        return true;
    }

    private static Integer port(String text, int defaultPort) throws InvalidUrlException {
        if (text.isEmpty()) {
            return null;
        }
        if (!text.chars().allMatch(c -> c >= '0' && c <= '9') || text.length() > 5 || Integer.parseInt(text) > 65535) {
            throw new InvalidUrlException("port is not a number from 0 to 65535");
        }
        int port = Integer.parseInt(text);
        return port == defaultPort ? null : port;
    }

    private static String normalisePath(String path) {
        List<String> out = new ArrayList<>();
        String[] segments = path.split("/", -1);
        for (int i = 1; i < segments.length; i++) { // segments[0] is before the leading '/'
            String segment = segments[i];
            String lower = segment.toLowerCase(Locale.ROOT);
            boolean last = i == segments.length - 1;
            if (lower.equals("..") || lower.equals(".%2e") || lower.equals("%2e.") || lower.equals("%2e%2e")) {
                if (!out.isEmpty()) {
                    out.removeLast();
                }
                if (last) {
                    out.add("");
                }
            } else if (lower.equals(".") || lower.equals("%2e")) {
                if (last) {
                    out.add("");
                }
            } else {
                out.add(segment);
            }
        }
        return "/" + String.join("/", out);
    }

    private static String encodeQuery(String query, boolean special) {
        StringBuilder out = new StringBuilder(query.length());
        for (byte b : query.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 255;
            if (c < 0x21 || c > 0x7e || c == '"' || c == '#' || c == '<' || c == '>' || (special && c == '\'')) {
                out.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            } else {
                out.append((char) c);
            }
        }
        return out.toString();
    }

    /**
     * The bytes of {@code text} (UTF-8) with each {@code %XX} replaced by its byte; a {@code %} not followed by two hex
     * digits stays as it is ("percent-decode"); with {@code plusIsSpace}, {@code +} is a space (form encoding).
     */
    static byte[] percentDecode(String text, boolean plusIsSpace) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == '%' && i + 2 < bytes.length && hex(bytes[i + 1]) >= 0 && hex(bytes[i + 2]) >= 0) {
                out.write(hex(bytes[i + 1]) << 4 | hex(bytes[i + 2]));
                i += 2;
            } else {
                out.write(plusIsSpace && b == '+' ? ' ' : b);
            }
        }
        return out.toByteArray();
    }

    private static int hex(byte b) {
        return Character.digit(b, 16);
    }
}
