package dev.tributary.common.config;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Typed, fail-fast access to environment variables.
 *
 * <p>Every function's config record reads its settings through one of these in {@code fromEnv()}, so a missing
 * or malformed variable stops the function at init with a message that names it, instead of failing on the first
 * record. Tests pass a map instead of the process environment.
 */
public final class Env {
    private final Map<String, String> variables;

    /** Reads from the given map (tests, local runners). */
    public Env(Map<String, String> variables) {
        this.variables = Map.copyOf(Objects.requireNonNull(variables, "variables"));
    }

    /** Reads from the process environment. */
    public static Env system() {
        return new Env(System.getenv());
    }

    /**
     * The value of a variable that must be set and non-blank.
     *
     * @throws ConfigurationException naming the variable when it is unset or blank
     */
    public String required(String name) {
        String value = variables.get(name);
        if (value == null || value.isBlank()) {
            throw new ConfigurationException("missing required environment variable " + name);
        }
        return value.strip();
    }

    /** The value of an optional variable, or {@code defaultValue} when unset or blank. */
    public String optional(String name, String defaultValue) {
        String value = variables.get(name);
        return value == null || value.isBlank() ? defaultValue : value.strip();
    }

    /**
     * An optional positive whole number.
     *
     * @throws ConfigurationException naming the variable when it is set but not a positive integer
     */
    public long positiveLong(String name, long defaultValue) {
        String value = variables.get(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            long parsed = Long.parseLong(value.strip());
            if (parsed <= 0) {
                throw new ConfigurationException(name + " must be a positive integer, was '" + value + "'");
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new ConfigurationException(name + " must be a positive integer, was '" + value + "'");
        }
    }

    /** An optional duration given in whole seconds. */
    public Duration seconds(String name, Duration defaultValue) {
        return Duration.ofSeconds(positiveLong(name, defaultValue.toSeconds()));
    }
}
