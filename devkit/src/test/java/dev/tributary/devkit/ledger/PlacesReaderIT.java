package dev.tributary.devkit.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.tributary.common.json.Json;
import dev.tributary.devkit.AsyncInvocationSimulator;
import dev.tributary.devkit.AwsEmulator;
import dev.tributary.devkit.KinesisEventSourceSimulator;
import dev.tributary.devkit.LocalDeployment;
import dev.tributary.toolkit.KplAggregator;
import dev.tributary.toolkit.SamTemplate;
import dev.tributary.toolkit.StreamProducer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The ledger's places read back from a deployment: {@code failed/} and {@code processed/} lines from its buckets, and
 * what the event source mapping and the asynchronous invocation simulators put on its dead-letter queues, peeked so a
 * redrive still finds them.
 */
class PlacesReaderIT {
    private static final String PROCESSOR = "KinesisProcessorFunction";

    @Test
    void read_whenRecordsInEveryPlace_followsEachToOnePlaceAndLeavesQueuesAsTheyWere() throws IOException {
        AwsEmulator emulator = AwsEmulator.get();
        LocalDeployment deployment = LocalDeployment.deploy(
                SamTemplate.load(SamTemplate.locate()),
                emulator,
                "places-" + UUID.randomUUID().toString().substring(0, 6),
                Map.of("ShardCount", "1"));
        String rawBucket = deployment.physicalId("RawBucket");
        String processorDlq = deployment.physicalId("ProcessorDeadLetterQueue");
        String transformerDlq = deployment.physicalId("TransformerDeadLetterQueue");
        PlacesReader reader = new PlacesReader(true);
        RecordLedger ledger = RecordLedger.preallocated(4);
        String quarantined = "{\"event_id\":\"q-1\",\"truncated";
        String curated = event("c-1");
        String rawDead = event("r-1");
        String batchDead = event("b-1");

        try (KinesisClient kinesis =
                        emulator.clients().configure(KinesisClient.builder()).build();
                S3Client s3 = emulator.clients().s3();
                SqsClient sqs =
                        emulator.clients().configure(SqsClient.builder()).build()) {
            LocalDeployment.StreamInstance stream = deployment.deployStreamInstance("EventStream", "r1");
            List<StreamProducer.Accepted> accepted = new ArrayList<>();
            new StreamProducer(kinesis, stream.name(), StreamProducer.Settings.plain(3))
                    .send(List.of(user(quarantined), user(curated), user(rawDead), user(batchDead)), accepted::add);
            accepted.forEach(a -> ledger.accepted(
                    new RecordLedger.Position(
                            reader.shard(stream.name(), a.shardId()), a.sequenceNumber(), a.subSequenceNumber()),
                    a.data()));

            // The quarantine line and the processed line, in the processor's and the transformer's line formats.
            StreamProducer.Accepted first = accepted.getFirst();
            put(
                    s3,
                    rawBucket,
                    "failed/dt=2026-11-22/hr=10/" + stream.name() + ".q.jsonl",
                    Json.mapper()
                            .createObjectNode()
                            .put("reason", "invalid_json")
                            .put("detail", "truncated")
                            .put("stream", stream.name())
                            .put("shard_id", first.shardId())
                            .put("sequence_number", first.sequenceNumber())
                            .put("data_base64", Base64.getEncoder().encodeToString(first.data()))
                            .toString(),
                    false);
            put(
                    s3,
                    deployment.physicalId("ProcessedBucket"),
                    "processed/event_type=sensor_reading/c.jsonl.gz",
                    event("c-1")
                            .replace(
                                    "\"event_time\":\"2026-11-22T10:15:32Z\"",
                                    "\"event_time_ms\":"
                                            + java.time.Instant.parse("2026-11-22T10:15:32Z")
                                                    .toEpochMilli()),
                    true);
            // A raw object whose notification the transformer gives up on.
            put(s3, rawBucket, "raw/dt=2026-11-22/hr=10/" + stream.name() + ".r.jsonl.gz", rawDead, true);
            new AsyncInvocationSimulator(sqs, emulator.region().id())
                    .deliver(
                            deployment.notificationQueueUrl("RawBucket").orElseThrow(),
                            json -> {
                                throw new IllegalStateException("the transformer fails");
                            },
                            0,
                            transformerDlq,
                            "s3-transformer",
                            true,
                            n -> {});
            // The last record's batch, which the processor fails until Lambda gives up on it.
            new KinesisEventSourceSimulator(
                            kinesis, Optional.of(sqs), emulator.region(), deployment.kinesisSettings(PROCESSOR))
                    .drain(
                            stream.name(),
                            stream.arn(),
                            event -> {
                                if (event.getRecords().stream()
                                        .anyMatch(r -> r.getKinesis()
                                                .getSequenceNumber()
                                                .equals(accepted.getLast().sequenceNumber()))) {
                                    throw new IllegalStateException("the processor fails on b-1");
                                }
                                return new StreamsEventResponse(new ArrayList<>());
                            },
                            processorDlq);

            RecordLedger.Places places = new RecordLedger.Places();
            PlacesReader.BucketLines raw = reader.readBucket(s3, rawBucket, places, false);
            PlacesReader.BucketLines processed =
                    reader.readBucket(s3, deployment.physicalId("ProcessedBucket"), places, true);
            reader.readDeadLetters(sqs, s3, processorDlq, transformerDlq, places);
            RecordLedger.Counts counts = ledger.reconcile(places);

            assertThat(counts)
                    .extracting(
                            RecordLedger.Counts::in,
                            RecordLedger.Counts::output,
                            RecordLedger.Counts::failed,
                            RecordLedger.Counts::deadLettered,
                            RecordLedger.Counts::lost,
                            RecordLedger.Counts::duplicated,
                            RecordLedger.Counts::unknown)
                    .containsExactly(4L, 1L, 1L, 2L, 0L, 0L, 0L);
            assertThat(raw)
                    .extracting(PlacesReader.BucketLines::rawLines, PlacesReader.BucketLines::failedLines)
                    .containsExactly(1L, 1L);
            assertThat(processed.processedLines()).isEqualTo(1);
            // Peeked, not consumed: both messages are still there for `tributary redrive`.
            RecordLedger.Places again = new RecordLedger.Places();
            reader.readDeadLetters(sqs, s3, processorDlq, transformerDlq, again);
            assertThat(ledger.reconcile(again).deadLettered()).isEqualTo(2);
        }
    }

    private static String event(String id) {
        return "{\"event_id\":\"" + id + "\",\"event_type\":\"sensor_reading\",\"event_time\":\"2026-11-22T10:15:32Z\","
                + "\"source\":\"plant\",\"schema_version\":1,\"payload\":{\"device_id\":\"d-1\",\"value\":21.5}}";
    }

    private static KplAggregator.UserRecord user(String json) {
        return new KplAggregator.UserRecord("k-" + json.hashCode(), json.getBytes(StandardCharsets.UTF_8));
    }

    private static void put(S3Client s3, String bucket, String key, String line, boolean gzip) throws IOException {
        byte[] text = (line + "\n").getBytes(StandardCharsets.UTF_8);
        if (gzip) {
            ByteArrayOutputStream zipped = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(zipped)) {
                out.write(text);
            }
            text = zipped.toByteArray();
        }
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(text));
    }
}
