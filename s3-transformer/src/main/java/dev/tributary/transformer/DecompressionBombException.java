package dev.tributary.transformer;

import java.io.IOException;

/** Decompressing an object exceeded the configured size or ratio limit. */
public final class DecompressionBombException extends IOException {
    private static final long serialVersionUID = 1L;

    public DecompressionBombException(String message) {
        super(message);
    }
}
