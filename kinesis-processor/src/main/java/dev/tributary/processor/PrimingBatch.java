package dev.tributary.processor;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * A synthetic batch that takes every path a real one does: each shipped event type (each payload schema is
 * compiled on first use), several partitions (parallel writes), and one invalid record (the quarantine object and
 * the quarantine notice). Used only to prime the handler; it never reaches AWS.
 */
final class PrimingBatch {
    static final String STREAM_ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/tributary-priming";
    static final String SHARD_ID = "shardId-000000000000";
    private static final int RECORDS_PER_TYPE = 20;

    private PrimingBatch() {}

    static KinesisEvent event() {
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

        List<KinesisEvent.KinesisEventRecord> records = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            String sequence = String.format("4959%052d", i);
            KinesisEvent.Record kinesis = new KinesisEvent.Record();
            kinesis.setSequenceNumber(sequence);
            kinesis.setPartitionKey("priming-" + i);
            kinesis.setApproximateArrivalTimestamp(Date.from(arrival));
            kinesis.setData(ByteBuffer.wrap(events.get(i).getBytes(StandardCharsets.UTF_8)));
            KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
            record.setEventID(SHARD_ID + ":" + sequence);
            record.setEventSourceARN(STREAM_ARN);
            record.setKinesis(kinesis);
            records.add(record);
        }
        KinesisEvent event = new KinesisEvent();
        event.setRecords(records);
        return event;
    }
}
