package dev.tributary.transformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.event.EventSchemas;
import dev.tributary.common.io.ObjectBuffer;
import dev.tributary.common.layout.ObjectKeys;
import dev.tributary.common.layout.Partition;
import dev.tributary.common.metadata.DynamoDbMetadataStore;
import dev.tributary.common.metadata.RawObjectMetadata;
import dev.tributary.toolkit.LambdaEvents;
import dev.tributary.transformer.enrich.PiiHasher;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/** The transformer against real S3, DynamoDB and SQS APIs, starting from what the real processor wrote. */
class S3TransformerIT {
    static final String UA_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";
    private final TransformerTestBed bed = new TransformerTestBed();

    @AfterEach
    void close() {
        bed.close();
    }

    static String pageView(String id, String time, String userId) {
        return RawObjects.event(
                id,
                "page_view",
                time,
                "{\"page_url\":\"https://shop.example.com/cart?item=" + id
                        + "\",\"tti_ms\":1830,\"ttar_ms\":412,\"user_id\":\"" + userId + "\",\"user_agent\":\""
                        + UA_IPHONE
                        + "\"}");
    }

    static String reading(String id, String device) {
        return RawObjects.event(
                id,
                "sensor_reading",
                "2026-11-22T10:05:00+01:00",
                "{\"device_id\":\"" + device + "\",\"metric\":\"temperature\",\"value\":21.50}");
    }

    static String payment(String id) {
        return RawObjects.event(
                id,
                "payment",
                "2026-11-22T10:06:00Z",
                "{\"transaction_id\":\"t-" + id
                        + "\",\"amount\":\"12.50\",\"currency\":\"EUR\",\"status\":\"captured\",\"customer_id\":\"c-7\"}");
    }

