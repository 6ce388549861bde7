package dev.tributary.processor;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import dev.tributary.common.layout.StreamPosition;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Turns Lambda's {@link KinesisEvent} into the processor's own {@link StreamRecord}s, at the edge. */
final class KinesisEventRecords {
    static final String UNKNOWN_STREAM = "unknown-stream";

    private KinesisEventRecords() {}

    /**
     * The records of {@code event}, in delivery order.
     *
     * @throws IllegalArgumentException if a record lacks what every Kinesis event source record has: an
     *                                  {@code eventID} of the form {@code shardId:sequenceNumber}
     */
    static List<StreamRecord> from(KinesisEvent event) {
        if (event == null || event.getRecords() == null) {
            return List.of();
        }
        List<StreamRecord> records = new ArrayList<>(event.getRecords().size());
        // Every record of a batch comes from one stream: derive its name once, not 3,000 times (a regex each).
        String arn = null;
        String stream = null;
        String shardId = null; // one shard per batch too: one substring, not one per record
        for (KinesisEvent.KinesisEventRecord eventRecord : event.getRecords()) {
            KinesisEvent.Record kinesis = eventRecord.getKinesis();
            String eventId = eventRecord.getEventID();
            int colon = eventId == null ? -1 : eventId.indexOf(':');
            if (colon <= 0 || kinesis == null) {
                throw new IllegalArgumentException("not a Kinesis event source record: eventID=" + eventId);
            }
            if (stream == null || !java.util.Objects.equals(arn, eventRecord.getEventSourceARN())) {
                arn = eventRecord.getEventSourceARN();
                stream = streamName(arn);
            }
            if (shardId == null || colon != shardId.length() || !eventId.startsWith(shardId)) {
                shardId = eventId.substring(0, colon);
            }
            StreamPosition position = new StreamPosition(stream, shardId, kinesis.getSequenceNumber());
            Instant arrival = kinesis.getApproximateArrivalTimestamp() == null
                    ? Instant.now()
                    : kinesis.getApproximateArrivalTimestamp().toInstant();
            records.add(new StreamRecord(position, arrival, bytes(kinesis.getData())));
        }
        return records;
    }

    /**
     * {@code arn:aws:kinesis:<region>:<account>:stream/<name>} → {@code <name>}.
     *
     * <p>Lambda always sends a full stream ARN. Hand-written test events ({@code sam local generate-event} uses
     * {@code arn:aws:kinesis:EXAMPLE}) may not; their last segment, reduced to characters safe in a key, is used
     * instead, so a debugging session does not crash on the event's placeholder.
     */
    static String streamName(String arn) {
        if (arn == null || arn.isBlank()) {
            return UNKNOWN_STREAM;
        }
        int marker = arn.indexOf(":stream/");
        String name =
                marker >= 0 ? arn.substring(marker + ":stream/".length()) : arn.substring(arn.lastIndexOf(':') + 1);
        name = name.replaceAll("[^A-Za-z0-9_.-]", "_");
        return name.isEmpty() ? UNKNOWN_STREAM : name.substring(0, Math.min(128, name.length()));
    }

    private static byte[] bytes(ByteBuffer data) {
        if (data == null) {
            return new byte[0];
        }
        // The runtime base64-decodes each record into its own array and wraps it: take that array instead of
        // copying a full batch (4.5 MB) a second time. Nothing writes to it.
        if (data.hasArray()
                && data.arrayOffset() == 0
                && data.position() == 0
                && data.remaining() == data.array().length) {
            return data.array();
        }
        ByteBuffer view = data.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }
}
