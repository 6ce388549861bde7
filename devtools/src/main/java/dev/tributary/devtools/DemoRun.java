package dev.tributary.devtools;

import dev.tributary.cli.ProgressBar;
import dev.tributary.common.config.Env;
import dev.tributary.common.json.Json;
import dev.tributary.devkit.AwsEmulator;
import dev.tributary.devkit.KinesisEventSourceSimulator;
import dev.tributary.devkit.LocalDeployment;
import dev.tributary.devkit.LocalPipeline;
import dev.tributary.devkit.ledger.RecordLedger;
import dev.tributary.processor.KinesisProcessorHandler;
import dev.tributary.toolkit.KplAggregator;
import dev.tributary.toolkit.LambdaEvents;
import dev.tributary.toolkit.SamTemplate;
import dev.tributary.toolkit.SampleEvents;
import dev.tributary.toolkit.StreamProducer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One demo run: deploy the template, produce, process, transform, curate; then, the faults stopped, redrive every
 * dead-letter queue with {@code tributary redrive … --execute}; then follow every record with the ledger. Progress
 * goes to {@code err}; the functions' own log lines go nowhere (in Lambda they would go to CloudWatch Logs).
 */
final class DemoRun {
    static final String PROCESSOR = LocalPipeline.PROCESSOR;

    /** The demo's options. */
    record Options(
            int events,
            double invalidShare,
            double kplShare,
            int shards,
            Integer batchSize,
            Path templatePath,
            long seed,
            Instant eventTime,
            int eventTimeSpread,
            boolean skipGlue,
            Map<String, String> functionEnv,
            PipelineStages.GlueFault glueFault,
            Path costCounters) {}

    /** What the producer put on the stream. */
    record Produced(long kinesisRecords, long aggregates, long aggregatedRecords) {}

    /** Everything the report shows and the verdict judges. */
    record Result(
            LocalDeployment deployment,
            KinesisEventSourceSimulator.Settings settings,
            Produced produced,
            BucketInventory raw,
            KinesisEventSourceSimulator.Report processing,
            int quarantineNotices,
            int givenUpBatches,
            PipelineStages.TransformReport transformed,
            DemoRecovery.Recovery recovery,
            BucketInventory processed,
            Map<String, Long> metadata,
            PipelineStages.GlueReport glue,
            String glueSkipped,
            BucketInventory curatedFiles,
            RecordLedger.Counts ledger,
            String outputName,
            List<String> problems,
            double seconds) {}

    private final Options options;
    private final Runnable stopFaults;
    private final PrintStream err;
    // Counts what AWS would bill (invocations, time, log bytes, calls) for scripts/bench.sh --cost; the functions' own
    // log lines go nowhere but are counted (in Lambda they would go to CloudWatch Logs).
    private final CostCounters counters = new CostCounters();
    private final PrintStream functionLogs = counters.logSink();

    /**
     * @param stopFaults called before the recovery, for faults injected from outside the run (an in-process test's
     *                   fault plan); faults given as {@code --function-env} stop by themselves there
     */
    DemoRun(Options options, Runnable stopFaults, PrintStream err) {
        this.options = options;
        this.stopFaults = stopFaults;
        this.err = err;
    }

