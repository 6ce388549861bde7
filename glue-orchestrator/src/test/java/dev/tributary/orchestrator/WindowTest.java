package dev.tributary.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.common.config.Env;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WindowTest {
    private static final Instant START = Instant.parse("2024-03-01T09:59:59.5Z");

    private static ProcessedObject object(String at, String key) {
        return new ProcessedObject("raw/" + key, Instant.parse(at), "processed-bucket", key);
    }

    @Test
    void of_whenObjectsShareAPartition_listsItOnceSortedAndEndsAtTheLatest() {
        Window window = Window.of(
                START,
                List.of(
                        object("2024-03-01T10:05:00Z", "processed/event_type=payment/dt=2024-03-01/hr=10/s.1.jsonl.gz"),
                        object(
                                "2024-03-01T10:20:00.123456Z",
                                "processed/event_type=page_view/dt=2024-03-01/hr=10/s.2.jsonl.gz"),
                        object(
                                "2024-03-01T10:07:00Z",
                                "processed/event_type=page_view/dt=2024-03-01/hr=10/s.3.jsonl.gz")));

        assertThat(window.partitions())
                .containsExactly(
                        "s3://processed-bucket/processed/event_type=page_view/dt=2024-03-01/hr=10/",
                        "s3://processed-bucket/processed/event_type=payment/dt=2024-03-01/hr=10/");
        assertThat(window.end()).isEqualTo(Instant.parse("2024-03-01T10:20:00.123456Z"));
        assertThat(window.objects()).isEqualTo(3);
        assertThat(window.id()).isEqualTo("20240301T095959.500000Z_20240301T102000.123456Z");
    }

    @Test
    void of_whenNoObjects_refuses() {
        assertThatThrownBy(() -> Window.of(START, List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void arguments_whenPartitionsAtThreshold_nameThemAsInputPaths() {
        Window window = Window.of(
                START,
                List.of(
                        object("2024-03-01T10:05:00Z", "processed/event_type=payment/dt=2024-03-01/hr=10/a.jsonl.gz"),
                        object("2024-03-01T10:06:00Z", "processed/event_type=payment/dt=2024-03-01/hr=11/b.jsonl.gz")));

        Map<String, String> arguments = orchestrator(2).arguments(window);

        assertThat(arguments)
                .containsExactly(
                        Map.entry("--window_id", window.id()),
                        Map.entry(
                                "--input_paths",
                                "s3://processed-bucket/processed/event_type=payment/dt=2024-03-01/hr=10/,"
                                        + "s3://processed-bucket/processed/event_type=payment/dt=2024-03-01/hr=11/"),
                        Map.entry("--curated_path", "s3://curated/curated/"),
                        Map.entry("--aggregates_path", "s3://curated/aggregates/"),
                        Map.entry("--summary_uri", "s3://curated/glue/runs/MyJob/" + window.id() + "/summary.json"));
    }

    @Test
    void arguments_whenPartitionsAboveThreshold_useAManifest() {
        Window window = Window.of(
                START,
                List.of(
                        object("2024-03-01T10:05:00Z", "processed/event_type=payment/dt=2024-03-01/hr=10/a.jsonl.gz"),
                        object("2024-03-01T10:06:00Z", "processed/event_type=payment/dt=2024-03-01/hr=11/b.jsonl.gz")));

        Map<String, String> arguments = orchestrator(1).arguments(window);

        assertThat(arguments)
                .doesNotContainKey("--input_paths")
                .containsEntry("--manifest_uri", "s3://curated/glue/manifests/MyJob/" + window.id() + ".json");
    }

    private static GlueOrchestrator orchestrator(int manifestThreshold) {
        Map<String, String> env = new HashMap<>(OrchestratorConfigTest.COMPLETE);
        env.put("MANIFEST_THRESHOLD", Integer.toString(manifestThreshold));
        return new GlueOrchestrator(
                OrchestratorConfig.fromEnv(new Env(env)), null, null, null, null, null, Clock.systemUTC(), null);
    }
}
