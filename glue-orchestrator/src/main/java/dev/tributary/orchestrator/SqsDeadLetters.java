package dev.tributary.orchestrator;

import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * {@link DeadLetters} on the orchestrator's SQS dead-letter queue: the {@link GlueDeadLetter} JSON as the body, its
 * {@code kind} and {@code window_id} also as message attributes (for filtering without parsing).
 */
public final class SqsDeadLetters implements DeadLetters {
    private final SqsClient sqs;
    private final String queueUrl;

    public SqsDeadLetters(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void send(GlueDeadLetter letter) {
        sqs.sendMessage(b -> b.queueUrl(queueUrl)
                .messageBody(letter.toJson().toString())
                .messageAttributes(Map.of(
                        "kind", text(GlueDeadLetter.KIND),
                        "window_id", text(letter.windowId()))));
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder()
                .dataType("String")
                .stringValue(value)
                .build();
    }
}
