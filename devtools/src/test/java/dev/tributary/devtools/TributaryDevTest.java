package dev.tributary.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.cli.TributaryCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code tributary-dev.jar}'s command line without AWS: the operator commands plus demo and invoke. */
class TributaryDevTest {

    record Run(int code, String out, String err) {}

    /** Runs the command as {@code main} would (same handlers), capturing both streams. */
    static Run run(String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        System.setOut(outStream);
        System.setErr(errStream);
        try {
            var commandLine = TributaryDev.commandLine();
            commandLine.setOut(new PrintWriter(outStream, true));
            commandLine.setErr(new PrintWriter(errStream, true));
            int code = commandLine.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "demo", "invoke", "produce", "redrive kinesis", "inspect health", "query", "completion"})
    void help_whenAsked_printsUsageWithoutPicocliWarnings(String command) {
        Run run = run((command + " --help").trim().split(" "));

        assertThat(run.code()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).contains("Usage: tributary").doesNotContain("picocli WARN");
    }

    @Test
    void help_whenAsked_listsTheOperatorCommandsAndTheDevTools() {
        Run run = run("--help");

        assertThat(run.out()).contains("demo", "invoke", "produce", "redrive", "inspect", "query", "help", "completion");
    }

    @Test
    void execute_whenDemoOptionIsWrong_printsOneLineAndExitsWithTheUsageCode() {
        Run run = run("demo", "--no-such-option");

        assertThat(run.code()).as(run.err()).isEqualTo(TributaryCli.EXIT_USAGE);
        assertThat(run.err().lines().toList()).as(run.err()).hasSize(1);
        assertThat(run.err()).startsWith("tributary demo: ").doesNotContain("Exception");
    }

    @Test
    void completion_whenRun_coversTheDevToolsToo() {
        Run run = run("completion");

        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("complete -F _complete_tributary", "demo", "invoke", "--events");
    }
}
