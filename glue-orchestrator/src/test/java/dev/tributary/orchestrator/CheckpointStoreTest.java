package dev.tributary.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.orchestrator.Checkpoint.Phase;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The checkpoint item's encoding: a restore puts back the checkpoint a tick read, so an item must read back and
 * write back unchanged (the conditional writes themselves are checked on the emulator by {@code GlueOrchestratorIT}).
 */
class CheckpointStoreTest {
    static final Instant T = Instant.parse("2026-11-22T10:15:30.123456Z");
    static final Window WINDOW = new Window(Window.idOf(T, T.plusSeconds(60)), T, T.plusSeconds(60), 7, List.of());

    @Nested
    class Item {
        @Test
        void item_whenRunning_holdsEveryAttributeOfTheWindowAndTheRun() {
            Checkpoint running = Checkpoint.first("MyJob")
                    .phase(Phase.RUNNING)
                    .watermark(T)
                    .window(
                            new Window(WINDOW.id(), T, T.plusSeconds(60), 7, List.of("s3://p/a/", "s3://p/b/")),
                            Map.of("--window_id", WINDOW.id()))
                    .attempts(2)
                    .run("jr_1", T)
                    .updatedAt(T)
                    .build();

            Map<String, AttributeValue> item = CheckpointStore.item(running);

            assertThat(item)
                    .containsEntry("job_name", AttributeValue.fromS("MyJob"))
                    .containsEntry("version", AttributeValue.fromN("1"))
                    .containsEntry("phase", AttributeValue.fromS("RUNNING"))
                    .containsEntry("window_partitions", AttributeValue.fromN("2"))
                    .containsEntry("window_objects", AttributeValue.fromN("7"))
                    .containsEntry("attempts", AttributeValue.fromN("2"))
                    .containsEntry("run_id", AttributeValue.fromS("jr_1"))
                    .containsEntry(
                            "run_arguments",
                            AttributeValue.fromM(Map.of("--window_id", AttributeValue.fromS(WINDOW.id()))))
                    .doesNotContainKeys("lease_owner", "windows_completed", "windows_dead_lettered", "last_run_id");
            assertThat(CheckpointStore.checkpoint(item)).isEqualTo(running);
            assertThat(CheckpointStore.item(CheckpointStore.checkpoint(item))).isEqualTo(item);
        }

        @Test
        void item_whenWindowIsCleared_dropsEveryWindowAttributeButKeepsTheCounters() {
            Checkpoint running = Checkpoint.first("MyJob")
                    .phase(Phase.STARTING)
                    .lease("owner", T)
                    .window(WINDOW, Map.of("--window_id", WINDOW.id()))
                    .attempts(0)
                    .build();

            Checkpoint advanced = running.with()
                    .phase(Phase.IDLE)
                    .watermark(WINDOW.end())
                    .clearWindow()
                    .lastRun("jr_1", "SUCCEEDED", null, T)
                    .windowsCompleted(1)
                    .build();
            Map<String, AttributeValue> item = CheckpointStore.item(advanced);

            assertThat(item)
                    .containsOnlyKeys(
                            "job_name",
                            "version",
                            "phase",
                            "watermark",
                            "last_run_id",
                            "last_run_state",
                            "last_run_message",
                            "last_run_ended_at",
                            "windows_completed");
            assertThat(item)
                    .containsEntry("last_run_message", AttributeValue.fromS(""))
                    .containsEntry("version", AttributeValue.fromN("2"));
            assertThat(CheckpointStore.item(CheckpointStore.checkpoint(item))).isEqualTo(item);
        }
    }

    @Nested
    class Decode {
        @Test
        void checkpoint_whenWindowHasNoStart_namesTheMissingAttribute() {
            Map<String, AttributeValue> item =
                    Map.of("job_name", AttributeValue.fromS("MyJob"), "window_id", AttributeValue.fromS(WINDOW.id()));

            assertThatThrownBy(() -> CheckpointStore.checkpoint(item))
                    .isInstanceOf(OrchestratorException.class)
                    .hasMessageContaining("window_start");
        }
    }
}
