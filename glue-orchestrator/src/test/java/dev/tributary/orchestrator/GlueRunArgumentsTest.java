package dev.tributary.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class GlueRunArgumentsTest {
    private static final String JOB = "stack-curate";
    private static final String CURATED = "stack-curated";
    private static final String PROCESSED = "stack-processed";
    private static final Window WINDOW = Window.of(
            Instant.parse("2026-11-22T10:00:00Z"),
            List.of(new ProcessedObject(
                    "raw/event_type=page_view/dt=2026-11-22/hr=10/a.jsonl.gz",
                    Instant.parse("2026-11-22T10:05:00Z"),
                    PROCESSED,
                    "processed/event_type=page_view/dt=2026-11-22/hr=10/a.jsonl.gz")));

    @Nested
    class Violations {
        @Test
        void violations_whenArgumentsAreTheOrchestratorsOwn_areNone() {
            assertThat(GlueRunArguments.violations(
                            GlueRunArguments.of(JOB, CURATED, WINDOW, false), JOB, CURATED, PROCESSED))
                    .isEmpty();
            assertThat(GlueRunArguments.violations(
                            GlueRunArguments.of(JOB, CURATED, WINDOW, true), JOB, CURATED, PROCESSED))
                    .isEmpty();
        }

        @Test
        void violations_whenAnUnknownKeyIsAdded_nameIt() {
            Map<String, String> arguments = new HashMap<>(GlueRunArguments.of(JOB, CURATED, WINDOW, false));
            arguments.put("--extra-py-files", "s3://elsewhere/code.zip");

            assertThat(GlueRunArguments.violations(arguments, JOB, CURATED, PROCESSED))
                    .containsExactly("argument --extra-py-files is not one the orchestrator passes");
        }

        @Test
        void violations_whenAnInputLeavesTheProcessedPartitions_nameIt() {
            for (String path : List.of(
                    "s3://other/processed/event_type=a/dt=2026-11-22/hr=10/",
                    "s3://" + PROCESSED + "/raw/event_type=a/dt=2026-11-22/hr=10/",
                    "s3://" + PROCESSED + "/processed/event_type=a/dt=2026-11-22/hr=10/../../raw/")) {
                Map<String, String> arguments = new HashMap<>(GlueRunArguments.of(JOB, CURATED, WINDOW, false));
                arguments.put(GlueRunArguments.INPUT_PATHS, path);

                assertThat(GlueRunArguments.violations(arguments, JOB, CURATED, PROCESSED))
                        .singleElement()
                        .asString()
                        .contains(path, "is not a partition of");
            }
        }

        @Test
        void violations_whenOutputsPointElsewhere_nameEach() {
            Map<String, String> arguments = new HashMap<>(GlueRunArguments.of(JOB, CURATED, WINDOW, true));
            arguments.put(GlueRunArguments.CURATED_PATH, "s3://other/curated/");
            arguments.put(GlueRunArguments.MANIFEST_URI, "s3://other/glue/manifests/x.json");
            arguments.put(GlueRunArguments.SUMMARY_URI, "s3://" + CURATED + "/glue/lib/tributary_glue.zip");

            assertThat(GlueRunArguments.violations(arguments, JOB, CURATED, PROCESSED))
                    .hasSize(3)
                    .anySatisfy(p -> assertThat(p).startsWith("--curated_path is 's3://other/curated/'"))
                    .anySatisfy(p -> assertThat(p).startsWith("--manifest_uri is"))
                    .anySatisfy(p -> assertThat(p).startsWith("--summary_uri is"));
        }

        @Test
        void violations_whenWindowIdIsNotOne_orBothInputsAreGiven_nameThem() {
            Map<String, String> arguments = new HashMap<>(GlueRunArguments.of(JOB, CURATED, WINDOW, false));
            arguments.put(GlueRunArguments.WINDOW_ID, "../x");
            arguments.put(GlueRunArguments.MANIFEST_URI, "s3://" + CURATED + "/glue/manifests/" + JOB + "/x.json");

            assertThat(GlueRunArguments.violations(arguments, JOB, CURATED, PROCESSED))
                    .anySatisfy(p -> assertThat(p).contains("is not a window id"))
                    .anySatisfy(p -> assertThat(p).contains("exactly one of --manifest_uri and --input_paths"));
        }
    }
}
