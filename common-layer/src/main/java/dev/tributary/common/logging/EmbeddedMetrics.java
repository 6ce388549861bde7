package dev.tributary.common.logging;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CloudWatch embedded metric format (EMF): metrics published as one structured log line, which CloudWatch Logs turns
 * into metrics from its {@code _aws} directive. No PutMetricData call, no permission for it, no client to start:
 * a hand-written line costs nothing at cold start, unlike a metrics library.
 */
public final class EmbeddedMetrics {
    /** CloudWatch units Tributary uses. */
    public enum Unit {
        Count,
        Bytes,
        Milliseconds
    }

    /** One metric value. */
    public record Metric(long value, Unit unit) {
        public static Metric count(long value) {
            return new Metric(value, Unit.Count);
        }

        public static Metric bytes(long value) {
            return new Metric(value, Unit.Bytes);
        }

        public static Metric millis(long value) {
            return new Metric(value, Unit.Milliseconds);
        }
    }

    private EmbeddedMetrics() {}

    /**
     * Writes {@code metrics} as one EMF line through {@code log}; the logger's {@code function} field is the
     * dimension. Every metric given is written, zeros included, so alarms see a continuous series.
     *
     * @param namespace e.g. {@code Tributary/KinesisProcessor}
     * @param metrics   name → value, in the order they should appear
     * @param context   extra fields for the same line (not metrics): request id, shard, …
     */
    public static void publish(
            StructuredLogger log, Clock clock, String namespace, Map<String, Metric> metrics, Map<String, ?> context) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(
                "_aws",
                Map.of(
                        "Timestamp", clock.millis(),
                        "CloudWatchMetrics",
                                List.of(Map.of(
                                        "Namespace", namespace,
                                        "Dimensions", List.of(List.of("function")),
                                        "Metrics",
                                                metrics.entrySet().stream()
                                                        .map(m -> Map.of(
                                                                "Name",
                                                                m.getKey(),
                                                                "Unit",
                                                                m.getValue()
                                                                        .unit()
                                                                        .name()))
                                                        .toList()))));
        metrics.forEach((name, metric) -> fields.put(name, metric.value()));
        context.forEach((name, value) -> {
            if (value != null) {
                fields.put(name, value);
            }
        });
        log.info("metrics", fields);
    }
}
