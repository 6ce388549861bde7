package dev.tributary.common.logging;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.common.json.Json;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/**
 * One JSON object per log line, on standard output, where Lambda and CloudWatch Logs Insights pick it up.
 *
 * <p>Deliberately tiny: a logging framework costs cold-start time, and a function logs a handful of lines per
 * invocation. Callers pass only values that are safe to log: never record payloads or secrets.
 */
public final class StructuredLogger {
    private final String function;
    private final PrintStream out;
    private final Clock clock;

    /** A logger for {@code function} writing to standard output. */
    public StructuredLogger(String function) {
        this(function, System.out, Clock.systemUTC());
    }

    /** A logger writing to {@code out} (tests capture it). */
    public StructuredLogger(String function, PrintStream out, Clock clock) {
        this.function = function;
        this.out = out;
        this.clock = clock;
    }

    public void info(String message, Map<String, ?> fields) {
        log("INFO", message, fields);
    }

    public void warn(String message, Map<String, ?> fields) {
        log("WARN", message, fields);
    }

    public void error(String message, Map<String, ?> fields) {
        log("ERROR", message, fields);
    }

    private void log(String level, String message, Map<String, ?> fields) {
        ObjectNode line = Json.mapper()
                .createObjectNode()
                .put("timestamp", clock.instant().toString())
                .put("level", level)
                .put("function", function)
                .put("message", message);
        fields.forEach((name, value) -> line.set(name, Json.mapper().valueToTree(value)));
        String text = line.toString();
        synchronized (out) {
            out.println(text);
        }
    }
}
