package dev.tributary.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tributary} command. */
@Command(
        name = "tributary",
        mixinStandardHelpOptions = true,
        version = "tributary 0.1.0",
        description = "Tributary: an event-driven data pipeline for AWS (Kinesis -> Lambda -> S3 -> Glue).",
        subcommands = {DemoCommand.class, ProduceCommand.class, RedriveCommand.class, InspectCommand.class,
            InvokeCommand.class, QueryCommand.class, CommandLine.HelpCommand.class})
public final class TributaryCli {
    public static void main(String[] args) {
        System.exit(new CommandLine(new TributaryCli()).execute(args));
    }
}
