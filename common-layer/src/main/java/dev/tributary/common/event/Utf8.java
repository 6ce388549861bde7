package dev.tributary.common.event;

/**
 * Strict UTF-8 validation (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
 *
 * <p>Jackson decodes most malformed sequences with an error, but accepts overlong forms and encoded surrogates
 * inside strings; raw data must be exactly what a UTF-8 reader downstream (Athena, Spark) will accept.
 */
public final class Utf8 {
    private Utf8() {}

    /** The offset of the first byte that is not valid UTF-8, or -1 when all of {@code bytes} is valid. */
    public static int firstInvalidOffset(byte[] bytes) {
        int i = 0;
        int n = bytes.length;
        while (i < n) {
            int b = bytes[i];
            if (b >= 0) { // ASCII: the common case, one compare per byte
                i++;
                continue;
            }
            int lead = b & 0xFF;
            int length;
            int min;
            if (lead >= 0xC2 && lead <= 0xDF) {
                length = 2;
                min = 0x80;
            } else if (lead >= 0xE0 && lead <= 0xEF) {
                length = 3;
                min = 0x800;
            } else if (lead >= 0xF0 && lead <= 0xF4) {
                length = 4;
                min = 0x10000;
            } else {
                return i; // continuation byte as lead, C0/C1 (always overlong) or F5..FF
            }
            if (i + length > n) {
                return i;
            }
            int codePoint = lead & (0xFF >> (length + 1));
            for (int k = 1; k < length; k++) {
                int cont = bytes[i + k] & 0xFF;
                if ((cont & 0xC0) != 0x80) {
                    return i;
                }
                codePoint = (codePoint << 6) | (cont & 0x3F);
            }
            if (codePoint < min || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF)) {
                return i;
            }
            i += length;
        }
        return -1;
    }
}
