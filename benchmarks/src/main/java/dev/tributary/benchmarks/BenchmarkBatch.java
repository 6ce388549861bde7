package dev.tributary.benchmarks;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.tributary.toolkit.LambdaEvents;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * A realistic full batch: {@code records} events of the three shipped types over three event-time hours (so nine
 * raw objects), 1% of them invalid (missing {@code source}: one quarantine object and one dead-letter notice), with
 * free-text fields drawn from a seeded vocabulary so gzip sees text that compresses like real events (about 4:1),
 * not a run of one letter. 3,000 records make an event of about 6 MB, Lambda's invoke payload limit.
 */
public final class BenchmarkBatch {
    public static final int FULL_BATCH_RECORDS = 3000;
    public static final int INVALID_EVERY = 100;
    public static final String STREAM_ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/tributary-events";

    private static final PojoSerializer<KinesisEvent> RUNTIME_SERIALIZER =
            LambdaEventSerializers.serializerFor(KinesisEvent.class, BenchmarkBatch.class.getClassLoader());
    /** Real user agents are about 120 characters; the transformer classifies each. */
    private static final String[] USER_AGENTS = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
    };

    private static final String[] WORDS = {
        "Mozilla/5.0",
        "(X11;",
        "Linux",
        "x86_64)",
        "AppleWebKit/537.36",
        "(KHTML,",
        "like",
        "Gecko)",
        "Chrome/131.0.0.0",
        "Safari/537.36",
        "Edg/131.0",
        "Mobile",
        "iPhone;",
        "CPU",
        "OS",
        "18_1",
        "Version/18.1",
        "warehouse",
        "north",
        "south",
        "rack",
        "aisle",
        "checkout",
        "basket",
        "promo",
        "campaign=winter",
        "utm_source=newsletter",
        "ref",
        "session",
        "retry",
        "primary",
        "secondary"
    };

    private final List<byte[]> recordData;
    private final byte[] eventJson;

    /** A batch of {@code records} events from shard {@code shardId}; the same seed gives the same bytes. */
    public BenchmarkBatch(int records, String shardId, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Instant arrival = Instant.parse("2026-11-22T12:30:00Z");
        List<Record> kinesisRecords = new ArrayList<>(records);
        recordData = new ArrayList<>(records);
        for (int i = 0; i < records; i++) {
            byte[] data = event(i, random).getBytes(StandardCharsets.UTF_8);
            recordData.add(data);
            kinesisRecords.add(Record.builder()
                    .sequenceNumber(String.format("4959%052d", i))
                    .partitionKey("k" + i)
                    .approximateArrivalTimestamp(arrival.plusMillis(i))
                    .data(SdkBytes.fromByteArrayUnsafe(data))
                    .build());
        }
        eventJson = LambdaEvents.kinesisEventJson(STREAM_ARN, shardId, Region.US_EAST_1, kinesisRecords)
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The invoke payload, as the runtime receives it. */
    public byte[] eventJson() {
        return eventJson;
    }

    /** Each record's data, as the producer wrote it. */
    public List<byte[]> recordData() {
        return recordData;
    }

    public int records() {
        return recordData.size();
    }

    public long recordBytes() {
        return recordData.stream().mapToLong(data -> data.length).sum();
    }

    public int expectedInvalid() {
        return (records() + INVALID_EVERY - 1) / INVALID_EVERY;
    }

    /** Deserialises the payload with the serializer the Java runtime uses, as Lambda does for every invoke. */
    public KinesisEvent deserialise() {
        return RUNTIME_SERIALIZER.fromJson(new ByteArrayInputStream(eventJson));
    }

    private static String event(int i, SplittableRandom random) {
        String type = switch (i % 3) {
            case 0 -> "page_view";
            case 1 -> "sensor_reading";
            default -> "payment";
        };
        String text = words(random, (type.equals("page_view") ? 640 : 760) + random.nextInt(120));
        String payload = switch (type) {
            case "page_view" ->
                "{\"page_url\":\"https://shop.example.com/p/" + random.nextInt(100_000)
                        + "?q=" + Long.toHexString(random.nextLong()) + "\",\"tti_ms\":" + random.nextInt(5000)
                        + ",\"ttar_ms\":" + random.nextInt(900) + ",\"user_id\":\"u-" + random.nextInt(1_000_000)
                        + "\",\"user_agent\":\"" + USER_AGENTS[random.nextInt(USER_AGENTS.length)]
                        + "\",\"context\":\"" + text + "\"}";
            case "sensor_reading" ->
                "{\"device_id\":\"d-" + random.nextInt(400) + "\",\"metric\":\"temperature\","
                        + "\"value\":" + random.nextInt(500) / 10.0 + ",\"unit\":\"C\",\"firmware\":\"4.2."
                        + random.nextInt(9)
                        + "\",\"context\":\"" + text + "\"}";
            default ->
                "{\"transaction_id\":\"t-" + Long.toHexString(random.nextLong()) + "\",\"amount\":\""
                        + random.nextInt(900) + "." + random.nextInt(10) + random.nextInt(10)
                        + "\",\"currency\":\"EUR\",\"status\":\"captured\",\"customer_id\":\"c-"
                        + random.nextInt(90_000)
                        + "\",\"context\":\"" + text + "\"}";
        };
        String source = i % INVALID_EVERY == INVALID_EVERY - 1 ? "" : ",\"source\":\"web-frontend\"";
        return "{\"event_id\":\"" + new java.util.UUID(random.nextLong(), random.nextLong()) + "\",\"event_type\":\""
                + type + "\",\"event_time\":\"2026-11-22T1" + (i / 3 % 3) + ":" + (10 + random.nextInt(50)) + ":"
                + (10 + random.nextInt(50)) + "." + (100 + random.nextInt(900)) + "Z\"" + source
                + ",\"schema_version\":1,\"payload\":" + payload + "}";
    }

    private static String words(SplittableRandom random, int characters) {
        StringBuilder text = new StringBuilder(characters + 20);
        while (text.length() < characters) {
            text.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
            if (random.nextInt(4) == 0) {
                text.append(Integer.toHexString(random.nextInt())).append(' ');
            }
        }
        return text.toString().trim();
    }
}
