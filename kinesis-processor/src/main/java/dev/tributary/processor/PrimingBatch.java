package dev.tributary.processor;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A synthetic batch that takes every path a real one does: each shipped event type (each payload schema is
 * compiled on first use), several partitions (parallel writes), and one invalid record (the quarantine object and
 * the quarantine notice). Used only to prime the handler; it never reaches AWS. It is the JSON the event source
 * mapping sends, so priming runs the handler's whole path, reading the payload included.
 */
final class PrimingBatch {
    static final String STREAM_ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/tributary-priming";
    static final String SHARD_ID = "shardId-000000000000";
    private static final int RECORDS_PER_TYPE = 20;

    /** The handler's response when no record needs a retry. */
    static final String NO_FAILURES = "{\"batchItemFailures\":[]}";

    private PrimingBatch() {}

    /** The invoke payload, as Lambda's event source mapping writes it. */
    static byte[] eventJson() {
        Instant arrival = Instant.parse("2026-01-01T10:30:00Z");
        List<String> events = new ArrayList<>();
        for (int i = 0; i < RECORDS_PER_TYPE; i++) {
            String envelope =
                    "{\"event_id\":\"priming-%s-" + i + "\",\"event_type\":\"%s\",\"event_time\":\"2026-01-01T1"
                            + (i % 2) + ":15:00.123Z\",\"source\":\"priming\",\"schema_version\":1,\"payload\":%s}";
            events.add(envelope.formatted(
                    "pv",
                    "page_view",
                    "{\"page_url\":\"https://example.com/p/" + i + "\",\"tti_ms\":1830,\"ttar_ms\":412}"));
            events.add(envelope.formatted(
                    "sr",
                    "sensor_reading",
                    "{\"device_id\":\"d-" + i + "\",\"metric\":\"temperature\",\"value\":21.5,\"unit\":\"C\"}"));
            events.add(envelope.formatted(
                    "pay",
                    "payment",
                    "{\"transaction_id\":\"t-" + i
                            + "\",\"amount\":\"12.99\",\"currency\":\"EUR\",\"status\":\"captured\"}"));
        }
        events.add("{\"event_id\":\"priming-invalid\",\"event_type\":\"page_view\"}");

        // Lambda's form: epoch seconds with a fraction, base64 data, kinesis before eventID (every value here is
        // plain ASCII without quotes or backslashes, so no escaping is needed).
        String seconds = arrival.getEpochSecond() + ".000";
        StringBuilder json = new StringBuilder("{\"Records\":[");
        for (int i = 0; i < events.size(); i++) {
            String sequence = String.format("4959%052d", i);
            json.append(i == 0 ? "" : ",")
                    .append("{\"kinesis\":{\"kinesisSchemaVersion\":\"1.0\",\"partitionKey\":\"priming-")
                    .append(i)
                    .append("\",\"sequenceNumber\":\"")
                    .append(sequence)
                    .append("\",\"data\":\"")
                    .append(Base64.getEncoder().encodeToString(events.get(i).getBytes(StandardCharsets.UTF_8)))
                    .append("\",\"approximateArrivalTimestamp\":")
                    .append(seconds)
                    .append("},\"eventSource\":\"aws:kinesis\",\"eventVersion\":\"1.0\",\"eventID\":\"")
                    .append(SHARD_ID)
                    .append(':')
                    .append(sequence)
                    .append("\",\"eventName\":\"aws:kinesis:record\",\"awsRegion\":\"us-east-1\",")
                    .append("\"eventSourceARN\":\"")
                    .append(STREAM_ARN)
                    .append("\"}");
        }
        return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }
}
