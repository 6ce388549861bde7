package dev.tributary.devtools;

import dev.tributary.cli.TributaryCli;
import picocli.CommandLine;

/**
 * {@code tributary-dev.jar}: the operator commands of {@link TributaryCli} plus the local tools that need the emulator
 * harness, {@code demo} and {@code invoke}. Kept out of the operator jar so that what runs against real AWS carries
 * no Testcontainers, emulator, fault or demo code (cli's OperatorJarIT); same exit codes and one-line errors.
 */
public final class TributaryDev {
    private TributaryDev() {}

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The {@code tributary} command line with {@code demo} and {@code invoke} added. */
    static CommandLine commandLine() {
        return TributaryCli.commandLine(new DemoCommand(), new InvokeCommand());
    }
}