    @Test
    void handleRequest_whenNotifiedThroughSqsAfterRealProcessorOutput_writesEnrichedObjectsAndMarksThemProcessed()
            throws Exception {
        bed.s3.putObject(
                b -> b.bucket(bed.resources.rawBucket()).key("reference/devices.csv"),
                RequestBody.fromString("device_id,site,model\nd-1,\"Berlin, DE\",T-100\n"));
        Map<String, String> env = Map.of("ENRICHMENT_CONFIG", """
                {"event_types": {
                   "page_view": {"url_fields": {"page_url": "page"}, "user_agent_field": "user_agent",
                                 "pii_fields": ["user_id"]},
                   "payment": {"pii_fields": ["customer_id"]},
                   "sensor_reading": {"lookups": [{"field": "device_id", "table": "devices", "as": "device"}]}},
                 "reference_data": {"devices": "s3://%s/reference/devices.csv"}}""".formatted(bed.resources.rawBucket()));
        bed.produce(List.of(
                pageView("pv-1", "2026-11-22T10:01:00Z", "u-1842"),
                reading("sr-1", "d-1"),
                pageView("pv-2", "2026-11-22T10:02:00.5Z", "u-1842"),
                pageView("pv-1", "2026-11-22T10:01:00Z", "u-1842"), // a producer retry: same event_id
                payment("pay-1"),
                reading("sr-2", "d-unknown")));
        List<Message> notifications = bed.receiveNotifications(3);
        String sqsEvent = bed.sqsEvent(notifications);
        assertThat(LambdaEvents.sqsEvent(sqsEvent).getRecords()).hasSize(notifications.size()); // valid SQSEvent JSON

        TransformerTestBed.invoke(bed.transformer(env, List.of(), new EventSchemas()), sqsEvent);

        List<String> rawKeys = bed.rawKeys();
        assertThat(rawKeys).hasSize(3);
        String pageViews = rawKeys.stream()
                .filter(k -> k.contains("page_view"))
                .findFirst()
                .orElseThrow();
        List<JsonNode> views = bed.processedRecords(pageViews);
        assertThat(views).extracting(r -> r.get("event_id").asText()).containsExactly("pv-1", "pv-2");
        JsonNode view = views.get(1);
        assertThat(view.get("event_time").asText()).isEqualTo("2026-11-22T10:02:00.500Z");
        assertThat(view.get("event_time_ms").asLong())
                .isEqualTo(Instant.parse("2026-11-22T10:02:00.500Z").toEpochMilli());
        Instant written = bed.s3
                .headObject(b -> b.bucket(bed.resources.rawBucket()).key(pageViews))
                .lastModified();
        assertThat(view.get("ingest_lag_ms").asLong())
                .isEqualTo(written.toEpochMilli() - view.get("event_time_ms").asLong());
        assertThat(view.at("/page/host").asText()).isEqualTo("shop.example.com");
        assertThat(view.at("/page/query_params/item").asText()).isEqualTo("pv-2");
        assertThat(view.at("/user_agent/device_class").asText()).isEqualTo("phone");
        assertThat(view.at("/payload/user_id").asText())
                .isEqualTo(new PiiHasher(TransformerTestBed.PII_KEY.getBytes(StandardCharsets.UTF_8)).hash("u-1842"));
        assertThat(view.at("/payload/tti_ms").asInt()).isEqualTo(1830);
        assertThat(bed.logText()).doesNotContain(TransformerTestBed.PII_KEY).doesNotContain("u-1842");

        String readings = rawKeys.stream()
                .filter(k -> k.contains("sensor_reading"))
                .findFirst()
                .orElseThrow();
        List<JsonNode> sensorRecords = bed.processedRecords(readings);
        assertThat(sensorRecords.getFirst().at("/device/site").asText()).isEqualTo("Berlin, DE");
        assertThat(RawObjects.gunzipLines(bed.processedBytes(readings)).getFirst())
                .contains("\"value\":21.50");
        assertThat(sensorRecords.getFirst().get("event_time").asText()).isEqualTo("2026-11-22T09:05:00.000Z");
        assertThat(sensorRecords.get(1).has("device")).isFalse();
        String payments =
                rawKeys.stream().filter(k -> k.contains("payment")).findFirst().orElseThrow();
        assertThat(bed.processedRecords(payments)
                        .getFirst()
                        .at("/payload/customer_id")
                        .asText())
                .hasSize(67)
                .startsWith("v1:"); // key version 1 (PII_HMAC_KEY_VERSION unset) + 64 hex digits
        assertThat(bed.processedRecords(payments)
                        .getFirst()
                        .at("/payload/amount")
                        .asText())
                .isEqualTo("12.50");

        Map<String, AttributeValue> item = bed.metadata(pageViews);
        assertThat(item.get("status").s()).isEqualTo("PROCESSED");
        assertThat(item.get("processed_key").s()).isEqualTo(ObjectKeys.processedFor(pageViews));
        assertThat(item.get("processed_bucket").s()).isEqualTo(bed.processedBucket);
        assertThat(item.get("records_in").n()).isEqualTo("3");
        assertThat(item.get("records_out").n()).isEqualTo("2");
        assertThat(item.get("duplicates_dropped").n()).isEqualTo("1");
        assertThat(item.get("record_count").n()).isEqualTo("3"); // the processor's attributes stay
        assertThat(item.get("processed_hour").s())
                .isEqualTo(item.get("processed_at").s().substring(0, 13));
        assertThat(item.get("processed_hour").s()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}");
        assertThat(item).doesNotContainKeys("lease_owner", "lease_expires_at", "failure_reason");
        assertThat(bed.processedHead(pageViews).orElseThrow().metadata())
                .containsEntry(
                        "source-checksum-sha256", item.get("checksum_sha256").s());
        assertThat(bed.logText()).contains("\"why\":\"s3:TestEvent\"").contains("\"processed\":3");
        // The invocation's embedded-metric-format line, which CloudWatch turns into Tributary/S3Transformer metrics.
        assertThat(bed.logText())
                .contains("\"Namespace\":\"Tributary/S3Transformer\"", "\"ObjectsProcessed\":3", "\"ObjectsFailed\":0");
    }

    @Test
    void handleRequest_whenS3DeliversDirectly_transformsTheSameWay() throws Exception {
        bed.produce(List.of(reading("sr-1", "d-1"), reading("sr-2", "d-2")));
        Message notification = bed.objectNotifications(1).getFirst();

        // The body of S3's message to SQS is the event S3 sends a function directly.
        TransformerTestBed.invoke(bed.transformer(), notification.body());

        String rawKey = TransformerTestBed.rawKey(notification);
        assertThat(bed.processedBytes(rawKey)).isEqualTo(bed.expectedProcessed(rawKey, Map.of()));
        assertThat(bed.metadata(rawKey).get("status").s()).isEqualTo("PROCESSED");
    }

