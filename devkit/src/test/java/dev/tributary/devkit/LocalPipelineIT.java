package dev.tributary.devkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.tributary.devkit.ledger.PlacesReader;
import dev.tributary.devkit.ledger.RecordLedger;
import dev.tributary.toolkit.KplAggregator;
import dev.tributary.toolkit.SampleEvents;
import dev.tributary.toolkit.StreamProducer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The local pipeline facade against the emulator: each stage on the template's resources, records followed by the
 * ledger. The functions here are recorders (devkit cannot depend on the real ones); the demo and the test beds run
 * the real functions through the same stages.
 */
class LocalPipelineIT {
    private final AwsEmulator emulator = AwsEmulator.get();
    private final LocalPipeline pipeline = LocalPipeline.deploy(emulator, "lp-it", Map.of("ShardCount", "1"));

    @AfterEach
    void close() {
        pipeline.close();
    }

    private List<KplAggregator.UserRecord> samples(int count) {
        List<KplAggregator.UserRecord> records = new ArrayList<>();
        for (SampleEvents.Sample sample : new SampleEvents(3, 0, SampleEvents.FIXED_BASE).next(count)) {
            records.add(new KplAggregator.UserRecord(
                    Integer.toString(records.size()), sample.json().getBytes(StandardCharsets.UTF_8)));
        }
        return records;
    }

