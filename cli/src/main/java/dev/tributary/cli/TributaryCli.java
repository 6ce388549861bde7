package dev.tributary.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tributary} command. Exit codes (README, "The tributary command"): {@value #EXIT_OK} done;
 * {@value #EXIT_FINDING} the command ran and found or left something to act on (dead letters waiting, no metadata,
 * records or messages that failed); {@value #EXIT_USAGE} usage error (unknown or missing option, bad value, missing
 * configuration); {@value #EXIT_AWS} AWS error (endpoint unreachable, resource not found, access denied);
 * {@value #EXIT_INTERNAL} internal error (a bug: rerun with {@code --debug}).
 *
 * <p>This jar holds the operator commands only, for real AWS: the local demo and {@code invoke} (emulator,
 * Testcontainers, fault hooks) are in the devtools module's {@code tributary-dev.jar}, which adds them through
 * {@link #commandLine(Object...)} (OperatorJarIT checks that none of that code is in this jar).
 */
@Command(
        name = "tributary",
        mixinStandardHelpOptions = true,
        version = "tributary 0.1.0",
        description = "Tributary: an event-driven data pipeline for AWS (Kinesis -> Lambda -> S3 -> Glue).",
        subcommands = {ProduceCommand.class, RedriveCommand.class, InspectCommand.class, QueryCommand.class})
public final class TributaryCli {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FINDING = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_AWS = 3;
    public static final int EXIT_INTERNAL = 4;
    static final String DEBUG = "--debug";

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line with the error handling and exit codes above, {@code help}, and the completion script
     * generator; {@code extraCommands} (picocli {@code @Command} objects) join the operator commands, as the dev
     * tools' {@code demo} and {@code invoke} do.
     */
    public static CommandLine commandLine(Object... extraCommands) {
        CommandErrors errors = new CommandErrors();
        CommandLine commandLine = new CommandLine(new TributaryCli());
        for (Object command : extraCommands) {
            commandLine.addSubcommand(command);
        }
        commandLine.addSubcommand("help", new CommandLine.HelpCommand());
        // Set after the subcommands are added: picocli hands the handlers down to the subcommands present.
        commandLine.setExecutionExceptionHandler(errors).setParameterExceptionHandler(errors);
        commandLine.addSubcommand("completion", new AutoComplete.GenerateCompletion());
        CommandLine completion = commandLine.getSubcommands().get("completion");
        completion
                .getCommandSpec()
                .usageMessage()
                .hidden(false)
                .description("Prints a bash/zsh completion script for tributary: source <(tributary completion)");
        addDebugOption(commandLine);
        return commandLine;
    }

    /** {@code --debug} on every command that has none of its own (invoke's also shows the emulator's log). */
    private static void addDebugOption(CommandLine command) {
        if (!command.getCommandSpec().optionsMap().containsKey(DEBUG)) {
            command.getCommandSpec()
                    .addOption(CommandLine.Model.OptionSpec.builder(DEBUG)
                            .description("Print the stack trace of an error (default: one line with a hint).")
                            .build());
        }
        command.getSubcommands().values().forEach(TributaryCli::addDebugOption);
    }
}
