package dev.tributary.devkit;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.common.json.Json;
import java.math.BigDecimal;
import java.util.Base64;
import java.util.List;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * Builds Lambda events the way Lambda does: the JSON it sends, deserialised with the serializer the Java runtime
 * uses ({@code aws-lambda-java-serialization}), so a handler sees exactly the objects it would see in AWS.
 */
public final class LambdaEvents {
    private static final PojoSerializer<KinesisEvent> KINESIS =
            LambdaEventSerializers.serializerFor(KinesisEvent.class, LambdaEvents.class.getClassLoader());

    private LambdaEvents() {}

    /** Parses Lambda event JSON into a {@link KinesisEvent}, as the Java runtime does. */
    public static KinesisEvent kinesisEvent(String json) {
        return KINESIS.fromJson(json);
    }

    /** The JSON Lambda's Kinesis event source mapping sends for {@code records} read from one shard. */
    public static String kinesisEventJson(String streamArn, String shardId, Region region, List<Record> records) {
        ObjectNode root = Json.mapper().createObjectNode();
        ArrayNode array = root.putArray("Records");
        for (Record record : records) {
            ObjectNode entry = array.addObject();
            ObjectNode kinesis = entry.putObject("kinesis");
            kinesis.put("kinesisSchemaVersion", "1.0");
            kinesis.put("partitionKey", record.partitionKey());
            kinesis.put("sequenceNumber", record.sequenceNumber());
            kinesis.put("data", Base64.getEncoder().encodeToString(record.data().asByteArrayUnsafe()));
            // Lambda sends epoch seconds with a fraction.
            kinesis.put("approximateArrivalTimestamp",
                    BigDecimal.valueOf(record.approximateArrivalTimestamp().toEpochMilli()).movePointLeft(3));
            entry.put("eventSource", "aws:kinesis");
            entry.put("eventVersion", "1.0");
            entry.put("eventID", shardId + ":" + record.sequenceNumber());
            entry.put("eventName", "aws:kinesis:record");
            entry.put("invokeIdentityArn", "arn:aws:iam::123456789012:role/tributary-kinesis-processor");
            entry.put("awsRegion", region.id());
            entry.put("eventSourceARN", streamArn);
        }
        return root.toString();
    }

    /** {@link #kinesisEventJson}, deserialised. */
    public static KinesisEvent kinesisEvent(String streamArn, String shardId, Region region, List<Record> records) {
        return kinesisEvent(kinesisEventJson(streamArn, shardId, region, records));
    }
}
