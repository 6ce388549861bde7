package dev.tributary.processor;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import dev.tributary.common.layout.StreamPosition;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference {@link KinesisEventRecords} is held to: how the handler decoded its batch while it was a
 * {@code RequestHandler<KinesisEvent, ...>}, from the event the Java runtime's serializer had built. Kept verbatim
 * (the former {@code KinesisEventRecords.from}), only for the differential test.
 */
final class RuntimeEventRecords {
    private RuntimeEventRecords() {}

    static List<StreamRecord> from(KinesisEvent event) {
        if (event == null || event.getRecords() == null) {
            return List.of();
        }
        List<StreamRecord> records = new ArrayList<>(event.getRecords().size());
        for (KinesisEvent.KinesisEventRecord eventRecord : event.getRecords()) {
            KinesisEvent.Record kinesis = eventRecord.getKinesis();
            String eventId = eventRecord.getEventID();
            int colon = eventId == null ? -1 : eventId.indexOf(':');
            if (colon <= 0 || kinesis == null) {
                throw new IllegalArgumentException("not a Kinesis event source record: eventID=" + eventId);
            }
            String stream = KinesisEventRecords.streamName(eventRecord.getEventSourceARN());
            StreamPosition position =
                    new StreamPosition(stream, eventId.substring(0, colon), kinesis.getSequenceNumber());
            Instant arrival = kinesis.getApproximateArrivalTimestamp() == null
                    ? Instant.now()
                    : kinesis.getApproximateArrivalTimestamp().toInstant();
            records.add(new StreamRecord(position, arrival, bytes(kinesis.getData())));
        }
        return records;
    }

    private static byte[] bytes(ByteBuffer data) {
        if (data == null) {
            return new byte[0];
        }
        ByteBuffer view = data.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }
}
