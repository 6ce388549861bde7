package dev.tributary.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.cli.TributaryCli;
import dev.tributary.devkit.ConsoleCapture;
import java.io.PrintWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code tributary-dev.jar}'s command line without AWS: the operator commands plus demo and invoke. */
class TributaryDevTest {

    record Run(int code, String out, String err) {}

    /** Runs the command as {@code main} would (same handlers), capturing both streams. */
    static Run run(String... args) {
        ConsoleCapture.Result r = ConsoleCapture.run(() -> {
            var commandLine = TributaryDev.commandLine();
            commandLine.setOut(new PrintWriter(System.out, true));
            commandLine.setErr(new PrintWriter(System.err, true));
            return commandLine.execute(args);
        });
        return new Run(r.code(), r.out(), r.err());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"", "demo", "invoke", "produce", "redrive kinesis", "inspect health", "query", "completion"})
    void help_whenAsked_printsUsageWithoutPicocliWarnings(String command) {
        Run run = run((command + " --help").trim().split(" "));

        assertThat(run.code()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).contains("Usage: tributary").doesNotContain("picocli WARN");
    }

    @Test
    void help_whenAsked_listsTheOperatorCommandsAndTheDevTools() {
        Run run = run("--help");

        assertThat(run.out())
                .contains("demo", "invoke", "produce", "redrive", "inspect", "query", "help", "completion");
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