    /** Puts an object into the raw bucket, gzipped when the key says so (as the processor writes raw/). */
    private void putRawObject(String key, String lines) {
        byte[] bytes = lines.getBytes(StandardCharsets.UTF_8);
        if (key.endsWith(".gz")) {
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
                out.write(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            bytes = gz.toByteArray();
        }
        byte[] body = bytes;
        try (S3Client s3 = emulator.clients().s3()) {
            s3.putObject(
                    b -> b.bucket(pipeline.deployment().physicalId("RawBucket")).key(key), RequestBody.fromBytes(body));
        }
    }

    @Nested
    class ProduceAndProcess {
        @Test
        void process_whenProduced_deliversEveryAcceptedRecordOnceAndTheLedgerHasEach() {
            List<Long> progress = new ArrayList<>();
            StreamProducer.Tally tally =
                    pipeline.produce(samples(600), StreamProducer.Settings.plain(3), progress::add);
            List<String> delivered = new ArrayList<>();

            KinesisEventSourceSimulator.Report report = pipeline.process(pipeline.processorSettings(), event -> {
                event.getRecords().forEach(r -> delivered.add(r.getKinesis().getPartitionKey()));
                return new StreamsEventResponse();
            });

            assertThat(tally.kinesisRecords).isEqualTo(600);
            assertThat(progress).containsExactly(500L, 600L);
            assertThat(pipeline.ledger().size()).isEqualTo(600);
            assertThat(report.records()).isEqualTo(600);
            assertThat(delivered).hasSize(600).doesNotHaveDuplicates();
            assertThat(pipeline.deployment().denials()).isEmpty(); // read as the processor's role, and allowed
        }

        @Test
        void process_whenTheFunctionAlwaysFails_theLedgerFindsEveryRecordOnTheDeadLetterQueue() {
            pipeline.produce(samples(5), StreamProducer.Settings.plain(3), n -> {});

            KinesisEventSourceSimulator.Report report = pipeline.process(pipeline.processorSettings(), event -> {
                throw new IllegalStateException("storage down");
            });
            RecordLedger.Places places = new RecordLedger.Places();
            pipeline.readDeadLetters(places);
            RecordLedger.Counts counts = pipeline.ledger().reconcile(places);

            assertThat(report.sentToOnFailure()).isNotEmpty();
            assertThat(counts.deadLettered()).isEqualTo(5);
            assertThat(counts.lost()).isZero();
            assertThat(pipeline.messages("ProcessorDeadLetterQueue"))
                    .isEqualTo(report.sentToOnFailure().size());
        }
    }

    @Nested
    class Transform {
        @Test
        void transform_whenRawObjectsLand_invokesTheFunctionOncePerNotification() {
            putRawObject("raw/event_type=a/dt=2026-11-22/hr=04/one.jsonl.gz", "{\"n\":1}\n");
            putRawObject("raw/event_type=a/dt=2026-11-22/hr=04/two.jsonl.gz", "{\"n\":2}\n");
            List<String> events = new ArrayList<>();

            AsyncInvocationSimulator.Report report = pipeline.transform(events::add, true, n -> {});

            assertThat(report.invocations()).isEqualTo(2);
            assertThat(report.deadLettered()).isZero();
            assertThat(events).hasSize(2).allSatisfy(event -> assertThat(event).contains("ObjectCreated"));
        }

        @Test
        void transform_whenTheFunctionKeepsFailing_theObjectsLinesWaitOnTheTransformersDeadLetterQueue() {
            putRawObject("raw/event_type=a/dt=2026-11-22/hr=04/bad.jsonl.gz", "{\"n\":1}\n{\"n\":2}\n");
            int retries = Integer.parseInt(pipeline.deployment().parameter("AsyncMaxRetryAttempts"));

            AsyncInvocationSimulator.Report report = pipeline.transform(
                    event -> {
                        throw new IllegalStateException("cannot transform");
                    },
                    true,
                    n -> {});
            RecordLedger.Places places = new RecordLedger.Places();
            pipeline.readDeadLetters(places);

            assertThat(report.invocations()).isEqualTo(1 + retries);
            assertThat(report.deadLettered()).isEqualTo(1);
            assertThat(pipeline.messages("TransformerDeadLetterQueue")).isEqualTo(1); // peeked, still there
        }

        @Test
        void functionEnvironment_whenTransformer_storesItsPiiKeyWhereTheFunctionReadsIt() {
            Map<String, String> env = pipeline.functionEnvironment(LocalPipeline.TRANSFORMER);

            try (SsmClient ssm =
                    emulator.clients().configure(SsmClient.builder()).build()) {
                assertThat(ssm.getParameter(b -> b.name(env.get("PII_HMAC_KEY_PARAMETER"))
                                        .withDecryption(true))
                                .parameter()
                                .value())
                        .isNotBlank();
            }
        }
    }

    @Nested
    class InventoryAndOrchestrate {
        @Test
        void inventory_whenFailedAndRawObjects_countsLinesPerKindAndTellsEachObject() {
            putRawObject("raw/event_type=a/dt=2026-11-22/hr=04/x.jsonl.gz", "{\"n\":1}\n{\"n\":2}\n");
            putRawObject(
                    "failed/dt=2026-11-22/hr=04/f.jsonl",
                    "{\"shard_id\":\"shardId-000000000000\","
                            + "\"sequence_number\":\"1\",\"reason\":\"invalid_json\",\"data_base64\":\"e30=\"}\n");
            Map<String, Long> objects = new TreeMap<>();
            RecordLedger.Places places = new RecordLedger.Places();

            PlacesReader.BucketLines lines = pipeline.inventory("RawBucket", places, false, objects::put);

            assertThat(lines.rawObjects()).isEqualTo(1);
            assertThat(lines.rawLines()).isEqualTo(2);
            assertThat(lines.failedLines()).isEqualTo(1);
            assertThat(objects)
                    .containsOnlyKeys(
                            "failed/dt=2026-11-22/hr=04/f.jsonl", "raw/event_type=a/dt=2026-11-22/hr=04/x.jsonl.gz");
            // The ledger was given the failed/ line: a record it never accepted, so it is unknown, not lost.
            assertThat(pipeline.ledger().reconcile(places).unknown()).isEqualTo(1);
        }

        @Test
        void events_whenOrchestrating_nameTheScheduleAndTheCurationJobsRun() {
            Map<String, Object> tick = pipeline.scheduledEvent();
            Map<String, Object> change = pipeline.glueStateChange("jr_1", "FAILED");

            assertThat(tick)
                    .containsEntry("detail-type", "Scheduled Event")
                    .containsEntry("source", "aws.events")
                    .containsEntry("region", emulator.region().id());
            assertThat(change).containsEntry("detail-type", "Glue Job State Change");
            assertThat(change.get("detail"))
                    .isEqualTo(Map.of(
                            "jobName",
                            pipeline.curationJob(),
                            "severity",
                            "ERROR",
                            "state",
                            "FAILED",
                            "jobRunId",
                            "jr_1",
                            "message",
                            "local run failed"));
        }
    }
}
