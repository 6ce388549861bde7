package dev.tributary.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.json.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GlueDeadLetterTest {
    private final GlueDeadLetter letter = new GlueDeadLetter(
            "curation",
            "20261122T100000.000000Z_20261122T110000.000000Z",
            "2026-11-22T10:00:00Z",
            "2026-11-22T11:00:00Z",
            12,
            3,
            2,
            "jr_1",
            "TIMEOUT",
            "timed out",
            Map.of("--window_id", "20261122T100000.000000Z_20261122T110000.000000Z", "--input_paths", "s3://p/x/"),
            "2026-11-22T12:00:00Z");

    @Test
    void parse_whenWrittenByToJson_readsBackTheSameLetter() throws Exception {
        JsonNode body = Json.mapper().readTree(letter.toJson().toString());

        assertThat(GlueDeadLetter.parse(body)).contains(letter);
        assertThat(body.get("kind").asText()).isEqualTo(GlueDeadLetter.KIND);
        assertThat(body.get("rerun").asText())
                .isEqualTo("aws glue start-job-run --job-name curation --arguments file://glue_arguments.json");
    }

    @Test
    void parse_whenAnotherKindOfMessage_isEmpty() throws Exception {
        assertThat(GlueDeadLetter.parse(Json.mapper().readTree("{\"KinesisBatchInfo\": {}}")))
                .isEmpty();
        assertThat(GlueDeadLetter.parse(Json.mapper().readTree("{\"kind\": \"quarantine\"}")))
                .isEmpty();
    }
}
