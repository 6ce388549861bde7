package dev.tributary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.common.aws.AwsClientFactory;
import dev.tributary.devkit.AwsEmulator;
import dev.tributary.devkit.ConsoleCapture;
import dev.tributary.devkit.KinesisEventSourceSimulator;
import dev.tributary.devkit.LocalDeployment;
import dev.tributary.devkit.LocalPipeline;
import dev.tributary.devkit.PipelineResources;
import dev.tributary.toolkit.KplAggregator;
import dev.tributary.toolkit.LambdaEvents;
import dev.tributary.toolkit.SampleEvents;
import dev.tributary.toolkit.StreamProducer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The CLI's commands against the emulator, asserting on what landed. */
class CliIT {
    private final AwsEmulator emulator = AwsEmulator.get();
    private final AwsClientFactory clients = emulator.clients();

    /** Runs a command, capturing standard output; returns the exit code and the text. */
    private static Run run(String... args) {
        ConsoleCapture.Result r = ConsoleCapture.run(() -> new CommandLine(new TributaryCli()).execute(args));
        return new Run(r.code(), r.out());
    }

    record Run(int code, String output) {}

    private String[] endpoint() {
        return new String[] {
            "--endpoint-url",
            emulator.endpoint().toString(),
            "--region",
            emulator.region().id()
        };
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void produce_whenCountGiven_putsExactlyThatManyRecordsOnTheStream() {
        try (LocalPipeline pipeline = LocalPipeline.deploy(emulator, "cli-produce", Map.of("ShardCount", "2"));
                KinesisClient kinesis =
                        clients.configure(KinesisClient.builder()).build()) {
            PipelineResources resources = PipelineResources.of(pipeline.deployment());

            Run run = run(concat(
                    new String[] {"produce", "--stream", resources.streamName(), "--count", "1234", "--rate", "100000"},
                    endpoint()));

            assertThat(run.code()).isZero();
            assertThat(run.output()).contains("1,234 sent, 0 retried, 0 failed");
            int total = 0;
            for (var shard : kinesis.listShards(b -> b.streamName(resources.streamName()))
                    .shards()) {
                total += readAll(kinesis, resources.streamName(), shard.shardId())
                        .size();
            }
            assertThat(total).isEqualTo(1234);
        }
    }

    @Test
    void produce_whenKplAggregate_packsEventsIntoAggregatesThatTheProcessorSplitsBackIntoEveryEvent() {
        try (LocalPipeline pipeline = LocalPipeline.deploy(emulator, "cli-kpl", Map.of("ShardCount", "1"));
                KinesisClient kinesis =
                        clients.configure(KinesisClient.builder()).build();
                S3Client s3 = clients.s3()) {
            PipelineResources resources = PipelineResources.of(pipeline.deployment());

            Run run = run(concat(
                    new String[] {
                        "produce",
                        "--stream",
                        resources.streamName(),
                        "--count",
                        "1234",
                        "--rate",
                        "100000",
                        "--kpl-aggregate"
                    },
                    endpoint()));

            assertThat(run.code()).as(run.output()).isZero();
            assertThat(run.output())
                    .contains("1,234 sent, 0 retried, 0 failed", "KPL aggregates holding 1,234 user records");
            String shard = kinesis.listShards(b -> b.streamName(resources.streamName()))
                    .shards()
                    .getFirst()
                    .shardId();
            List<Record> records = readAll(kinesis, resources.streamName(), shard);
            assertThat(records).hasSizeLessThan(1234 / 50).allSatisfy(record -> {
                byte[] data = record.data().asByteArray();
                assertThat(data.length).isLessThanOrEqualTo(51_200);
                assertThat(java.util.Arrays.copyOf(data, 4)).containsExactly(0xF3, 0x89, 0x9A, 0xC2);
            });
            var processor = new dev.tributary.processor.KinesisProcessorHandler(
                    new dev.tributary.common.config.Env(resources.processorEnvironment()));
            // Lambda reads the stream with the processor's role (LocalPipeline.process).
            pipeline.process(
                    new KinesisEventSourceSimulator.Settings(100, 2, false),
                    e -> LambdaEvents.invoke(processor, e, null));

            assertThat(countLines(s3, resources.rawBucket())).isEqualTo(1234);
        }
    }

    @Test
    void redrive_whenLambdaGaveUpOnABatch_dryRunChangesNothingAndExecuteLandsEveryRecord() {
        List<SampleEvents.Sample> samples = new SampleEvents(5, 0, SampleEvents.FIXED_BASE).next(120);
        try (LocalPipeline pipeline = LocalPipeline.deploy(emulator, "cli-redrive", Map.of("ShardCount", "1"));
                S3Client s3 = clients.s3()) {
            PipelineResources resources = PipelineResources.of(pipeline.deployment());
            pipeline.produce(oneKey(samples), StreamProducer.Settings.plain(1), n -> {});
            // An outage: every invocation fails until Lambda gives up and sends the ranges to the on-failure queue.
            var report = pipeline.process(new KinesisEventSourceSimulator.Settings(50, 1, false), event -> {
                throw new IllegalStateException("S3 is down");
            });
            assertThat(report.sentToOnFailure()).hasSize(3);

            String[] redrive = concat(
                    new String[] {
                        "redrive",
                        "kinesis",
                        "--queue",
                        resources.deadLetterQueueUrl(),
                        "--raw-bucket",
                        resources.rawBucket(),
                        "--metadata-table",
                        resources.metadataTable(),
                        "--quarantine-queue",
                        resources.quarantineQueueUrl()
                    },
                    endpoint());
            Run dryRun = run(redrive);

            assertThat(dryRun.code()).isZero();
            assertThat(dryRun.output()).contains("3 Lambda failure records (120 stream records)", "dry run");
            assertThat(keys(s3, resources.rawBucket())).isEmpty();

            Run executed = run(concat(redrive, "--execute"));

            assertThat(executed.code()).isZero();
            assertThat(executed.output()).contains("3 redriven, 0 failed");
            assertThat(countLines(s3, resources.rawBucket())).isEqualTo(120);
            assertThat(run(redrive).output()).contains("0 Lambda failure records");

            String key = keys(s3, resources.rawBucket()).getFirst();
            Run object = run(concat(
                    new String[] {"inspect", "object", "--metadata-table", resources.metadataTable(), key},
                    endpoint()));
            assertThat(object.code()).isZero();
            assertThat(object.output()).contains("status", "WRITTEN", "record_count");
            Run byProcessedKey = run(concat(
                    new String[] {
                        "inspect",
                        "object",
                        "--metadata-table",
                        resources.metadataTable(),
                        key.replaceFirst("^raw/", "processed/")
                    },
                    endpoint()));
            assertThat(byProcessedKey.output()).isEqualTo(object.output());

            Run health = run(concat(
                    new String[] {
                        "inspect",
                        "health",
                        "--metadata-table",
                        resources.metadataTable(),
                        "--queue",
                        resources.deadLetterQueueUrl(),
                        "--quarantine-queue",
                        resources.quarantineQueueUrl()
                    },
                    endpoint()));
            assertThat(health.code()).isZero();
            assertThat(health.output())
                    .containsPattern(
                            "WRITTEN\\s+" + keys(s3, resources.rawBucket()).size())
                    .contains("0 waiting", "quarantine notices");
        }
    }

    @Test
    void redrive_whenTransformerAndGlueDeadLettersWait_rerunsThem() throws Exception {
        List<SampleEvents.Sample> samples = new SampleEvents(9, 0, SampleEvents.FIXED_BASE).next(60);
        try (LocalPipeline pipeline = LocalPipeline.deploy(emulator, "cli-rd", Map.of("ShardCount", "1"));
                SqsClient sqs = clients.configure(SqsClient.builder()).build();
                S3Client s3 = clients.s3();
                var glue = clients.configure(software.amazon.awssdk.services.glue.GlueClient.builder())
                        .build();
                var ssm = clients.configure(software.amazon.awssdk.services.ssm.SsmClient.builder())
                        .build()) {
            LocalDeployment deployment = pipeline.deployment();
            String transformerDlq = deployment.physicalId("TransformerDeadLetterQueue");
            pipeline.produce(oneKey(samples), StreamProducer.Settings.plain(1), n -> {});
            var processor = new dev.tributary.processor.KinesisProcessorHandler(
                    new dev.tributary.common.config.Env(deployment.functionEnvironment("KinesisProcessorFunction")));
            pipeline.process(pipeline.processorSettings(), event -> LambdaEvents.invoke(processor, event, null));
            // The transformer failed every notification: Lambda retried, then put its on-failure records (with the
            // function's error) on the dead-letter queue.
            int deadLettered = pipeline.transform(
                            event -> {
                                throw new IllegalStateException("S3 timed out");
                            },
                            true,
                            n -> {})
                    .deadLettered();
            assertThat(deadLettered).isPositive();
            String keyParameter =
                    deployment.functionEnvironment("S3TransformerFunction").get("PII_HMAC_KEY_PARAMETER");
            ssm.putParameter(b -> b.name(keyParameter)
                    .type("SecureString")
                    .overwrite(true)
                    .value("a-test-key-of-at-least-thirty-two-bytes!"));
            List<String> redrive = new ArrayList<>(List.of("redrive", "transformer", "--queue", transformerDlq));
            deployment.functionEnvironment("S3TransformerFunction").forEach((k, v) -> {
                redrive.add("--function-env");
                redrive.add(k + "=" + v);
            });
            String[] base = concat(redrive.toArray(String[]::new), endpoint());

            Run dryRun = run(base);
            assertThat(dryRun.output()).contains(deadLettered + " messages", "dry run", "S3 timed out");
            assertThat(s3.listObjectsV2(b -> b.bucket(deployment.physicalId("ProcessedBucket")))
                            .keyCount())
                    .isZero();

            Run executed = run(concat(base, "--execute"));

            assertThat(executed.code()).as(executed.output()).isZero();
            assertThat(executed.output()).contains(deadLettered + " redriven, 0 failed");
            assertThat(s3.listObjectsV2(b -> b.bucket(deployment.physicalId("ProcessedBucket")))
                            .keyCount())
                    .isEqualTo(deadLettered);

            // A Glue window that failed MAX_RUN_ATTEMPTS times is rerun with its exact arguments; a message someone
            // else put on the queue (another input bucket, an extra code location) is refused, not run.
            String job = deployment.physicalId("CurationJob");
            String curated = "s3://" + deployment.physicalId("CuratedBucket") + "/";
            String windowId = "20261122T100000.000000Z_20261122T110000.000000Z";
            String input = "s3://" + deployment.physicalId("ProcessedBucket")
                    + "/processed/event_type=page_view/dt=2026-11-22/hr=10/";
            String arguments = "{\"--window_id\":\"" + windowId + "\",\"--input_paths\":\"" + input + "\","
                    + "\"--curated_path\":\"" + curated + "curated/\",\"--aggregates_path\":\"" + curated
                    + "aggregates/\","
                    + "\"--summary_uri\":\"" + curated + "glue/runs/" + job + "/" + windowId + "/summary.json\"";
            String window = "{\"kind\":\"glue_window\",\"job_name\":\"" + job + "\",\"window_id\":\"" + windowId
                    + "\",\"attempts\":3,\"last_run_state\":\"FAILED\",\"last_run_message\":\"OOM\","
                    + "\"glue_arguments\":" + arguments + "}}";
            String forged = window.replace(input, "s3://someone-elses-bucket/secrets/")
                    .replace("}}", ",\"--extra-py-files\":\"s3://someone-elses-bucket/code.zip\"}}");
            String orchestratorDlq = deployment.physicalId("OrchestratorDeadLetterQueue");
            sqs.sendMessage(b -> b.queueUrl(orchestratorDlq).messageBody(window));
            sqs.sendMessage(b -> b.queueUrl(orchestratorDlq).messageBody(forged));
            // The same window twice, as when a tick and the run's state event both dead-letter it: rerun once.
            sqs.sendMessage(b -> b.queueUrl(orchestratorDlq).messageBody(window));
            String[] glueRedrive = concat(
                    new String[] {
                        "redrive",
                        "glue",
                        "--queue",
                        orchestratorDlq,
                        "--job",
                        job,
                        "--processed-bucket",
                        deployment.physicalId("ProcessedBucket")
                    },
                    endpoint());

            Run glueDryRun = run(glueRedrive);
            Run rerun = run(concat(glueRedrive, "--execute"));

            assertThat(glueDryRun.output())
                    .contains(
                            "would  rerun window " + windowId,
                            "--input_paths",
                            input,
                            "--summary_uri",
                            "0 runs started, 1 refused");
            assertThat(rerun.output())
                    .contains(
                            "window " + windowId + ": run",
                            "1 runs started, 1 refused, 1 duplicate",
                            "argument --extra-py-files is not one the orchestrator passes",
                            "s3://someone-elses-bucket/secrets/' is not a partition of");
            assertThat(rerun.code()).as("a refused message is an error").isEqualTo(1);
            assertThat(glue.getJobRuns(b -> b.jobName(job)).jobRuns())
                    .singleElement()
                    .satisfies(r -> assertThat(r.arguments())
                            .containsEntry("--window_id", windowId)
                            .containsEntry("--input_paths", input)
                            // moto shows the job's default arguments in the run; the forged code location is absent
                            .doesNotContainValue("s3://someone-elses-bucket/code.zip"));
        }
    }

    @Test
    void inspect_whenObjectUnknown_exitsNonZeroAndSaysSo() {
        PipelineResources resources = PipelineResources.deploy(emulator, "cli-inspect", 1);

        Run run = run(concat(
                new String[] {
                    "inspect",
                    "object",
                    "--metadata-table",
                    resources.metadataTable(),
                    "raw/event_type=x/dt=2026-01-01/hr=00/nothing.jsonl.gz"
                },
                endpoint()));

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.output()).contains("no metadata for raw/event_type=x/");
    }

