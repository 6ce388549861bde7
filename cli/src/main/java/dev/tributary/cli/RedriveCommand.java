package dev.tributary.cli;

import dev.tributary.toolkit.QueueSweep;
import java.util.List;
import picocli.CommandLine.Command;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** {@code tributary redrive}: reprocess what landed on a dead-letter queue, one subcommand per queue. */
@Command(
        name = "redrive",
        mixinStandardHelpOptions = true,
        description = "Reprocesses what landed on a dead-letter queue. Dry run unless --execute.",
        subcommands = {KinesisRedrive.class, TransformerRedrive.class, GlueRedrive.class})
public final class RedriveCommand {
    /** The queue's messages: taken (hidden until deleted or timed out) to act on, peeked in a dry run. */
    static List<Message> receiveAll(SqsClient sqs, String queue, boolean execute, int max) {
        return execute ? QueueSweep.take(sqs, queue, max) : QueueSweep.peek(sqs, queue, max);
    }
}
