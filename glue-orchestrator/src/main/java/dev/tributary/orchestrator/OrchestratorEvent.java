package dev.tributary.orchestrator;

import java.util.Map;
import java.util.Optional;

/**
 * What invoked the function, decoded at the edge from the EventBridge envelope Lambda delivers.
 *
 * <p>The handler takes the event as {@code Map<String, Object>}: the Java runtime deserialises both the scheduled
 * event and the Glue event into it faithfully (its {@code ScheduledEvent} POJO would need Joda-Time on the class
 * path), and this type is what the rest of the module sees.
 */
public sealed interface OrchestratorEvent {
    String SCHEDULED_EVENT = "Scheduled Event";
    String GLUE_JOB_STATE_CHANGE = "Glue Job State Change";

    /** The EventBridge schedule fired: look for a new window, reconcile a run in flight. */
    record Tick(String eventId) implements OrchestratorEvent {}

    /** A {@code Glue Job State Change} event: a run reached SUCCEEDED, FAILED, TIMEOUT or STOPPED. */
    record JobStateChange(String jobName, String jobRunId, String state, String message) implements OrchestratorEvent {}

    /** Anything else (a {@code Glue Job Run Status} event, a test invocation): logged and ignored. */
    record Unrecognized(String source, String detailType) implements OrchestratorEvent {}

    /**
     * Decodes an EventBridge event.
     *
     * @throws OrchestratorException when a Glue Job State Change event lacks {@code jobName}, {@code jobRunId} or
     *                               {@code state}
     */
    static OrchestratorEvent decode(Map<String, Object> event) {
        if (event == null) {
            return new Unrecognized(null, null);
        }
        String source = text(event.get("source")).orElse(null);
        String detailType = text(event.get("detail-type")).orElse(null);
        if ("aws.events".equals(source) && SCHEDULED_EVENT.equals(detailType)) {
            return new Tick(text(event.get("id")).orElse(null));
        }
        if ("aws.glue".equals(source) && GLUE_JOB_STATE_CHANGE.equals(detailType)) {
            if (!(event.get("detail") instanceof Map<?, ?> detail)) {
                throw new OrchestratorException("Glue Job State Change event without a detail object");
            }
            return new JobStateChange(
                    required(detail, "jobName"),
                    required(detail, "jobRunId"),
                    required(detail, "state"),
                    text(detail.get("message")).orElse(""));
        }
        return new Unrecognized(source, detailType);
    }

    private static String required(Map<?, ?> detail, String field) {
        return text(detail.get(field))
                .orElseThrow(() -> new OrchestratorException("Glue Job State Change event without detail." + field));
    }

    private static Optional<String> text(Object value) {
        return value instanceof String s && !s.isBlank() ? Optional.of(s) : Optional.empty();
    }
}