    private static List<Record> readAll(KinesisClient kinesis, String stream, String shard) {
        String iterator = kinesis.getShardIterator(
                        b -> b.streamName(stream).shardId(shard).shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                .shardIterator();
        List<Record> records = new ArrayList<>();
        while (true) {
            String current = iterator;
            var response = kinesis.getRecords(b -> b.shardIterator(current).limit(10_000));
            if (response.records().isEmpty()) {
                return records;
            }
            records.addAll(response.records());
            iterator = response.nextShardIterator();
        }
    }

    private static List<String> keys(S3Client s3, String bucket) {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix("raw/")).contents().stream()
                .map(S3Object::key)
                .toList();
    }

    private static long countLines(S3Client s3, String bucket) {
        long lines = 0;
        for (String key : keys(s3, bucket)) {
            byte[] gz = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
            try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
                for (byte b : in.readAllBytes()) {
                    if (b == '\n') {
                        lines++;
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return lines;
    }

    /** The samples as user records under one partition key (one shard, in order), as the tests put them. */
    private static List<KplAggregator.UserRecord> oneKey(List<SampleEvents.Sample> samples) {
        return samples.stream()
                .map(sample -> new KplAggregator.UserRecord("k", sample.json().getBytes(StandardCharsets.UTF_8)))
                .toList();
    }
}
