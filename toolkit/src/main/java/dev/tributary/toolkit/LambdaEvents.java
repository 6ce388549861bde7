package dev.tributary.toolkit;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.common.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Base64;
import java.util.List;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Builds Lambda events the way Lambda does: the JSON it sends, deserialised with the serializer the Java runtime
 * uses ({@code aws-lambda-java-serialization}), so a handler sees exactly the objects it would see in AWS.
 */
public final class LambdaEvents {
    private static final PojoSerializer<KinesisEvent> KINESIS =
            LambdaEventSerializers.serializerFor(KinesisEvent.class, LambdaEvents.class.getClassLoader());

    private static final PojoSerializer<StreamsEventResponse> STREAMS_RESPONSE =
            LambdaEventSerializers.serializerFor(StreamsEventResponse.class, LambdaEvents.class.getClassLoader());

    private static final PojoSerializer<SQSEvent> SQS =
            LambdaEventSerializers.serializerFor(SQSEvent.class, LambdaEvents.class.getClassLoader());

    private LambdaEvents() {}

    /** Parses Lambda event JSON into an {@link SQSEvent}, as the Java runtime does. */
    public static SQSEvent sqsEvent(String json) {
        return SQS.fromJson(json);
    }

    /**
     * The JSON Lambda's SQS event source mapping sends for {@code messages} received from one queue (receive them
     * with {@code messageSystemAttributeNames(All)} and {@code messageAttributeNames("All")} to carry everything).
     *
     * @param queueArn put into {@code eventSourceARN}, as Lambda does
     */
    public static String sqsEventJson(String queueArn, Region region, List<Message> messages) {
        ObjectNode root = Json.mapper().createObjectNode();
        ArrayNode array = root.putArray("Records");
        for (Message message : messages) {
            ObjectNode entry = array.addObject();
            entry.put("messageId", message.messageId());
            entry.put("receiptHandle", message.receiptHandle());
            entry.put("body", message.body());
            ObjectNode attributes = entry.putObject("attributes");
            message.attributes()
                    .forEach((MessageSystemAttributeName name, String value) -> attributes.put(name.toString(), value));
            ObjectNode messageAttributes = entry.putObject("messageAttributes");
            message.messageAttributes().forEach((name, value) -> {
                ObjectNode attribute = messageAttributes.putObject(name);
                attribute.put("stringValue", value.stringValue());
                attribute.putArray("stringListValues");
                attribute.putArray("binaryListValues");
                attribute.put("dataType", value.dataType());
            });
            entry.put("md5OfBody", message.md5OfBody());
            entry.put("eventSource", "aws:sqs");
            entry.put("eventSourceARN", queueArn);
            entry.put("awsRegion", region.id());
        }
        return root.toString();
    }

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
            kinesis.put(
                    "approximateArrivalTimestamp",
                    BigDecimal.valueOf(record.approximateArrivalTimestamp().toEpochMilli())
                            .movePointLeft(3));
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

    /** {@code event} as the JSON Lambda sends, written with the Java runtime's serializer. */
    public static byte[] kinesisEventJson(KinesisEvent event) {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        KINESIS.toJson(event, json);
        return json.toByteArray();
    }

    /**
     * Invokes a stream handler with a Kinesis event's JSON, as the Java runtime does, and parses its partial-batch
     * response: for callers (tests, local runners) that hold a {@link KinesisEvent} but must run exactly the path
     * that deploys, payload bytes in, response bytes out.
     */
    public static StreamsEventResponse invoke(RequestStreamHandler handler, KinesisEvent event, Context context) {
        return invoke(handler, kinesisEventJson(event), context);
    }

    /** As {@link #invoke(RequestStreamHandler, KinesisEvent, Context)}, for the payload as Lambda sends it. */
    public static StreamsEventResponse invoke(RequestStreamHandler handler, byte[] eventJson, Context context) {
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(eventJson), response, context);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return streamsEventResponse(response.toByteArray());
    }

    /** Parses a partial-batch response as Lambda reads it. */
    public static StreamsEventResponse streamsEventResponse(byte[] json) {
        return STREAMS_RESPONSE.fromJson(new ByteArrayInputStream(json));
    }
}
