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
 */
@Command(
        name = "tributary",
        mixinStandardHelpOptions = true,
        version = "tributary 0.1.0",
        description = "Tributary: an event-driven data pipeline for AWS (Kinesis -> Lambda -> S3 -> Glue).",
        subcommands = {DemoCommand.class, ProduceCommand.class, RedriveCommand.class, InspectCommand.class,
            InvokeCommand.class, QueryCommand.class, CommandLine.HelpCommand.class})
public final class TributaryCli {
    static final int EXIT_OK = 0;
    static final int EXIT_FINDING = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_AWS = 3;
    static final int EXIT_INTERNAL = 4;
    static final String DEBUG = "--debug";

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with the error handling and exit codes above, and the completion script generator. */
    static CommandLine commandLine() {
        CommandErrors errors = new CommandErrors();
        CommandLine commandLine = new CommandLine(new TributaryCli())
                .setExecutionExceptionHandler(errors)
                .setParameterExceptionHandler(errors);
        commandLine.addSubcommand("completion", new AutoComplete.GenerateCompletion());
        CommandLine completion = commandLine.getSubcommands().get("completion");
        completion.getCommandSpec().usageMessage().hidden(false).description(
                "Prints a bash/zsh completion script for tributary: source <(tributary completion)");
        addDebugOption(commandLine);
        return commandLine;
    }

    /** {@code --debug} on every command that has none of its own (invoke's also shows the emulator's log). */
    private static void addDebugOption(CommandLine command) {
        if (!command.getCommandSpec().optionsMap().containsKey(DEBUG)) {
            command.getCommandSpec().addOption(CommandLine.Model.OptionSpec.builder(DEBUG)
                    .description("Print the stack trace of an error (default: one line with a hint).").build());
        }
        command.getSubcommands().values().forEach(TributaryCli::addDebugOption);
    }
}