    Result run() throws IOException {
        long started = System.nanoTime();
        AwsEmulator emulator = AwsEmulator.get();
        err.println("Tributary demo: " + emulator.description());
        SamTemplate template =
                SamTemplate.load(options.templatePath() != null ? options.templatePath() : SamTemplate.locate());
        try (LocalPipeline pipeline = LocalPipeline.deploy(
                        emulator,
                        template,
                        "demo-" + UUID.randomUUID().toString().substring(0, 8),
                        Map.of("ShardCount", Integer.toString(options.shards())),
                        new RecordLedger());
                S3Client s3 = emulator.clients().s3();
                DynamoDbClient dynamoDb = emulator.clients().dynamoDb();
                GlueClient glue =
                        emulator.clients().configure(GlueClient.builder()).build()) {
            LocalDeployment deployment = pipeline.deployment();
            deployment.notes().forEach(note -> err.println("note: " + note));
            KinesisEventSourceSimulator.Settings fromTemplate = pipeline.processorSettings();
            KinesisEventSourceSimulator.Settings settings = options.batchSize() == null
                    ? fromTemplate
                    : new KinesisEventSourceSimulator.Settings(
                            options.batchSize(),
                            fromTemplate.maxRetryAttempts(),
                            fromTemplate.bisectOnFunctionError(),
                            fromTemplate.maxRecordAgeSeconds());
            List<SampleEvents.Sample> samples = new SampleEvents(
                            options.seed(), options.invalidShare(), options.eventTime(), options.eventTimeSpread())
                    .next(options.events());
            Produced produced = produce(pipeline, samples);

            PipelineStages stages =
                    new PipelineStages(pipeline, glue, options.functionEnv(), functionLogs).meter(counters);
            ProgressBar processing = new ProgressBar(err, "process", produced.kinesisRecords());
            AtomicLong delivered = new AtomicLong();
            KinesisProcessorHandler handler =
                    new KinesisProcessorHandler(new Env(stages.functionEnvironment(PROCESSOR)), functionLogs);
            // Lambda reads the stream and sends on-failure records with the processor's execution role.
            KinesisEventSourceSimulator.Report report = pipeline.process(settings, event -> {
                var response = counters.invoke(PROCESSOR, () -> LambdaEvents.invoke(handler, event, null));
                processing.update(Math.min(
                        produced.kinesisRecords(),
                        delivered.addAndGet(event.getRecords().size())));
                return response;
            });
            processing.update(produced.kinesisRecords());
            long rawObjects = s3
                    .listObjectsV2Paginator(b -> b.bucket(deployment.physicalId("RawBucket"))
                            .prefix(dev.tributary.common.layout.ObjectKeys.RAW_PREFIX))
                    .contents()
                    .stream()
                    .count();
            PipelineStages.TransformReport transformed =
                    stages.transform(new ProgressBar(err, "transform", rawObjects), rawObjects);
            String glueSkipped = options.skipGlue()
                    ? "--skip-glue"
                    : LocalGlueRunner.available() ? null : "GLUE_PYTHON/SPARK_JAVA_HOME not set";
            List<PipelineStages.GlueReport> glueReports = new ArrayList<>();
            if (glueSkipped == null) {
                err.println("glue       running the curation job locally (PySpark 3.5, the Spark of Glue 5.0)...");
                glueReports.add(stages.orchestrate(
                        Files.createTempDirectory("tributary-glue"), repository(), 1, options.glueFault()));
            } else {
                err.println("glue       skipped (" + glueSkipped + "): events are followed to processed/");
            }
            DemoRecovery.Recovery recovery =
                    new DemoRecovery(pipeline, stages, stopFaults, err).run(glueSkipped == null, glueReports);

            RecordLedger.Places places = new RecordLedger.Places();
            BucketInventory raw = BucketInventory.read(pipeline, "RawBucket", places, false);
            BucketInventory processed = BucketInventory.read(pipeline, "ProcessedBucket", places, glueSkipped != null);
            BucketInventory curatedFiles = BucketInventory.read(pipeline, "CuratedBucket", null, false);
            if (glueSkipped == null) {
                err.println(
                        "ledger     reading the curated rows (pyiceberg reads the Iceberg tables via the catalog)...");
                // The checker reads as the operator (the emulator's test credentials), not as the job's role.
                Map<String, String> operator = emulator.operatorEnvironment();
                for (String row : new LocalGlueRunner(
                                s3, glue, Files.createTempDirectory("tributary-ledger"), repository(), operator)
                        .curatedRows(deployment.physicalId("GlueDatabase"))) {
                    places.output(Json.mapper().readTree(row));
                }
            }
            // What still waits on the dead-letter queues, read without consuming (a redrive still finds it).
            pipeline.readDeadLetters(places);
            RecordLedger.Counts counts = pipeline.ledger().reconcile(places);

            Map<String, Long> metadata = pipeline.metadataCounts();
            PipelineStages.GlueReport glueReport = glueSkipped != null ? null : merged(glueReports);
            int notices = pipeline.messages("QuarantineQueue");
            long deadLeft = pipeline.messages("ProcessorDeadLetterQueue")
                    + pipeline.messages("TransformerDeadLetterQueue")
                    + pipeline.messages("OrchestratorDeadLetterQueue");
            long expectedInvalid = samples.stream().filter(s -> !s.valid()).count();
            List<String> problems = ConservationVerdict.problems(new ConservationVerdict.Facts(
                    options.events(),
                    expectedInvalid,
                    raw.rawRecords,
                    raw.rawObjects,
                    raw.failedRecords,
                    raw.failedObjects,
                    processed.dataRecords,
                    metadata,
                    glueRuns(glueReport),
                    options.skipGlue(),
                    options.glueFault() == PipelineStages.GlueFault.RUN_FAILS_MIDWAY ? 1 : 0,
                    counts,
                    notices,
                    deadLeft,
                    deployment.denials().stream().map(Object::toString).toList()));
            if (options.costCounters() != null) {
                writeCostCounters(deployment, s3, dynamoDb, samples, expectedInvalid, produced, settings, glueReport);
            }
            return new Result(
                    deployment,
                    settings,
                    produced,
                    raw,
                    report,
                    notices,
                    report.sentToOnFailure().size(),
                    transformed,
                    recovery,
                    processed,
                    metadata,
                    glueReport,
                    glueSkipped,
                    curatedFiles,
                    counts,
                    glueSkipped == null ? "curated" : "processed",
                    problems,
                    (System.nanoTime() - started) / 1e9);
        }
    }

