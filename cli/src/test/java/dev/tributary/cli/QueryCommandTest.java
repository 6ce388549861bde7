package dev.tributary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class QueryCommandTest {

    /** Runs {@code query} with {@code TRIBUTARY_QUERY_PYTHON} set to {@code python}; returns exit code and stderr. */
    private static String[] run(String python) {
        QueryCommand command = new QueryCommand();
        command.getenv = name -> QueryCommand.PYTHON_VARIABLE.equals(name) ? python : System.getenv(name);
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int code = new CommandLine(command).execute("--region", "us-east-1", "SELECT 1");
            return new String[] {Integer.toString(code), captured.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setErr(original);
        }
    }

    @Nested
    class MissingTool {
        @Test
        void call_whenVariableUnset_failsWithOneLineAndTheInstallHint() {
            String[] result = run(null);

            assertThat(result[0]).isEqualTo("1");
            assertThat(result[1].strip())
                    .doesNotContain("\n")
                    .startsWith("error: the query tool is not installed (TRIBUTARY_QUERY_PYTHON is not set)")
                    .contains("hint: source scripts/lib.sh && ensure_query_env");
        }

        @Test
        void call_whenVariableEmpty_failsAsUnsetInsteadOfRunningTheWorkingDirectory() {
            String[] result = run("");

            assertThat(result[0]).isEqualTo("1");
            assertThat(result[1].strip()).doesNotContain("\n").contains("TRIBUTARY_QUERY_PYTHON is not set");
        }

        @Test
        void call_whenVariableNamesNoExecutable_saysWhichPath() {
            String[] result = run("/nonexistent/query-venv/bin/python");

            assertThat(result[0]).isEqualTo("1");
            assertThat(result[1].strip())
                    .doesNotContain("\n")
                    .contains("names no executable: /nonexistent/query-venv/bin/python", "ensure_query_env");
        }
    }
}
