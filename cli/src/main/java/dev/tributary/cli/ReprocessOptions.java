package dev.tributary.cli;

import java.util.List;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** What the redrives that reprocess in this process share: act or only report, and how many messages to look at. */
final class ReprocessOptions {
    @Option(names = "--execute", description = "Reprocess and delete the messages (default: only report).")
    boolean execute;

    @Option(
            names = "--max-messages",
            defaultValue = "1000",
            description = "Messages to look at (default: ${DEFAULT-VALUE}).")
    int maxMessages;

    /** The queue's messages: taken to act on with {@code --execute}, peeked in a dry run. */
    List<Message> messages(SqsClient sqs, String queue) {
        return RedriveCommand.receiveAll(sqs, queue, execute, maxMessages);
    }
}
