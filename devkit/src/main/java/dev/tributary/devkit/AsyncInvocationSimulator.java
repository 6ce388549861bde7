package dev.tributary.devkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.common.json.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.IntConsumer;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Lambda's asynchronous invocation of a function by S3, over the stand-in queue {@link LocalDeployment} gives a
 * bucket's notifications: each event is invoked, a failed invocation is retried {@code retriesAllowed} times (the
 * template's {@code MaximumRetryAttempts}), and an event that still fails goes to the function's on-failure
 * destination in Lambda's on-failure record shape ({@code requestPayload} is the event, {@code responsePayload}
 * the error).
 */
public final class AsyncInvocationSimulator {
    /** The function under test, invoked with one event's JSON; an exception is a failed invocation. */
    @FunctionalInterface
    public interface Function {
        void invoke(String eventJson) throws Exception;
    }

    /** What a delivery did. */
    public record Report(int notifications, int invocations, int retries, int deadLettered) {}

    private final SqsClient sqs;
    private final SqsClient destination;
    private final String region;

    /** One client for the stand-in notification queue and the on-failure destination. */
    public AsyncInvocationSimulator(SqsClient sqs, String region) {
        this(sqs, sqs, region);
    }

    /**
     * @param destination sends on-failure records: a client with the function's execution role, since "the
     *                    function's execution role needs permission to send records to the destination" (Lambda
     *                    developer guide, asynchronous invocation destinations)
     */
    public AsyncInvocationSimulator(SqsClient sqs, SqsClient destination, String region) {
        this.sqs = sqs;
        this.destination = destination;
        this.region = region;
    }

    /**
     * Delivers every notification on {@code queueUrl} until the queue stays empty for two polls.
     *
     * @param patient  long-poll (1 s) for notifications an emulator may deliver late; otherwise poll briefly
     * @param progress called with the number of notifications delivered so far
     */
    public Report deliver(String queueUrl, Function function, int retriesAllowed, String deadLetterQueueUrl,
            String functionName, boolean patient, IntConsumer progress) {
        int notifications = 0;
        int invocations = 0;
        int retries = 0;
        int deadLettered = 0;
        for (int emptyPolls = 0; emptyPolls < 2; ) {
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(patient ? 1 : 0)).messages();
            if (messages.isEmpty()) {
                emptyPolls++;
                if (!patient) {
                    sleep(100);
                }
                continue;
            }
            emptyPolls = 0;
            for (Message message : messages) {
                // Deleted as soon as it is handled: retries under injected faults can outlast the visibility
                // timeout of a whole batch of messages, and a redelivered notification would be counted twice.
                if (message.body().contains("s3:TestEvent")) {
                    // S3 sends a test event to a queue when the notification is configured, never to a function:
                    // the stand-in queue is not part of the real path, so neither is this event.
                    sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
                    continue;
                }
                notifications++;
                String error = null;
                for (int attempt = 0; attempt <= retriesAllowed; attempt++) {
                    invocations++;
                    retries += attempt > 0 ? 1 : 0;
                    try {
                        function.invoke(message.body());
                        error = null;
                        break;
                    } catch (Exception e) {
                        error = e.getClass().getSimpleName() + ": " + e.getMessage();
                    }
                }
                if (error != null) {
                    deadLettered++;
                    String record = onFailureRecord(message.body(), error, functionName, retriesAllowed + 1);
                    destination.sendMessage(b -> b.queueUrl(deadLetterQueueUrl).messageBody(record));
                }
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
                progress.accept(notifications);
            }
        }
        return new Report(notifications, invocations, retries, deadLettered);
    }

    private String onFailureRecord(String event, String error, String functionName, int invokeCount) {
        ObjectNode record = Json.mapper().createObjectNode();
        record.put("version", "1.0");
        record.put("timestamp", Instant.now().toString());
        record.putObject("requestContext").put("requestId", UUID.randomUUID().toString())
                .put("functionArn", "arn:aws:lambda:" + region + ":123456789012:function:" + functionName)
                .put("condition", "RetriesExhausted").put("approximateInvokeCount", invokeCount);
        try {
            record.set("requestPayload", Json.mapper().readTree(event));
        } catch (IOException e) {
            record.put("requestPayload", event);
        }
        record.putObject("responseContext").put("statusCode", 200).put("functionError", "Unhandled");
        record.putObject("responsePayload").put("errorMessage", error);
        return record.toString();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