    private void writeCostCounters(
            LocalDeployment deployment,
            S3Client s3,
            DynamoDbClient dynamoDb,
            List<SampleEvents.Sample> samples,
            long invalid,
            Produced produced,
            KinesisEventSourceSimulator.Settings settings,
            PipelineStages.GlueReport curated)
            throws IOException {
        counters.put("events", samples.size());
        counters.put("invalid_events", invalid);
        counters.put(
                "event_bytes",
                samples.stream()
                        .mapToLong(sample -> sample.json().getBytes(StandardCharsets.UTF_8).length)
                        .sum());
        counters.put("kinesis_records", produced.kinesisRecords());
        counters.put("batch_size", settings.batchSize());
        counters.inventory(s3, "raw", deployment.physicalId("RawBucket"));
        counters.inventory(s3, "processed", deployment.physicalId("ProcessedBucket"));
        counters.inventory(s3, "curated", deployment.physicalId("CuratedBucket"));
        var table = dynamoDb.describeTable(b -> b.tableName(deployment.physicalId("MetadataTable")))
                .table();
        counters.put("metadata.items", table.itemCount());
        counters.put("metadata.bytes", table.tableSizeBytes());
        if (curated != null) {
            // The runs that succeeded: a failed run's seconds say nothing about the job's throughput.
            var succeeded = curated.outcomes().stream()
                    .filter(LocalGlueRunner.Outcome::succeeded)
                    .toList();
            counters.put("glue.runs", curated.outcomes().size());
            counters.put(
                    "glue.seconds",
                    succeeded.stream()
                            .mapToDouble(LocalGlueRunner.Outcome::seconds)
                            .sum());
            counters.put(
                    "glue.cpu_seconds",
                    succeeded.stream()
                            .mapToDouble(LocalGlueRunner.Outcome::cpuSeconds)
                            .sum());
            counters.put(
                    "glue.records_in",
                    succeeded.stream()
                            .mapToLong(o -> o.summary() == null
                                    ? 0
                                    : o.summary().path("records_in").asLong())
                            .sum());
        }
        counters.write(options.costCounters(), deployment.iamGate().calls());
        err.println("cost counters written to " + options.costCounters());
    }

    /**
     * Puts the samples on the stream through {@link LocalPipeline#produce} ({@link StreamProducer}, a share of them
     * KPL-aggregated), which enters each user record the stream accepted in the ledger.
     */
    private Produced produce(LocalPipeline pipeline, List<SampleEvents.Sample> samples) {
        ProgressBar bar = new ProgressBar(err, "produce", samples.size());
        List<KplAggregator.UserRecord> records = new ArrayList<>(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            records.add(new KplAggregator.UserRecord(
                    Integer.toString(i), samples.get(i).json().getBytes(StandardCharsets.UTF_8)));
        }
        StreamProducer.Tally tally = pipeline.produce(
                records,
                new StreamProducer.Settings(options.kplShare(), KplAggregator.DEFAULT_MAX_BYTES, 8, options.seed()),
                bar::update);
        return new Produced(tally.kinesisRecords, tally.aggregates, tally.aggregatedUserRecords);
    }

    private static PipelineStages.GlueReport merged(List<PipelineStages.GlueReport> reports) {
        List<String> runs = new ArrayList<>();
        List<LocalGlueRunner.Outcome> outcomes = new ArrayList<>();
        List<Object> ticks = new ArrayList<>();
        for (PipelineStages.GlueReport report : reports) {
            runs.addAll(report.runs());
            outcomes.addAll(report.outcomes());
            ticks.addAll(report.tickOutcomes());
        }
        return new PipelineStages.GlueReport(runs, outcomes, ticks);
    }

    private static List<ConservationVerdict.GlueRun> glueRuns(PipelineStages.GlueReport report) {
        return report == null
                ? null
                : report.outcomes().stream()
                        .map(o -> new ConservationVerdict.GlueRun(
                                o.succeeded(),
                                o.summary() == null
                                        ? 0
                                        : o.summary().path("records_in").asLong(),
                                o.summary() == null
                                        ? 0
                                        : o.summary().path("records_out").asLong()))
                        .toList();
    }

    static Path repository() {
        return SamTemplate.locate().getParent().getParent();
    }
}