    @Test
    void handleRequest_whenDeleteOtherBucketOrOtherPrefix_ignoresThemWithALogLine() throws Exception {
        // The fixtures' raw bucket is the deployed one's name.
        S3TransformerHandler handler = bed.transformer(
                Map.of("RAW_BUCKET", "tributary-raw-000000000000-us-east-1"), List.of(), new EventSchemas());
        for (String fixture : List.of(
                "s3-delete-raw.json",
                "s3-put-other-bucket.json",
                "s3-put-failed-prefix.json",
                "sqs-s3-test-event.json")) {
            assertThat(TransformerTestBed.invoke(handler, fixture(fixture))).isEqualTo("{}");
        }

        assertThat(bed.logText()
                        .lines()
                        .filter(l -> l.contains("notification ignored"))
                        .count())
                .isEqualTo(4);
        assertThat(bed.logText())
                .contains("ObjectRemoved:Delete")
                .contains("is not RAW_BUCKET")
                .contains("key is not under raw/")
                .contains("s3:TestEvent");
        assertThat(bed.s3.listObjectsV2(b -> b.bucket(bed.processedBucket)).contents())
                .isEmpty();
    }

    @Test
    void handleRequest_whenRawObjectIsTruncatedGzip_marksFailedWritesNothingAndFailsThenARedriveSucceeds()
            throws Exception {
        // What a broken writer could leave: the processor's key and metadata, the last bytes of the gzip missing.
        Partition partition = new Partition("sensor_reading", LocalDate.parse("2026-11-22"), 9);
        String rawKey = "raw/" + partition.path() + "/" + bed.resources.streamName() + ".shardId-000000000000."
                + String.format("4959%052d", 1) + ".jsonl.gz";
        byte[] good = RawObjects.lines(reading("a", "d-1"), reading("b", "d-1"));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 9);
        putRaw(rawKey, truncated, 2);
        S3TransformerHandler handler = bed.transformer();
        String event = bed.objectNotifications(1).getFirst().body();

        assertThatThrownBy(() -> TransformerTestBed.invoke(handler, event))
                .isInstanceOf(S3TransformerHandler.TransformInvocationException.class)
                .hasMessageContaining(rawKey)
                .hasMessageContaining("truncated_gzip");

        Map<String, AttributeValue> item = bed.metadata(rawKey);
        assertThat(item.get("status").s()).isEqualTo("FAILED");
        assertThat(item.get("failure_reason").s()).startsWith("truncated_gzip: ");
        assertThat(item).doesNotContainKeys("processed_key", "processed_hour", "lease_owner");
        assertThat(bed.processedHead(rawKey)).isEmpty();
        assertThat(bed.s3
                        .listMultipartUploads(b -> b.bucket(bed.processedBucket))
                        .uploads())
                .isEmpty();

        // Lambda retries the same event: the same verdict, still no output.
        assertThatThrownBy(() -> TransformerTestBed.invoke(handler, event)).hasMessageContaining("truncated_gzip");

        // The object is repaired (the processor rewrites it); redriving the dead-lettered event transforms it.
        putRaw(rawKey, good, 2);
        bed.receiveNotifications(1);
        TransformerTestBed.invoke(handler, event);

