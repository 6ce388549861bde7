package dev.tributary.transformer.enrich;

import java.net.IDN;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The WHATWG URL Standard's host parser, for {@link WhatwgUrl}: "domain to ASCII" (IDNA via {@link IDN}), the
 * "forbidden domain code points", the IPv4 number forms ("ends in a number") and IPv6 with its compressed
 * serialisation. Messages never quote the host.
 */
final class WhatwgHost {
    private static final String FORBIDDEN_DOMAIN = "\u0000\t\n\r #/:<>?@[\\]^|%\u007f";

    private WhatwgHost() {}

    static String parse(String text, String scheme) throws InvalidUrlException {
        if (text.startsWith("[")) {
            if (!text.endsWith("]")) {
                throw new InvalidUrlException("IPv6 host lacks its closing ]");
            }
            return "[" + ipv6(text.substring(1, text.length() - 1)) + "]";
        }
        if (text.isEmpty()) {
            if (scheme.equals("file")) {
                return "";
            }
            throw new InvalidUrlException("empty host");
        }
        String decoded = new String(WhatwgUrl.percentDecode(text, false), StandardCharsets.UTF_8);
        String ascii;
        try {
            ascii = IDN.toASCII(decoded, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new InvalidUrlException("host is not a valid internationalised domain name");
        }
        for (int i = 0; i < ascii.length(); i++) {
            char c = ascii.charAt(i);
            if (c < 0x20 || FORBIDDEN_DOMAIN.indexOf(c) >= 0) {
                throw new InvalidUrlException("host holds a forbidden code point (U+%04X)".formatted((int) c));
            }
        }
        if (ascii.isEmpty()) {
            throw new InvalidUrlException("empty host");
        }
        return endsInNumber(ascii) ? ipv4(ascii) : ascii;
    }

    static String opaque(String text) throws InvalidUrlException {
        for (char c : text.toCharArray()) {
            if (c != '%' && FORBIDDEN_DOMAIN.indexOf(c) >= 0 && c != '#') {
                throw new InvalidUrlException("host holds a forbidden code point (U+%04X)".formatted((int) c));
            }
        }
        return text;
    }

    private static boolean endsInNumber(String host) {
        List<String> parts = new ArrayList<>(List.of(host.split("\\.", -1)));
        if (parts.getLast().isEmpty() && parts.size() > 1) {
            parts.removeLast();
        }
        String last = parts.getLast();
        return !last.isEmpty()
                && (last.chars().allMatch(c -> c >= '0' && c <= '9') || last.matches("0[xX][0-9a-fA-F]*"));
    }

    private static String ipv4(String host) throws InvalidUrlException {
        List<String> parts = new ArrayList<>(List.of(host.split("\\.", -1)));
        if (parts.getLast().isEmpty() && parts.size() > 1) {
            parts.removeLast();
        }
        if (parts.size() > 4) {
            throw new InvalidUrlException("IPv4 host has more than four parts");
        }
        long[] numbers = new long[parts.size()];
        for (int i = 0; i < numbers.length; i++) {
            String part = parts.get(i);
            try {
                if (part.startsWith("0x") || part.startsWith("0X")) {
                    numbers[i] = part.length() == 2 ? 0 : Long.parseLong(part.substring(2), 16);
                } else if (part.length() > 1 && part.startsWith("0")) {
                    numbers[i] = Long.parseLong(part.substring(1), 8);
                } else {
                    numbers[i] = Long.parseLong(part);
                }
            } catch (NumberFormatException e) {
                throw new InvalidUrlException("IPv4 host has a part that is not a number");
            }
        }
        for (int i = 0; i < numbers.length - 1; i++) {
            if (numbers[i] > 255) {
                throw new InvalidUrlException("IPv4 host has a part above 255");
            }
        }
        long last = numbers[numbers.length - 1];
        if (last >= 1L << (8 * (5 - numbers.length))) {
            throw new InvalidUrlException("IPv4 host is out of range");
        }
        long address = last;
        for (int i = 0; i < numbers.length - 1; i++) {
            address += numbers[i] << (8 * (3 - i));
        }
        return (address >> 24 & 255) + "." + (address >> 16 & 255) + "." + (address >> 8 & 255) + "." + (address & 255);
    }

    private static String ipv6(String text) throws InvalidUrlException {
        // A literal with a ':' is never looked up in DNS; zone ids (%) are not allowed in URLs.
        if (!text.contains(":") || text.contains("%") || !text.matches("[0-9A-Fa-f:.]+")) {
            throw new InvalidUrlException("not an IPv6 address");
        }
        byte[] bytes;
        try {
            InetAddress address = InetAddress.getByName(text);
            bytes = address.getAddress();
            if (address instanceof Inet4Address) { // Java turns ::ffff:a.b.c.d into IPv4; the URL keeps IPv6
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(bytes, 0, mapped, 12, 4);
                bytes = mapped;
            }
        } catch (UnknownHostException e) {
            throw new InvalidUrlException("not an IPv6 address");
        }
        int[] pieces = new int[8];
        for (int i = 0; i < 8; i++) {
            pieces[i] = (bytes[2 * i] & 255) << 8 | (bytes[2 * i + 1] & 255);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero piece is not compressed
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && pieces[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append(i == 0 ? "::" : ":");
                i += bestLength - 1;
                continue;
            }
            out.append(Integer.toHexString(pieces[i]));
            if (i < 7) {
                out.append(':');
            }
        }
        return out.toString();
    }
}
