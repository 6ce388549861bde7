package dev.tributary.transformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.json.Json;
import dev.tributary.toolkit.LambdaEvents;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class S3NotificationsTest {
    static final String RAW_KEY = "raw/event_type=page_view/dt=2025-11-22/hr=02/tributary-events.shardId-000000000000."
            + "49545115243490985018280067714973144582180062593244200961.jsonl.gz";

    static String fixture(String name) throws Exception {
        try (InputStream in = S3NotificationsTest.class.getResourceAsStream("/events/" + name)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    static List<S3Notifications.Notice> parse(String fixture) throws Exception {
        return S3Notifications.parse(Json.mapper().readTree(fixture(fixture)));
    }

    @Test
    void parse_whenDirectS3Put_givesDecodedKeyAndSequencer() throws Exception {
        assertThat(parse("s3-put-raw.json"))
                .singleElement()
                .isInstanceOfSatisfying(S3Notifications.Notice.Created.class, created -> {
                    assertThat(created.key()).isEqualTo(RAW_KEY);
                    assertThat(created.bucket()).isEqualTo("tributary-raw-000000000000-us-east-1");
                    assertThat(created.sequencer()).isEqualTo("0A1B2C3D4E5F678901");
                    assertThat(created.eventName()).isEqualTo("ObjectCreated:Put");
                    assertThat(created.messageId()).isNull();
                });
    }

    @Test
    void parse_whenS3EventInsideSqs_givesTheSameObjectAndTheMessageId() throws Exception {
        String json = fixture("sqs-s3-put-raw.json");
        // What the Java runtime would hand a RequestHandler<SQSEvent, …>: the body is the S3 event.
        assertThat(LambdaEvents.sqsEvent(json).getRecords().getFirst().getBody())
                .contains("ObjectCreated:Put");

        assertThat(S3Notifications.parse(Json.mapper().readTree(json)))
                .singleElement()
                .isInstanceOfSatisfying(S3Notifications.Notice.Created.class, created -> {
                    assertThat(created.key()).isEqualTo(RAW_KEY);
                    assertThat(created.messageId()).isEqualTo("19dd0b57-b21e-4ac1-bd88-01bbb068cb78");
                });
    }

    @Test
    void parse_whenDeleteOrTestEvent_ignoresWithReason() throws Exception {
        assertThat(parse("s3-delete-raw.json"))
                .singleElement()
                .isInstanceOfSatisfying(
                        S3Notifications.Notice.Ignored.class,
                        ignored -> assertThat(ignored.why()).startsWith("ObjectRemoved"));
        assertThat(parse("sqs-s3-test-event.json"))
                .singleElement()
                .isInstanceOfSatisfying(
                        S3Notifications.Notice.Ignored.class,
                        ignored -> assertThat(ignored.why()).isEqualTo("s3:TestEvent"));
    }

    @Test
    void parse_whenSqsBodyIsNotAnS3Event_ignoresIt() throws Exception {
        JsonNode event =
                Json.mapper().readTree(fixture("sqs-s3-test-event.json").replace("s3:TestEvent", "something else"));

        assertThat(S3Notifications.parse(event)).singleElement().isInstanceOf(S3Notifications.Notice.Ignored.class);
    }

    @Test
    void parse_whenNoRecords_refuses() {
        assertThatThrownBy(() -> S3Notifications.parse(Json.mapper().readTree("{\"detail\":{}}")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void decodeKey_whenPlusAndPercentEscapes_decodesLikeS3Encodes() {
        assertThat(S3Notifications.decodeKey("incoming/My+Report%2Bv2+%28final%29%3D%C3%A9.jsonl.gz"))
                .isEqualTo("incoming/My Report+v2 (final)=é.jsonl.gz");
        assertThat(S3Notifications.decodeKey("incoming/My%20Report.jsonl.gz")).isEqualTo("incoming/My Report.jsonl.gz");
    }

    @Test
    void compareSequencers_whenDifferentLengths_leftPadsBeforeComparing() {
        assertThat(S3Notifications.compareSequencers("0A1B2C3D4E5F678901", "0A1B2C3D4E5F678902"))
                .isNegative();
        assertThat(S3Notifications.compareSequencers("FF", "0100")).isNegative();
        assertThat(S3Notifications.compareSequencers("00ff", "FF")).isZero();
    }
}
