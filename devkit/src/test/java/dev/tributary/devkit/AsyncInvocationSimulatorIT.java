package dev.tributary.devkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.json.Json;
import dev.tributary.toolkit.SamTemplate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The asynchronous invocation simulator over the template's real S3 → queue notification path in moto: one test per
 * rule, each rule's AWS sentence quoted next to its code in {@link AsyncInvocationSimulator}.
 */
class AsyncInvocationSimulatorIT {
    private static final String FUNCTION = "S3TransformerFunction";
    private static final AwsEmulator EMULATOR = AwsEmulator.get();
    private static SamTemplate template;
    private static LocalDeployment deployment;
    private static S3Client s3;
    private static SqsClient sqs;
    private static String notifications;
    private static String deadLetters;

    @BeforeAll
    static void deploy() {
        template = SamTemplate.load(SamTemplate.locate());
        deployment = LocalDeployment.deploy(
                template, EMULATOR, "async-" + UUID.randomUUID().toString().substring(0, 6), Map.of());
        s3 = EMULATOR.clients().s3();
        sqs = EMULATOR.clients().configure(SqsClient.builder()).build();
        notifications = deployment.notificationQueueUrl("RawBucket").orElseThrow();
        deadLetters = deployment.physicalId("TransformerDeadLetterQueue");
    }

    @AfterAll
    static void close() {
        s3.close();
        sqs.close();
    }

    @BeforeEach
    void emptyQueues() {
        // S3's test event from configuring the notification, and anything an earlier test left.
        new AsyncInvocationSimulator(sqs, EMULATOR.region().id())
                .deliver(notifications, event -> {}, 0, deadLetters, "s3-transformer", false, n -> {});
        received(deadLetters);
    }

