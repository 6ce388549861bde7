package dev.tributary.orchestrator;

import dev.tributary.common.logging.EmbeddedMetrics;
import dev.tributary.common.logging.StructuredLogger;
import java.time.Clock;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-invocation counters, published as one CloudWatch embedded metric format (EMF) log line: CloudWatch Logs
 * extracts the metrics from the {@code _aws} directive, no PutMetricData call (or permission) needed. Namespace
 * {@value #NAMESPACE}, dimension {@code function}; every counter is written on every invocation, zero included, so
 * alarms and dashboards see a continuous series.
 */
public final class Metrics {
    public static final String NAMESPACE = "Tributary/GlueOrchestrator";

    /** What is counted. */
    public enum Counter {
        /** A run was started for a window. */
        RunsStarted,
        /** A tick found nothing newer than the watermark. */
        NoNewData,
        /** StartJobRun refused: the job already runs its maximum concurrent runs. */
        ConcurrentRunsExceeded,
        /** A Glue call was throttled. */
        Throttled,
        /** A Glue call failed transiently (5xx, timeout, network). */
        TransientErrors,
        /** StartJobRun failed with an error that is neither a refusal nor transient (the invocation fails). */
        StartFailures,
        /** Another invocation held or took the lease; this one started nothing. */
        LeaseContention,
        /** A run succeeded and the watermark advanced. */
        RunsSucceeded,
        /** A run ended FAILED, TIMEOUT, STOPPED or ERROR. */
        RunsFailed,
        /** A window exhausted its attempts and went to the dead-letter queue. */
        WindowsDeadLettered,
        /** A run's end was found by GetJobRun on a tick, not by its state-change event. */
        MissedEventsReconciled,
        /** A state-change event for a run that is not the one in flight (a duplicate, or an outside run). */
        UnmatchedStateChanges
    }

    private final EnumMap<Counter, Long> counts = new EnumMap<>(Counter.class);

    public Metrics() {
        for (Counter counter : Counter.values()) {
            counts.put(counter, 0L);
        }
    }

    public void increment(Counter counter) {
        counts.merge(counter, 1L, Long::sum);
    }

    public long get(Counter counter) {
        return counts.get(counter);
    }

    /** Writes the EMF line through {@code log} (its {@code function} field is the dimension). */
    public void publish(StructuredLogger log, Clock clock) {
        Map<String, EmbeddedMetrics.Metric> metrics = new LinkedHashMap<>();
        counts.forEach((counter, value) -> metrics.put(counter.name(), EmbeddedMetrics.Metric.count(value)));
        EmbeddedMetrics.publish(log, clock, NAMESPACE, metrics, Map.of());
    }
}
