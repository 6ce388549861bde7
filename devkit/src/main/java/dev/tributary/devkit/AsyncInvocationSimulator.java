package dev.tributary.devkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.common.json.Json;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.IntConsumer;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Lambda's asynchronous invocation of a function by S3, over the stand-in queue {@link LocalDeployment} gives a
 * bucket's notifications. Each rule quotes the sentence of the Lambda developer guide it implements; the page is
 * "Asynchronous invocation" (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html).
 *
 * <p>Not modelled: throttling and system errors ("For throttling errors (429) and system errors (500-series),
 * Lambda returns the event to the queue and attempts to run the function again for up to 6 hours"; nothing
 * throttles locally) and duplicate deliveries ("it's possible for it to receive the same event from Lambda multiple
 * times because the queue itself is eventually consistent"; the idempotence tests inject those themselves). The
 * waits between retries are counted, not slept: they only matter against the maximum event age.
 */
public final class AsyncInvocationSimulator {
    /** The function under test, invoked with one event's JSON; an exception is a failed invocation. */
    @FunctionalInterface
    public interface Function {
        void invoke(String eventJson) throws Exception;
    }

    /**
     * A function's {@code EventInvokeConfig}, as the template declares it ({@link LocalDeployment#asyncSettings}).
     * "Maximum age of event – The maximum amount of time Lambda retains an event in the asynchronous event queue, up
     * to 6 hours." "Retry attempts – The number of times Lambda retries when the function returns an error, between
     * 0 and 2."
     */
    public record Settings(int maximumRetryAttempts, int maximumEventAgeSeconds) {
        public Settings {
            if (maximumRetryAttempts < 0 || maximumRetryAttempts > 2) {
                throw new IllegalArgumentException("MaximumRetryAttempts must be 0 to 2, was " + maximumRetryAttempts);
            }
            if (maximumEventAgeSeconds < 60 || maximumEventAgeSeconds > 21_600) {
                throw new IllegalArgumentException(
                        "MaximumEventAgeInSeconds must be 60 to 21600, was " + maximumEventAgeSeconds);
            }
        }
    }

    /** What a delivery did. */
    public record Report(int notifications, int invocations, int retries, int deadLettered) {}

    private final SqsClient sqs;
    private final SqsClient destination;
    private final String region;
    private final Clock clock;

    /** One client for the stand-in notification queue and the on-failure destination. */
    public AsyncInvocationSimulator(SqsClient sqs, String region) {
        this(sqs, sqs, region);
    }

    /**
     * @param destination sends on-failure records: a client with the function's execution role, since "To send
     *                    events to a destination, your function needs additional permissions. Add a policy with the
     *                    required permissions to your function's execution role."
     */
    public AsyncInvocationSimulator(SqsClient sqs, SqsClient destination, String region) {
        this(sqs, destination, region, Clock.systemUTC());
    }

    /** @param clock decides events' ages ({@code MaximumEventAgeInSeconds}) */
    public AsyncInvocationSimulator(SqsClient sqs, SqsClient destination, String region, Clock clock) {
        this.sqs = sqs;
        this.destination = destination;
        this.region = region;
        this.clock = clock;
    }

    /**
     * {@link #deliver(String, Function, Settings, String, String, boolean, IntConsumer)} with Lambda's default
     * maximum event age (6 hours).
     */
    public Report deliver(
            String queueUrl,
            Function function,
            int retriesAllowed,
            String deadLetterQueueUrl,
            String functionName,
            boolean patient,
            IntConsumer progress) {
        return deliver(
                queueUrl,
                function,
                new Settings(retriesAllowed, 21_600),
                deadLetterQueueUrl,
                functionName,
                patient,
                progress);
    }

    /**
     * Delivers every notification on {@code queueUrl} until the queue stays empty for two polls.
     *
     * @param patient  long-poll (1 s) for notifications an emulator may deliver late; otherwise poll briefly
     * @param progress called with the number of notifications delivered so far
     */
    public Report deliver(
            String queueUrl,
            Function function,
            Settings settings,
            String deadLetterQueueUrl,
            String functionName,
            boolean patient,
            IntConsumer progress) {
        int notifications = 0;
        int invocations = 0;
        int retries = 0;
        int deadLettered = 0;
        for (int emptyPolls = 0; emptyPolls < 2; ) {
            List<Message> messages = sqs.receiveMessage(
                            b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(patient ? 1 : 0))
                    .messages();
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
                Outcome outcome = invoke(message.body(), function, settings);
                invocations += outcome.invocations();
                retries += Math.max(0, outcome.invocations() - 1);
                if (outcome.condition() != null) {
                    // "When an invocation event exceeds the maximum age or fails all retry attempts, Lambda
                    // discards it. To retain a copy of discarded events, configure a failed-event destination."
                    deadLettered++;
                    String record = onFailureRecord(message.body(), outcome, functionName);
                    destination.sendMessage(b -> b.queueUrl(deadLetterQueueUrl).messageBody(record));
                }
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
                progress.accept(notifications);
            }
        }
        return new Report(notifications, invocations, retries, deadLettered);
    }

    /** How one event ended: {@code condition} null on success, else the on-failure record's condition. */
    private record Outcome(int invocations, String condition, Exception lastError) {}

    private Outcome invoke(String event, Function function, Settings settings) {
        Instant queued = eventTime(event).orElseGet(clock::instant);
        Duration waited = Duration.ZERO;
        Exception lastError = null;
        for (int attempt = 0; attempt <= settings.maximumRetryAttempts(); attempt++) {
            // On failure destination: "Send a record when the event fails all processing attempts or exceeds the
            // maximum age."
            if (Duration.between(queued, clock.instant().plus(waited))
                            .compareTo(Duration.ofSeconds(settings.maximumEventAgeSeconds()))
                    > 0) {
                // The guide's example shows only RetriesExhausted; EventAgeExceeded is the name Lambda gives an age
                // discard, not quoted from the guide.
                return new Outcome(attempt, "EventAgeExceeded", lastError);
            }
            try {
                function.invoke(event);
                return new Outcome(attempt + 1, null, null);
            } catch (Exception e) {
                lastError = e;
            }
            // "If the function returns an error, Lambda attempts to run it two more times, with a one-minute wait
            // between the first two attempts, and two minutes between the second and third attempts."
            waited = waited.plus(attempt == 0 ? Duration.ofMinutes(1) : Duration.ofMinutes(2));
        }
        return new Outcome(settings.maximumRetryAttempts() + 1, "RetriesExhausted", lastError);
    }

    /** When S3 emitted the event ({@code Records[0].eventTime}), which starts its age. */
    private static Optional<Instant> eventTime(String event) {
        try {
            JsonNode time = Json.mapper().readTree(event).at("/Records/0/eventTime");
            return time.isTextual() ? Optional.of(Instant.parse(time.asText())) : Optional.empty();
        } catch (IOException | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * Lambda's invocation record, the shape of the guide's "Example invocation record": "The invocation record
     * contains details about the event, the response, and the reason that the record was sent."
     */
    private String onFailureRecord(String event, Outcome outcome, String functionName) {
        ObjectNode record = Json.mapper().createObjectNode();
        record.put("version", "1.0");
        record.put("timestamp", clock.instant().toString());
        record.putObject("requestContext")
                .put("requestId", UUID.randomUUID().toString())
                .put("functionArn", "arn:aws:lambda:" + region + ":123456789012:function:" + functionName + ":$LATEST")
                .put("condition", outcome.condition())
                .put("approximateInvokeCount", outcome.invocations());
        try {
            record.set("requestPayload", Json.mapper().readTree(event));
        } catch (IOException e) {
            record.put("requestPayload", event);
        }
        if (outcome.lastError() != null) {
            record.putObject("responseContext")
                    .put("statusCode", 200)
                    .put("executedVersion", "$LATEST")
                    .put("functionError", "Unhandled");
            Exception error = outcome.lastError();
            // The Java runtime's error response: the exception's message and class.
            record.putObject("responsePayload")
                    .put("errorMessage", String.valueOf(error.getMessage()))
                    .put("errorType", error.getClass().getName());
        }
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