    /**
     * Creates an object the raw bucket notifies about; S3 sends the event, as in AWS. Returns the key as the event
     * carries it, URL-encoded.
     */
    private static String createObject() {
        String key = "raw/test-" + UUID.randomUUID() + ".jsonl.gz";
        s3.putObject(b -> b.bucket(deployment.physicalId("RawBucket")).key(key), RequestBody.fromString("x"));
        return java.net.URLEncoder.encode(key, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static List<JsonNode> received(String queue) {
        List<JsonNode> bodies = new ArrayList<>();
        for (List<Message> page;
                !(page = sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10))
                                .messages())
                        .isEmpty(); ) {
            for (Message message : page) {
                try {
                    bodies.add(Json.mapper().readTree(message.body()));
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
                sqs.deleteMessage(b -> b.queueUrl(queue).receiptHandle(message.receiptHandle()));
            }
        }
        return bodies;
    }

    private static AsyncInvocationSimulator.Report deliver(
            AsyncInvocationSimulator simulator,
            AsyncInvocationSimulator.Function function,
            AsyncInvocationSimulator.Settings settings) {
        return simulator.deliver(notifications, function, settings, deadLetters, "s3-transformer", false, n -> {});
    }

    private static AsyncInvocationSimulator simulator(Clock clock) {
        return new AsyncInvocationSimulator(sqs, sqs, EMULATOR.region().id(), clock);
    }

    @Nested
    class Invocation {
        @Test
        void deliver_whenAnObjectIsCreated_invokesTheFunctionOnceWithS3sEvent() {
            String key = createObject();
            List<String> events = new ArrayList<>();

            var report =
                    deliver(simulator(Clock.systemUTC()), events::add, new AsyncInvocationSimulator.Settings(2, 3600));

            assertThat(events)
                    .singleElement()
                    .satisfies(event -> assertThat(Json.mapper()
                                    .readTree(event)
                                    .at("/Records/0/s3/object/key")
                                    .asText())
                            .isEqualTo(key));
            assertThat(report.notifications()).isEqualTo(1);
            assertThat(report.retries()).isZero();
        }

        @Test
        void deliver_whenTheQueueHoldsS3sTestEvent_neverInvokesTheFunctionWithIt() {
            sqs.sendMessage(b -> b.queueUrl(notifications)
                    .messageBody("{\"Service\":\"Amazon S3\","
                            + "\"Event\":\"s3:TestEvent\",\"Time\":\"2014-10-13T15:57:02.089Z\",\"Bucket\":\"bucketname\","
                            + "\"RequestId\":\"5582815E1AEA5ADF\",\"HostId\":\"8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+"
                            + "YstdA6Knx4Ip8EXAMPLE\"}"));
            List<String> events = new ArrayList<>();

            var report =
                    deliver(simulator(Clock.systemUTC()), events::add, new AsyncInvocationSimulator.Settings(2, 3600));

            assertThat(events).isEmpty();
            assertThat(report.notifications()).isZero();
        }
    }

    @Nested
    class Retries {
        @Test
        void deliver_whenTheFunctionFailsOnce_retriesAndNothingIsDeadLettered() {
            createObject();
            AtomicInteger calls = new AtomicInteger();

            var report = deliver(
                    simulator(Clock.systemUTC()),
                    event -> {
                        if (calls.incrementAndGet() == 1) {
                            throw new IllegalStateException("first attempt fails");
                        }
                    },
                    new AsyncInvocationSimulator.Settings(2, 3600));

            assertThat(report.invocations()).isEqualTo(2);
            assertThat(report.retries()).isEqualTo(1);
            assertThat(report.deadLettered()).isZero();
            assertThat(received(deadLetters)).isEmpty();
        }

        @Test
        void deliver_whenTheFunctionAlwaysFails_triesOncePlusMaximumRetryAttemptsThenSendsTheInvocationRecord() {
            String key = createObject();

            var report = deliver(
                    simulator(Clock.systemUTC()),
                    event -> {
                        throw new IllegalStateException("cannot transform");
                    },
                    new AsyncInvocationSimulator.Settings(2, 3600));

            assertThat(report.invocations()).isEqualTo(3);
            assertThat(received(deadLetters)).singleElement().satisfies(record -> {
                assertThat(record.at("/version").asText()).isEqualTo("1.0");
                assertThat(record.at("/requestContext/condition").asText()).isEqualTo("RetriesExhausted");
                assertThat(record.at("/requestContext/approximateInvokeCount").asInt())
                        .isEqualTo(3);
                assertThat(record.at("/requestContext/functionArn").asText())
                        .endsWith(":function:s3-transformer:$LATEST");
                assertThat(record.at("/requestPayload/Records/0/s3/object/key").asText())
                        .isEqualTo(key);
                assertThat(record.at("/responseContext/functionError").asText()).isEqualTo("Unhandled");
                assertThat(record.at("/responsePayload/errorMessage").asText()).isEqualTo("cannot transform");
                assertThat(record.at("/responsePayload/errorType").asText())
                        .isEqualTo("java.lang.IllegalStateException");
            });
        }

        @Test
        void settings_whenRetryAttemptsAboveTwo_failsFast() {
            assertThatThrownBy(() -> new AsyncInvocationSimulator.Settings(3, 3600))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("0 to 2");
        }
    }

    @Nested
    class MaximumEventAge {
        @Test
        void deliver_whenTheRetryWaitsOutlastTheMaximumAge_discardsTheEventAsEventAgeExceeded() {
            createObject();
            AtomicInteger calls = new AtomicInteger();

            // Attempts at 0 s and 60 s; the third would be at 180 s, past the 90 s limit.
            var report = deliver(
                    simulator(Clock.systemUTC()),
                    event -> {
                        calls.incrementAndGet();
                        throw new IllegalStateException("still failing");
                    },
                    new AsyncInvocationSimulator.Settings(2, 90));

            assertThat(calls).hasValue(2);
            assertThat(report.deadLettered()).isEqualTo(1);
            assertThat(received(deadLetters)).singleElement().satisfies(record -> {
                assertThat(record.at("/requestContext/condition").asText()).isEqualTo("EventAgeExceeded");
                assertThat(record.at("/requestContext/approximateInvokeCount").asInt())
                        .isEqualTo(2);
            });
        }

        @Test
        void deliver_whenTheEventIsAlreadyOlderThanTheMaximumAge_neverInvokesTheFunction() {
            createObject();
            List<String> events = new ArrayList<>();
            Clock sevenHoursLater = Clock.fixed(Instant.now().plus(Duration.ofHours(7)), ZoneOffset.UTC);

            deliver(simulator(sevenHoursLater), events::add, new AsyncInvocationSimulator.Settings(2, 21_600));

            assertThat(events).isEmpty();
            assertThat(received(deadLetters)).singleElement().satisfies(record -> {
                assertThat(record.at("/requestContext/condition").asText()).isEqualTo("EventAgeExceeded");
                assertThat(record.at("/requestContext/approximateInvokeCount").asInt())
                        .isZero();
                assertThat(record.has("responsePayload")).isFalse();
            });
        }

        @Test
        void asyncSettings_whenProjectTemplate_readsTheFunctionsEventInvokeConfig() {
            var settings = deployment.asyncSettings(FUNCTION);

            assertThat(settings.maximumRetryAttempts())
                    .isEqualTo(Integer.parseInt(template.parameterDefaults().get("AsyncMaxRetryAttempts")));
            assertThat(settings.maximumEventAgeSeconds())
                    .isEqualTo(Integer.parseInt(template.parameterDefaults().get("TransformerMaxEventAgeSeconds")));
        }
    }
}
