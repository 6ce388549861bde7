package dev.tributary.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OrchestratorEventTest {

    @Test
    void decode_whenSamScheduledEvent_isTick() {
        OrchestratorEvent event = OrchestratorEvent.decode(Events.load("scheduled-event.json"));

        assertThat(event).isEqualTo(new OrchestratorEvent.Tick("cdc73f9d-aea9-11e3-9d5a-835b769c0d9c"));
    }

    @ParameterizedTest
    @CsvSource({
        "glue-job-state-change-succeeded.json, SUCCEEDED, jr_abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789, Job run succeeded",
        "glue-job-state-change-timeout.json, TIMEOUT, jr_abc0123456789abcdef0123456789abcdef0123456789abcdef0123456789def, Job run timed out",
        "glue-job-state-change-stopped.json, STOPPED, jr_abc0123456789abcdef0123456789abcdef0123456789abcdef0123456789def, Job run stopped"
    })
    void decode_whenDocumentedGlueJobStateChange_isJobStateChange(
            String fixture, String state, String runId, String message) {
        OrchestratorEvent event = OrchestratorEvent.decode(Events.load(fixture));

        assertThat(event).isEqualTo(new OrchestratorEvent.JobStateChange("MyJob", runId, state, message));
    }

    @Test
    void decode_whenDocumentedFailedRun_keepsTheErrorMessage() {
        OrchestratorEvent event = OrchestratorEvent.decode(Events.load("glue-job-state-change-failed.json"));

        assertThat(event).isInstanceOfSatisfying(OrchestratorEvent.JobStateChange.class, change -> {
            assertThat(change.state()).isEqualTo("FAILED");
            assertThat(change.jobRunId())
                    .isEqualTo("jr_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
            assertThat(change.message()).endsWith("should be given assume role permissions for Glue Service.");
        });
    }

    @Test
    void decode_whenGlueJobRunStatusEvent_isUnrecognized() {
        OrchestratorEvent event = OrchestratorEvent.decode(Events.load("glue-job-run-status-running.json"));

        assertThat(event).isEqualTo(new OrchestratorEvent.Unrecognized("aws.glue", "Glue Job Run Status"));
    }

    @Test
    void decode_whenStateChangeLacksRunId_namesTheField() {
        Map<String, Object> event = new HashMap<>(Events.load("glue-job-state-change-succeeded.json"));
        @SuppressWarnings("unchecked")
        Map<String, Object> detail = new HashMap<>((Map<String, Object>) event.get("detail"));
        detail.remove("jobRunId");
        event.put("detail", detail);

        assertThatThrownBy(() -> OrchestratorEvent.decode(event))
                .isInstanceOf(OrchestratorException.class)
                .hasMessage("Glue Job State Change event without detail.jobRunId");
    }

    @Test
    void decode_whenNull_isUnrecognized() {
        assertThat(OrchestratorEvent.decode(null)).isEqualTo(new OrchestratorEvent.Unrecognized(null, null));
    }
}
