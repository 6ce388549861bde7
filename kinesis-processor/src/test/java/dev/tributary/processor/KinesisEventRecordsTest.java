package dev.tributary.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class KinesisEventRecordsTest {

    static String fixture(String name) {
        try (InputStream in = KinesisEventRecordsTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<StreamRecord> read(String json) throws IOException {
        return KinesisEventRecords.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Nested
    class Read {
        @Test
        void read_whenSamGeneratedEvent_decodesPositionArrivalAndData() throws IOException {
            List<StreamRecord> records = read(fixture("events/kinesis-get-records-page-view.json"));

            assertThat(records).hasSize(1);
            StreamRecord record = records.getFirst();
            assertThat(record.position().shardId()).isEqualTo("shardId-000000000000");
            assertThat(record.position().sequenceNumber())
                    .isEqualTo("49545115243490985018280067714973144582180062593244200961");
            assertThat(record.arrival()).isEqualTo(Instant.parse("2015-04-09T00:00:00Z"));
            assertThat(new String(record.data(), StandardCharsets.UTF_8)).startsWith("{\"event_id\":\"0b6f5c1e");
        }

        @Test
        void read_whenPlaceholderArn_usesItsLastSegmentAsStreamName() throws IOException {
            assertThat(read(fixture("events/kinesis-get-records-default.json")).getFirst().position().stream())
                    .isEqualTo("EXAMPLE");
        }

        @Test
        void read_whenNullOrEmptyEvent_returnsNoRecords() throws IOException {
            assertThat(read("null")).isEmpty();
            assertThat(read("{}")).isEmpty();
            assertThat(read("{\"Records\":null}")).isEmpty();
            assertThat(read("{\"Records\":[]}")).isEmpty();
        }

        @Test
        void read_whenUnknownFieldsAnywhere_skipsThem() throws IOException {
            String json = fixture("events/kinesis-get-records-page-view.json")
                    .replace("\"Records\"", "\"added\":{\"a\":[1,{\"b\":null}]},\"Records\"")
                    .replace("\"kinesis\": {", "\"kinesis\": {\"futureField\":[{\"data\":\"not this\"}],")
                    .replace("\"eventID\"", "\"newEnvelopeField\":{\"eventID\":\"x\"},\"eventID\"");

            assertThat(read(json)).singleElement().satisfies(record -> {
                assertThat(record.position().sequenceNumber()).startsWith("4954511524349098501828006771497");
                assertThat(new String(record.data(), StandardCharsets.UTF_8)).startsWith("{\"event_id\":");
            });
        }

        @Test
        void streamName_whenRealArn_returnsName() {
            assertThat(KinesisEventRecords.streamName("arn:aws:kinesis:eu-west-1:123456789012:stream/tributary-events"))
                    .isEqualTo("tributary-events");
        }
    }

    @Nested
    class Malformed {
        @Test
        void read_whenEventIdHasNoShard_refusesNamingIt() {
            String json = fixture("events/kinesis-get-records-default.json")
                    .replace("\"eventID\": \"shardId-000000000000:", "\"eventID\": \"no-colon-here");

            assertThatThrownBy(() -> read(json))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("not a Kinesis event source record: eventID=no-colon-here");
        }

        @Test
        void read_whenEventIdMissing_refusesNamingIt() {
            String json = fixture("events/kinesis-get-records-default.json").replace("\"eventID\"", "\"eventId_\"");

            assertThatThrownBy(() -> read(json))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("not a Kinesis event source record: eventID=null");
        }

        @Test
        void read_whenNotJson_saysSo() {
            assertThatThrownBy(() -> read("Hello, this is a test 123."))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("the invoke payload is not a Kinesis event: Unrecognized token 'Hello'");
        }

        @Test
        void read_whenTruncated_saysSo() {
            String json = fixture("events/kinesis-get-records-page-view.json");

            assertThatThrownBy(() -> read(json.substring(0, json.length() / 2)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("the invoke payload is not a Kinesis event: Unexpected end-of-input");
        }

        @Test
        void read_whenNotAnObject_namesWhatItIs() {
            assertThatThrownBy(() -> read("[1,2]"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the invoke payload is not a Kinesis event: the event must be an object, is an array"
                            + " at line 1, column 1");
            assertThatThrownBy(() -> read("{\"Records\":{}}"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the invoke payload is not a Kinesis event: Records must be an array, is an object"
                            + " at line 1, column 12");
            assertThatThrownBy(() -> read("{\"Records\":[\"x\"]}"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("the invoke payload is not a Kinesis event: Records[0] is a string");
        }

        @Test
        void read_whenDataNotBase64_namesTheRecordAndField() {
            String json = fixture("events/kinesis-get-records-default.json")
                    .replace("\"SGVsbG8sIHRoaXMgaXMgYSB0ZXN0IDEyMy4=\"", "\"not base64!\"");

            assertThatThrownBy(() -> read(json))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("not a Kinesis event: Records[0].kinesis.data is not base64: ");
        }

        @Test
        void read_whenDataIsNotAString_namesTheRecordAndField() {
            String json = fixture("events/kinesis-get-records-default.json")
                    .replace("\"SGVsbG8sIHRoaXMgaXMgYSB0ZXN0IDEyMy4=\"", "42");

            assertThatThrownBy(() -> read(json))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(
                            "the invoke payload is not a Kinesis event: Records[0].kinesis.data is a number at line");
        }
    }

    @Nested
    class WriteResponse {
        @Test
        void writeResponse_whenNothingToRetry_writesEmptyFailures() throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();

            KinesisEventRecords.writeResponse(Optional.empty(), out);

            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("{\"batchItemFailures\":[]}");
        }

        @Test
        void writeResponse_whenWritten_leavesTheRuntimesStreamOpen() throws IOException {
            boolean[] closed = {false};
            ByteArrayOutputStream out = new ByteArrayOutputStream() {
                @Override
                public void close() {
                    closed[0] = true;
                }
            };

            KinesisEventRecords.writeResponse(Optional.empty(), out);

            assertThat(closed[0]).isFalse();
            assertThat(out.size()).isPositive();
        }

        @Test
        void writeResponse_whenRetryFrom_writesThatItemIdentifier() throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();

            KinesisEventRecords.writeResponse(
                    Optional.of("49590338271490256608559692538361571095921575989136588898"), out);

            assertThat(out.toString(StandardCharsets.UTF_8))
                    .isEqualTo("{\"batchItemFailures\":[{\"itemIdentifier\":"
                            + "\"49590338271490256608559692538361571095921575989136588898\"}]}");
        }
    }
}
