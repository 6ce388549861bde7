package dev.tributary.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/**
 * The Glue stage of a test that claims curated output: it runs, or the test fails with an instruction. The one
 * documented opt-out is {@code -Dtributary.skipGlue=true} (README, "Set up"): the demo then runs with
 * {@code --skip-glue} and the ledger follows each record to {@code processed/}, which the output says.
 */
final class GlueStage {
    static final String OPT_OUT = "tributary.skipGlue";

    private GlueStage() {}

    static boolean optedOut() {
        return Boolean.getBoolean(OPT_OUT);
    }

    /** The demo's arguments for its Glue stage: none, or {@code --skip-glue} under the opt-out. */
    static List<String> demoArgs() {
        if (optedOut()) {
            return List.of("--skip-glue");
        }
        assertThat(LocalGlueRunner.available())
                .as("the local Glue runtime is missing (GLUE_PYTHON, SPARK_JAVA_HOME): "
                        + "run through scripts/test.sh, or `source scripts/lib.sh && ensure_glue_env` first, or pass -D"
                        + OPT_OUT + "=true to check processed/ instead of the curated tables")
                .isTrue();
        return List.of();
    }

    /** Where the ledger follows valid records: {@code curated}, or {@code processed} under the opt-out. */
    static String output() {
        return optedOut() ? "processed" : "curated";
    }
}
