package dev.tributary.orchestrator;

import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.common.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The committed event fixtures, deserialised the way the Java runtime deserialises a {@code Map} handler's input
 * (aws-lambda-java-serialization's Jackson factory).
 */
final class Events {
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final PojoSerializer<Map<String, Object>> MAP =
            (PojoSerializer) JacksonFactory.getInstance().getSerializer(Map.class);

    private Events() {}

    /** A fixture's text, byte for byte. */
    static String fixture(String name) {
        try (InputStream in = Events.class.getResourceAsStream("/events/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fixture as the handler receives it. */
    static Map<String, Object> load(String name) {
        return MAP.fromJson(fixture(name));
    }

    /** A state-change fixture with only {@code detail.jobName} and {@code detail.jobRunId} replaced. */
    static Map<String, Object> stateChange(String name, String jobName, String jobRunId) {
        try {
            ObjectNode event = (ObjectNode) Json.mapper().readTree(fixture(name));
            ((ObjectNode) event.get("detail")).put("jobName", jobName).put("jobRunId", jobRunId);
            return MAP.fromJson(event.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
