package dev.tributary.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class KinesisEventRecordsTest {

    @Test
    void from_whenSamGeneratedEvent_decodesPositionArrivalAndData() {
        KinesisEvent event = EventLoader.loadKinesisEvent("events/kinesis-get-records-page-view.json");

        List<StreamRecord> records = KinesisEventRecords.from(event);

        assertThat(records).hasSize(1);
        StreamRecord record = records.getFirst();
        assertThat(record.position().shardId()).isEqualTo("shardId-000000000000");
        assertThat(record.position().sequenceNumber())
                .isEqualTo("49545115243490985018280067714973144582180062593244200961");
        assertThat(record.arrival()).isEqualTo(Instant.parse("2015-04-09T00:00:00Z"));
        assertThat(new String(record.data(), StandardCharsets.UTF_8)).startsWith("{\"event_id\":\"0b6f5c1e");
    }

    @Test
    void from_whenPlaceholderArn_usesItsLastSegmentAsStreamName() {
        KinesisEvent event = EventLoader.loadKinesisEvent("events/kinesis-get-records-default.json");

        assertThat(KinesisEventRecords.from(event).getFirst().position().stream())
                .isEqualTo("EXAMPLE");
    }

    @Test
    void streamName_whenRealArn_returnsName() {
        assertThat(KinesisEventRecords.streamName("arn:aws:kinesis:eu-west-1:123456789012:stream/tributary-events"))
                .isEqualTo("tributary-events");
    }

    @Test
    void from_whenEventIdHasNoShard_refusesNamingIt() {
        KinesisEvent event = EventLoader.loadKinesisEvent("events/kinesis-get-records-default.json");
        event.getRecords().getFirst().setEventID("no-colon-here");

        assertThatThrownBy(() -> KinesisEventRecords.from(event))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a Kinesis event source record: eventID=no-colon-here");
    }

    @Test
    void from_whenNullOrEmptyEvent_returnsNoRecords() {
        assertThat(KinesisEventRecords.from(null)).isEmpty();
        assertThat(KinesisEventRecords.from(new KinesisEvent())).isEmpty();
    }
}
