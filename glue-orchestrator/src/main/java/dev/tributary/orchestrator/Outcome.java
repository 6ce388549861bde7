package dev.tributary.orchestrator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one step of an invocation did.
 *
 * @param kind     the transition (or why there was none)
 * @param windowId the window concerned, or null
 * @param runId    the Glue run concerned, or null
 * @param detail   a human-readable reason, or null
 */
public record Outcome(Kind kind, String windowId, String runId, String detail) {
    public enum Kind {
        /** A run was started for a window (new, or a retry). */
        STARTED,
        /** Nothing newer than the watermark; no run started. */
        NO_NEW_DATA,
        /** A run is still in flight (GetJobRun says so); nothing else to do. */
        RUN_IN_FLIGHT,
        /** Another invocation holds an unexpired lease. */
        LEASE_HELD,
        /** Another invocation took the lease first. */
        LEASE_LOST,
        /** StartJobRun refused (concurrent runs exceeded, throttling, transient error); checkpoint unchanged. */
        REFUSED,
        /** A run succeeded; the watermark moved to its window's end. */
        ADVANCED,
        /** A run failed; its window waits for the next tick. */
        RETRY_SCHEDULED,
        /** A window exhausted its attempts: sent to the dead-letter queue, watermark moved on. */
        DEAD_LETTERED,
        /** The event needs no action (another job, a non-final state, a run that is not in flight). */
        IGNORED
    }

    static Outcome of(Kind kind, String windowId, String runId, String detail) {
        return new Outcome(kind, windowId, runId, detail);
    }

    static Outcome of(Kind kind, String detail) {
        return new Outcome(kind, null, null, detail);
    }

    /** For logs and the handler's response. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("outcome", kind.name());
        if (windowId != null) {
            map.put("window_id", windowId);
        }
        if (runId != null) {
            map.put("run_id", runId);
        }
        if (detail != null) {
            map.put("detail", detail);
        }
        return map;
    }
}