        assertThat(bed.metadata(rawKey).get("status").s()).isEqualTo("PROCESSED");
        assertThat(bed.metadata(rawKey)).doesNotContainKey("failure_reason");
        assertThat(bed.processedRecords(rawKey)).hasSize(2);
    }

    @Test
    void handleRequest_whenTypeHasNoSchemaAndNoDefault_marksFailedAndFails() throws Exception {
        bed.produce(List.of(RawObjects.event("x-1", "brand_new_type", "2026-11-22T10:00:00Z", "{\"a\":1}")));
        String event = bed.objectNotifications(1).getFirst().body();
        S3TransformerHandler handler = bed.transformer(Map.of(), List.of(), new EventSchemas(withoutDefaultSchema()));

        assertThatThrownBy(() -> TransformerTestBed.invoke(handler, event)).hasMessageContaining("unknown_event_type");

        String rawKey = bed.rawKeys().getFirst();
        assertThat(bed.metadata(rawKey).get("status").s()).isEqualTo("FAILED");
        assertThat(bed.metadata(rawKey).get("failure_reason").s()).contains("brand_new_type");
        assertThat(bed.processedHead(rawKey)).isEmpty();
    }

    @Test
    void handleRequest_whenKeyComesFromSsmSecureString_hashesWithItAndNeverLogsIt() throws Exception {
        String secret = "ssm-held-key-abcdefghijklmnopqrstuvwxyz-0123";
        String parameter = "/" + bed.resources.streamName() + "/pii-hmac-key";
        try (SsmClient ssm = bed.clients.configure(SsmClient.builder()).build()) {
            ssm.putParameter(b -> b.name(parameter).value(secret).type(ParameterType.SECURE_STRING));
        }
        bed.produce(List.of(payment("pay-1")));
        String event = bed.objectNotifications(1).getFirst().body();
        Map<String, String> env = new java.util.HashMap<>(bed.environment(Map.of()));
        env.remove("PII_HMAC_KEY");
        env.put("PII_HMAC_KEY_PARAMETER", parameter);
        env.put("AWS_ACCESS_KEY_ID", "test");
        env.put("AWS_SECRET_ACCESS_KEY", "test");
        java.io.ByteArrayOutputStream stdout = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.out;
        System.setOut(new java.io.PrintStream(stdout, true, StandardCharsets.UTF_8));
        try {
            // The runtime's constructor: real clients, the key read from SSM on first use.
            S3TransformerHandler handler = new S3TransformerHandler(new dev.tributary.common.config.Env(env));
            TransformerTestBed.invoke(handler, event);
        } finally {
            System.setOut(original);
        }

        String rawKey = bed.rawKeys().getFirst();
        assertThat(bed.processedRecords(rawKey)
                        .getFirst()
                        .at("/payload/customer_id")
                        .asText())
                .isEqualTo(new PiiHasher(secret.getBytes(StandardCharsets.UTF_8)).hash("c-7"));
        assertThat(stdout.toString(StandardCharsets.UTF_8))
                .contains("object transformed")
                .doesNotContain(secret);
    }

    private void putRaw(String rawKey, byte[] body, long records) {
        ObjectBuffer buffer = new ObjectBuffer(body.length);
        buffer.write(body, 0, body.length);
        bed.s3.putObject(
                b -> b.bucket(bed.resources.rawBucket())
                        .key(rawKey)
                        .checksumAlgorithm(ChecksumAlgorithm.SHA256)
                        .checksumSHA256(buffer.sha256Base64()),
                RequestBody.fromBytes(body));
        var parsed = ObjectKeys.parse(rawKey).orElseThrow();
        new DynamoDbMetadataStore(bed.dynamoDb, bed.resources.metadataTable())
                .recordRawObject(
                        new RawObjectMetadata(
                                rawKey,
                                bed.resources.rawBucket(),
                                bed.resources.streamName(),
                                "shardId-000000000000",
                                String.format("4959%052d", 1),
                                String.format("4959%052d", records),
                                parsed.partition(),
                                records,
                                body.length,
                                body.length * 4L,
                                buffer.sha256Base64()),
                        Instant.now(),
                        Instant.now().plus(Duration.ofDays(90)));
    }

    static String fixture(String name) throws Exception {
        try (InputStream in = S3TransformerIT.class.getResourceAsStream("/events/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The classpath minus {@code schemas/events/_default.schema.json}: unknown types become invalid. */
    static ClassLoader withoutDefaultSchema() {
        ClassLoader parent = S3TransformerIT.class.getClassLoader();
        return new URLClassLoader(new URL[0], parent) {
            @Override
            public URL getResource(String name) {
                return name.endsWith("/_default.schema.json") ? null : parent.getResource(name);
            }

            @Override
            public InputStream getResourceAsStream(String name) {
                return name.endsWith("/_default.schema.json") ? null : parent.getResourceAsStream(name);
            }

            @Override
            public Enumeration<URL> getResources(String name) throws java.io.IOException {
                return name.endsWith("/_default.schema.json")
                        ? java.util.Collections.emptyEnumeration()
                        : parent.getResources(name);
            }
        };
    }
}
