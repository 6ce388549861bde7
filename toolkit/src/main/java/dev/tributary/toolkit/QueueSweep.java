package dev.tributary.toolkit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Every message currently on a queue, each once: the one reader of dead-letter queues, for the operator's redrive
 * and the dev tools' ledger. Each message is hidden while the sweep goes on (received with a visibility timeout, so
 * the next receive returns new ones). Receiving with visibility timeout 0 instead would let the queue hand back the
 * same ten messages on every call, and a queue of 18 would look like 10.
 */
public final class QueueSweep {
    /** How long a taken message stays hidden: time for the caller to act on it and delete it. */
    static final int TAKE_VISIBILITY_SECONDS = 300;
    /** How long a peeked message stays hidden during the sweep, before it is made visible again. */
    static final int PEEK_VISIBILITY_SECONDS = 60;

    private QueueSweep() {}

    /**
     * Up to {@code max} messages, received and then made visible again at the end: a later reader (a redrive)
     * still finds them.
     */
    public static List<Message> peek(SqsClient sqs, String queue, int max) {
        List<Message> all = receive(sqs, queue, max, PEEK_VISIBILITY_SECONDS);
        for (int i = 0; i < all.size(); i += 10) {
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            for (Message m : all.subList(i, Math.min(all.size(), i + 10))) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
                        .id(Integer.toString(entries.size()))
                        .receiptHandle(m.receiptHandle())
                        .visibilityTimeout(0)
                        .build());
            }
            sqs.changeMessageVisibilityBatch(b -> b.queueUrl(queue).entries(entries));
        }
        return all;
    }

    /**
     * Up to {@code max} messages, left hidden for {@value #TAKE_VISIBILITY_SECONDS} seconds: the caller deletes
     * each it has dealt with; one it could not deal with reappears after that.
     */
    public static List<Message> take(SqsClient sqs, String queue, int max) {
        return receive(sqs, queue, max, TAKE_VISIBILITY_SECONDS);
    }

    private static List<Message> receive(SqsClient sqs, String queue, int max, int visibilitySeconds) {
        List<Message> all = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        while (all.size() < max) {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queue)
                            .maxNumberOfMessages(10)
                            .waitTimeSeconds(0)
                            .visibilityTimeout(visibilitySeconds)
                            .messageAttributeNames("All"))
                    .messages();
            boolean fresh = false;
            for (Message m : batch) {
                if (seen.add(m.messageId())) {
                    all.add(m);
                    fresh = true;
                }
            }
            if (!fresh) {
                break;
            }
        }
        return all;
    }
}
