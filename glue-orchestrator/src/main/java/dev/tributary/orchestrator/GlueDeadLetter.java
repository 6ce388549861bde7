package dev.tributary.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.common.json.Json;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The message the orchestrator puts on its dead-letter queue for a window whose runs failed MAX_RUN_ATTEMPTS times
 * (see {@code docs/orchestrator.md}): built by {@link GlueOrchestrator}, sent by {@link SqsDeadLetters}, read by
 * {@code tributary redrive glue}.
 * One codec, so the two cannot drift apart.
 *
 * @param glueArguments the exact arguments of the window's runs
 */
public record GlueDeadLetter(
        String jobName,
        String windowId,
        String windowStart,
        String windowEnd,
        int objects,
        long partitions,
        int attempts,
        String lastRunId,
        String lastRunState,
        String lastRunMessage,
        Map<String, String> glueArguments,
        String deadLetteredAt) {

    /** The {@code kind} field, and the message attribute of the same name. */
    public static final String KIND = "glue_window";

    public GlueDeadLetter {
        glueArguments = Map.copyOf(glueArguments);
    }

    public ObjectNode toJson() {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("kind", KIND);
        body.put("job_name", jobName);
        body.put("window_id", windowId);
        body.put("window_start", windowStart);
        body.put("window_end", windowEnd);
        body.put("objects", objects);
        body.put("partitions", partitions);
        body.put("attempts", attempts);
        body.put("last_run_id", lastRunId);
        body.put("last_run_state", lastRunState);
        body.put("last_run_message", lastRunMessage);
        body.set("glue_arguments", Json.mapper().valueToTree(new TreeMap<>(glueArguments)));
        body.put("rerun", "aws glue start-job-run --job-name " + jobName + " --arguments file://glue_arguments.json");
        body.put("dead_lettered_at", deadLetteredAt);
        return body;
    }

    /** The dead letter a message body holds; empty when it is not one (its {@code kind} is not {@value #KIND}). */
    public static Optional<GlueDeadLetter> parse(JsonNode body) {
        if (!KIND.equals(body.path("kind").asText())) {
            return Optional.empty();
        }
        Map<String, String> arguments = new TreeMap<>();
        body.path("glue_arguments")
                .properties()
                .forEach(f -> arguments.put(f.getKey(), f.getValue().asText()));
        return Optional.of(new GlueDeadLetter(
                body.path("job_name").asText(),
                body.path("window_id").asText(),
                body.path("window_start").asText(null),
                body.path("window_end").asText(null),
                body.path("objects").asInt(),
                body.path("partitions").asLong(),
                body.path("attempts").asInt(),
                body.path("last_run_id").asText(null),
                body.path("last_run_state").asText(null),
                body.path("last_run_message").asText(null),
                arguments,
                body.path("dead_lettered_at").asText(null)));
    }
}
