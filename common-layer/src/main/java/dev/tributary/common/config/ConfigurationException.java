package dev.tributary.common.config;

/** A function's configuration is missing or malformed; the message names the variable. */
public final class ConfigurationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) {
        super(message);
    }
}
