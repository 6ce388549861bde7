package dev.tributary.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.aws.AwsClientFactory;
import dev.tributary.common.config.Env;
import dev.tributary.common.json.Json;
import dev.tributary.common.layout.ObjectKeys;
import dev.tributary.devkit.AwsEmulator;
import dev.tributary.devkit.KinesisEventSourceSimulator;
import dev.tributary.devkit.KplAggregator;
import dev.tributary.devkit.LocalDeployment;
import dev.tributary.devkit.SamTemplate;
import dev.tributary.devkit.StreamProducer;
import dev.tributary.processor.KinesisProcessorHandler;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/** {@code tributary demo}: the pipeline end to end on the local emulator, with a summary at the end. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Runs Tributary locally against the AWS emulator (AWS_ENDPOINT_URL; scripts/demo.sh starts moto): creates the SAM template's stream, buckets, tables and queues (infra/template.yaml), produces sample events of every type (about 1%% invalid; a quarter of them KPL-aggregated), feeds them to the kinesis-processor the way Lambda's event source mapping does, and prints what landed. Exits 1 if any record is unaccounted for.")
final class DemoCommand implements Callable<Integer> {
    private static final String PROCESSOR = "KinesisProcessorFunction";

    @Option(names = {"-n", "--events"}, defaultValue = "10000", description = "Events to produce (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--invalid-share", defaultValue = "0.01",
            description = "Share of deliberately invalid events (default: ${DEFAULT-VALUE}).")
    double invalidShare;

    @Option(names = "--kpl-share", defaultValue = "0.25", description = "Share of the events sent by "
            + "KPL-aggregating producers, packed into aggregated records of up to 51,200 bytes (default: ${DEFAULT-VALUE}).")
    double kplShare;

    @Option(names = "--shards", defaultValue = "2", description = "Kinesis shards (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--batch-size",
            description = "Event source mapping batch size (default: the template's KinesisBatchSize).")
    Integer batchSize;

    @Option(names = "--template", description = "SAM template to deploy locally (default: infra/template.yaml).")
    Path templatePath;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for the sample events (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--event-time", defaultValue = SampleEvents.FIXED_BASE_TEXT, description = "Base time of the sample "
            + "events (ISO-8601, or \"now\" for the wall clock); valid events fall in the two hours before it. A fixed "
            + "base makes a seed reproduce every event byte for byte (default: ${DEFAULT-VALUE}).")
    String eventTime;

    @Option(names = "--skip-glue", description = "Stop after the transformer: the conservation check then follows "
            + "every event to processed/ instead of to the curated Iceberg tables (faster; no PySpark needed).")
    boolean skipGlue;

    // For fault-injection scenarios: e.g. AWS_ENDPOINT_URL=<fault proxy> puts a proxy between the functions and
    // the emulator while the demo's own harness (producer, event source mapping, checks) keeps a clean line.
    @Option(names = "--function-env", hidden = true, description = "KEY=VALUE set on every function's environment.")
    Map<String, String> functionEnv = new LinkedHashMap<>();

    // For recovery scenarios: the first Glue run fails after writing one partition, or its state event is lost.
    @Option(names = "--glue-fault", hidden = true, defaultValue = "NONE",
            description = "NONE, RUN_FAILS_MIDWAY or STATE_EVENT_LOST.")
    PipelineStages.GlueFault glueFault;

    // For the cost model (scripts/bench.sh --cost): what the run did that AWS bills, as JSON (CostCounters).
    // Two hours by default, so the demo shows several hour partitions; the cost run uses a minute: a steady stream's
    // batch covers seconds of event time, so it spans one hour partition per type (rarely two).
    @Option(names = "--event-time-spread", hidden = true, defaultValue = "7200",
            description = "Valid events' times lie in this many seconds before now (default: ${DEFAULT-VALUE}).")
    int eventTimeSpread;

    @Option(names = "--cost-counters", hidden = true, description = "Write the run's billable counters to this file.")
    Path costCounters;

    private final PrintStream out = System.out;
    private final PrintStream err = System.err;
    private long kinesisRecords;
    private long aggregates;
    private long aggregatedRecords;

    @Override
    public Integer call() throws java.io.IOException {
        long started = System.nanoTime();
        AwsEmulator emulator = AwsEmulator.get();
        AwsClientFactory clients = emulator.clients();
        err.println("Tributary demo: " + emulator.description());
        SamTemplate template = SamTemplate.load(templatePath != null ? templatePath : SamTemplate.locate());
        LocalDeployment deployment = LocalDeployment.deploy(template, emulator,
                "demo-" + UUID.randomUUID().toString().substring(0, 8), Map.of("ShardCount", Integer.toString(shards)));
        deployment.notes().forEach(note -> err.println("note: " + note));
        String streamName = deployment.physicalId("EventStream");
        String rawBucket = deployment.physicalId("RawBucket");
        String deadLetterQueue = deployment.physicalId("ProcessorDeadLetterQueue");
        KinesisEventSourceSimulator.Settings fromTemplate = deployment.kinesisSettings(PROCESSOR);
        KinesisEventSourceSimulator.Settings settings = batchSize == null ? fromTemplate
                : new KinesisEventSourceSimulator.Settings(batchSize, fromTemplate.maxRetryAttempts(),
                        fromTemplate.bisectOnFunctionError());

        try (KinesisClient kinesis = clients.configure(KinesisClient.builder()).build();
                S3Client s3 = clients.s3();
                SqsClient sqs = clients.configure(SqsClient.builder()).build();
                DynamoDbClient dynamoDb = clients.dynamoDb();
                GlueClient glue = clients.configure(GlueClient.builder()).build();
                SsmClient ssm = clients.configure(SsmClient.builder()).build();
                // Lambda reads the stream and sends on-failure records with the processor's execution role.
                KinesisClient roleKinesis = deployment.functionClients(PROCESSOR).configure(KinesisClient.builder())
                        .build();
                SqsClient roleSqs = deployment.functionClients(PROCESSOR).configure(SqsClient.builder()).build()) {
            List<SampleEvents.Sample> samples = new SampleEvents(seed, invalidShare,
                    "now".equals(eventTime) ? Instant.now() : Instant.parse(eventTime), eventTimeSpread).next(events);
            EventLedger ledger = produce(kinesis, streamName, samples);

            CostCounters counters = new CostCounters();
            PipelineStages stages = new PipelineStages(deployment, s3, sqs, dynamoDb, glue, ssm, functionEnv)
                    .meter(counters);
            Map<String, String> env = stages.functionEnvironment(PROCESSOR);
            ProgressBar processing = new ProgressBar(err, "process", kinesisRecords);
            AtomicLong delivered = new AtomicLong();
            KinesisEventSourceSimulator esm = new KinesisEventSourceSimulator(roleKinesis, Optional.of(roleSqs),
                    emulator.region(), settings);
            PrintStream stdout = System.out;
            KinesisEventSourceSimulator.Report report;
            // The handlers log one JSON line per invocation to stdout, as in Lambda; here the summary speaks instead.
            try {
                System.setOut(counters.logSink());
                KinesisProcessorHandler handler = new KinesisProcessorHandler(new Env(env));
                report = esm.drain(streamName, deployment.arn("EventStream"), event -> {
                    var response = counters.invoke(PROCESSOR, () -> handler.handleRequest(event, null));
                    processing.update(Math.min(kinesisRecords, delivered.addAndGet(event.getRecords().size())));
                    return response;
                }, deadLetterQueue);
            } finally {
                System.setOut(stdout);
            }
            processing.update(kinesisRecords);

            Landed landed = Landed.read(s3, rawBucket);
            Queues queues = new Queues(countMessages(sqs, deployment.physicalId("QuarantineQueue")),
                    countMessages(sqs, deadLetterQueue), report.sentToOnFailure().size());

            System.setOut(counters.logSink());
            PipelineStages.TransformReport transformed;
            PipelineStages.GlueReport curated = null;
            try {
                transformed = stages.transform(new ProgressBar(err, "transform", landed.rawObjects), landed.rawObjects);
                if (skipGlue) {
                    err.println("glue       skipped (--skip-glue): events are followed to processed/");
                } else if (LocalGlueRunner.available()) {
                    err.println("glue       running the curation job locally (PySpark 3.5, the Spark of Glue 5.0)...");
                    curated = stages.orchestrate(Files.createTempDirectory("tributary-glue"),
                            SamTemplate.locate().getParent().getParent(), 1, glueFault);
                } else {
                    err.println("note: GLUE_PYTHON/SPARK_JAVA_HOME not set: the Glue stage is skipped "
                            + "(scripts/demo.sh sets them)");
                }
            } finally {
                System.setOut(stdout);
            }
            Map<String, Long> metadata = stages.metadataCounts();
            Landed processed = Landed.read(s3, deployment.physicalId("ProcessedBucket"));
            Landed curatedFiles = Landed.read(s3, deployment.physicalId("CuratedBucket"));
            List<String> outputIds = processed.processedIds;
            String outputName = "processed";
            if (curated != null) {
                err.println("ledger     listing curated event ids (pyiceberg reads the Iceberg tables via the catalog)...");
                // The checker reads as the operator (the emulator's test credentials), not as the job's role.
                Map<String, String> operator = Map.of("AWS_ENDPOINT_URL", emulator.endpoint().toString(),
                        "AWS_REGION", emulator.region().id(), "AWS_ACCESS_KEY_ID", "test",
                        "AWS_SECRET_ACCESS_KEY", "test");
                outputIds = new LocalGlueRunner(s3, glue, Files.createTempDirectory("tributary-ledger"),
                        SamTemplate.locate().getParent().getParent(), operator)
                        .curatedEventIds(deployment.physicalId("GlueDatabase"));
                outputName = "curated";
            }
            EventLedger.Counts ledgerCounts = ledger.reconcile(landed.quarantined, outputIds,
                    deadLetters(sqs, s3, deadLetterQueue, deployment.physicalId("TransformerDeadLetterQueue")));
            double seconds = (System.nanoTime() - started) / 1e9;
            long expectedInvalid = samples.stream().filter(s -> !s.valid()).count();
            Verdict verdict = new Verdict(events, expectedInvalid, landed, processed, metadata, curated, ledgerCounts,
                    outputName, glueFault == PipelineStages.GlueFault.RUN_FAILS_MIDWAY ? 1 : 0);
            // The dead-letter queue (and its alarm) holds only batches Lambda gave up on, never quarantine notices.
            verdict.check(queues.deadLetters() == queues.givenUp(), "the processor's dead-letter queue holds "
                    + queues.deadLetters() + " messages, Lambda gave up on " + queues.givenUp() + " batches");
            verdict.check(landed.failedObjects == 0 || queues.notices() > 0, landed.failedObjects
                    + " failed/ objects but no quarantine notice");
            // Every call a function's role did not allow is a defect of the template or the code, whatever it cost.
            deployment.denials().forEach(denial -> verdict.problems.add(denial.toString()));
            if (costCounters != null) {
                writeCostCounters(counters, deployment, s3, dynamoDb, samples.size(), expectedInvalid,
                        samples.stream().mapToLong(sample -> sample.json().getBytes(StandardCharsets.UTF_8).length)
                                .sum(), settings, curated);
            }
            printSummary(deployment, settings, landed, report, queues, transformed, processed, metadata, curated,
                    curatedFiles, verdict, seconds);
            return verdict.problems.isEmpty() ? 0 : 1;
        }
    }

    private void writeCostCounters(CostCounters counters, LocalDeployment deployment, S3Client s3,
            DynamoDbClient dynamoDb, long events, long invalid, long eventBytes,
            KinesisEventSourceSimulator.Settings settings, PipelineStages.GlueReport curated) throws IOException {
        counters.put("events", events);
        counters.put("invalid_events", invalid);
        counters.put("event_bytes", eventBytes);
        counters.put("kinesis_records", kinesisRecords);
        counters.put("batch_size", settings.batchSize());
        counters.inventory(s3, "raw", deployment.physicalId("RawBucket"));
        counters.inventory(s3, "processed", deployment.physicalId("ProcessedBucket"));
        counters.inventory(s3, "curated", deployment.physicalId("CuratedBucket"));
        var table = dynamoDb.describeTable(b -> b.tableName(deployment.physicalId("MetadataTable"))).table();
        counters.put("metadata.items", table.itemCount());
        counters.put("metadata.bytes", table.tableSizeBytes());
        if (curated != null) {
            // The runs that succeeded: a failed run's seconds say nothing about the job's throughput.
            var succeeded = curated.outcomes().stream().filter(LocalGlueRunner.Outcome::succeeded).toList();
            counters.put("glue.runs", curated.outcomes().size());
            counters.put("glue.seconds", succeeded.stream().mapToDouble(LocalGlueRunner.Outcome::seconds).sum());
            counters.put("glue.records_in", succeeded.stream()
                    .mapToLong(o -> o.summary() == null ? 0 : o.summary().path("records_in").asLong()).sum());
        }
        counters.write(costCounters, deployment.iamGate().calls());
        err.println("cost counters written to " + costCounters);
    }

    /**
     * Puts the samples on the stream through {@link StreamProducer} (a share of them KPL-aggregated) and returns the
     * ledger of what the stream accepted: each user record by shard, sequence and sub-sequence number.
     */
    private EventLedger produce(KinesisClient kinesis, String stream, List<SampleEvents.Sample> samples) {
        ProgressBar bar = new ProgressBar(err, "produce", samples.size());
        EventLedger ledger = new EventLedger();
        StreamProducer producer = new StreamProducer(kinesis, stream,
                new StreamProducer.Settings(kplShare, KplAggregator.DEFAULT_MAX_BYTES, 8, seed));
        for (int start = 0; start < samples.size(); start += 500) {
            List<KplAggregator.UserRecord> records = new ArrayList<>();
            for (int i = start; i < Math.min(samples.size(), start + 500); i++) {
                records.add(new KplAggregator.UserRecord(Integer.toString(i),
                        samples.get(i).json().getBytes(StandardCharsets.UTF_8)));
            }
            producer.send(records, accepted -> ledger.produced(accepted.shardId(), accepted.sequenceNumber(),
                    accepted.subSequenceNumber(), new String(accepted.data(), StandardCharsets.UTF_8)));
            bar.update(Math.min(samples.size(), start + 500));
        }
        if (producer.tally().failed > 0) {
            throw new IllegalStateException(producer.tally().failed + " records were refused by the stream");
        }
        kinesisRecords = producer.tally().kinesisRecords;
        aggregates = producer.tally().aggregates;
        aggregatedRecords = producer.tally().aggregatedUserRecords;
        return ledger;
    }

    /**
     * What waits on the dead-letter queues (read without consuming): the Kinesis batches Lambda gave up on, and the
     * events of the raw objects the transformer gave up on.
     */
    private static EventLedger.DeadLettered deadLetters(SqsClient sqs, S3Client s3, String processorQueue,
            String transformerQueue) throws IOException {
        List<EventLedger.SequenceRange> batches = new ArrayList<>();
        for (var message : RedriveCommand.receiveAll(sqs, processorQueue, false, 100_000)) {
            JsonNode info = Json.mapper().readTree(message.body()).get("KinesisBatchInfo");
            if (info != null) { // Lambda's on-failure records; quarantine notices have their own queue
                batches.add(new EventLedger.SequenceRange(info.path("shardId").asText(),
                        info.path("startSequenceNumber").asText(), info.path("endSequenceNumber").asText()));
            }
        }
        List<String> eventIds = new ArrayList<>();
        for (var message : RedriveCommand.receiveAll(sqs, transformerQueue, false, 100_000)) {
            JsonNode body = Json.mapper().readTree(message.body());
            JsonNode event = body.has("requestPayload") ? body.get("requestPayload") : body;
            for (JsonNode record : event.path("Records")) {
                String bucket = record.path("s3").path("bucket").path("name").asText();
                String key = java.net.URLDecoder.decode(record.path("s3").path("object").path("key").asText(),
                        StandardCharsets.UTF_8);
                byte[] bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
                Landed.forEachLine(key.endsWith(".gz") ? Landed.gunzip(bytes) : bytes,
                        line -> eventIds.add(line.path("event_id").asText(null)));
            }
        }
        return new EventLedger.DeadLettered(batches, eventIds);
    }

    /** The conservation checker's line: every record followed to its one place. */
    private void printLedger(EventLedger.Counts counts, String outputName) {
        out.printf("  per event       in %,d = %s %,d + failed %,d + dead-lettered %,d + lost %,d;  duplicated %,d%s%n",
                counts.in(), outputName, counts.curated(), counts.failed(), counts.deadLettered(), counts.lost(),
                counts.duplicated(),
                counts.unexpected() + counts.withoutReason() > 0 ? String.format(";  never produced %,d, "
                        + "quarantined without a reason %,d", counts.unexpected(), counts.withoutReason()) : "");
        counts.examples().forEach(example -> out.println("                  ! " + example));
        if (counts.deadLettered() > 0) {
            out.println("                  (dead-lettered records wait for `tributary redrive kinesis|transformer`)");
        }
    }

    /** Every count that must agree for the run to be called complete; each disagreement is a problem. */
    static final class Verdict {
        final List<String> problems = new ArrayList<>();
        final long curatedRecords;
        final EventLedger.Counts ledger;
        final String ledgerOutput;

        Verdict(long in, long expectedInvalid, Landed raw, Landed processed, Map<String, Long> metadata,
                PipelineStages.GlueReport glue, EventLedger.Counts ledger, String ledgerOutput, long injected) {
            this.ledger = ledger;
            this.ledgerOutput = ledgerOutput;
            check(ledger.in() == in, "the stream accepted " + ledger.in() + " of " + in + " records");
            check(ledger.balanced(), "record by record: lost " + ledger.lost() + ", duplicated "
                    + ledger.duplicated() + ", never produced " + ledger.unexpected() + ", without a reason "
                    + ledger.withoutReason());
            if (glue != null) {
                long failedRuns = glue.outcomes().stream().filter(o -> !o.succeeded()).count();
                check(!glue.outcomes().isEmpty() && glue.outcomes().getLast().succeeded() && failedRuns == injected,
                        "Glue runs: " + glue.runs().size() + ", failed: " + failedRuns + " (injected " + injected
                                + "), the last " + (glue.outcomes().isEmpty() ? "none"
                                : glue.outcomes().getLast().succeeded() ? "SUCCEEDED" : "FAILED"));
            }
            if (ledger.deadLettered() > 0) {
                // Totals cannot agree while records wait on a dead-letter queue; the ledger accounts for each.
                this.curatedRecords = -1;
                return;
            }
            check(raw.rawRecords + raw.failedRecords == in, "raw + quarantined = " + (raw.rawRecords + raw.failedRecords)
                    + ", records in = " + in);
            check(raw.failedRecords == expectedInvalid, "quarantined " + raw.failedRecords + ", generated invalid "
                    + expectedInvalid);
            long objects = metadata.getOrDefault("status:PROCESSED", 0L);
            check(objects == raw.rawObjects, objects + " of " + raw.rawObjects + " raw objects PROCESSED");
            check(metadata.getOrDefault("records_in", 0L) == raw.rawRecords, "transformer read "
                    + metadata.getOrDefault("records_in", 0L) + " of " + raw.rawRecords + " raw records");
            check(processed.dataRecords == metadata.getOrDefault("records_out", 0L), "processed objects hold "
                    + processed.dataRecords + " records, metadata says " + metadata.getOrDefault("records_out", 0L));
            long out = -1;
            if (glue != null) {
                long failedRuns = glue.outcomes().stream().filter(o -> !o.succeeded()).count();
                out = glue.outcomes().stream().filter(LocalGlueRunner.Outcome::succeeded)
                        .mapToLong(o -> o.summary().path("records_out").asLong()).sum();
                long glueIn = glue.outcomes().stream().filter(LocalGlueRunner.Outcome::succeeded)
                        .mapToLong(o -> o.summary().path("records_in").asLong()).sum();
                check(glueIn == processed.dataRecords, "Glue read " + glueIn + " of " + processed.dataRecords
                        + " processed records");
                // Sample events have unique ids: every valid one must be curated exactly once. After a run that
                // died mid-write, the retry's counts depend on what the dead run left: the ledger checks each event.
                if (failedRuns == 0) {
                    check(out == in - expectedInvalid, "curated " + out + ", valid events " + (in - expectedInvalid));
                }
            }
            this.curatedRecords = out;
        }

        void check(boolean ok, String problem) {
            if (!ok) {
                problems.add(problem);
            }
        }
    }

    private void printSummary(LocalDeployment deployment, KinesisEventSourceSimulator.Settings settings, Landed landed,
            KinesisEventSourceSimulator.Report report, Queues queues, PipelineStages.TransformReport transformed,
            Landed processed, Map<String, Long> metadata, PipelineStages.GlueReport glue, Landed curatedFiles,
            Verdict verdict, double seconds) {
        out.println();
        out.printf("Tributary demo: %,d events through Kinesis -> processor -> S3 -> transformer -> Glue%n%n", events);
        out.printf("  records in      %,10d%s%n", events, aggregates == 0 ? "" : String.format(
                " in %,d Kinesis records (%,d of them in %,d KPL aggregates)", kinesisRecords, aggregatedRecords,
                aggregates));
        out.printf("  raw             %,10d records in %d objects (%d invocations of batch size %d; %d partial "
                + "failures, %d bisections)%n", landed.rawRecords, landed.rawObjects, report.invocations(),
                settings.batchSize(), report.partialFailures(), report.bisections());
        out.printf("  quarantined     %,10d records in %d failed/ objects, %d notices on the quarantine queue "
                + "(dead-letter queue: %d given-up batches)%n", landed.failedRecords, landed.failedObjects,
                queues.notices(), queues.deadLetters());
        out.printf("  processed       %,10d records in %d objects (%d notifications, %d retries, %d dead-lettered; "
                + "%d duplicates dropped)%n", processed.dataRecords, processed.dataObjects,
                transformed.notifications(), transformed.retries(), transformed.deadLettered(),
                metadata.getOrDefault("records_in", 0L) - metadata.getOrDefault("records_out", 0L));
        if (glue == null) {
            out.println("  curated         (Glue stage skipped)");
        } else {
            for (int i = 0; i < glue.outcomes().size(); i++) {
                LocalGlueRunner.Outcome o = glue.outcomes().get(i);
                out.printf("  curated         %,10d records, Glue run %s %s in %.0f s (%d duplicates)%n",
                        o.summary() == null ? 0 : o.summary().path("records_out").asLong(), glue.runs().get(i),
                        o.succeeded() ? "SUCCEEDED" : "FAILED (log: " + o.log() + ")", o.seconds(),
                        o.summary() == null ? 0 : o.summary().path("duplicates").asLong());
            }
            if (glue.outcomes().isEmpty()) {
                out.println("  curated         no Glue run was started: " + glue.tickOutcomes());
            }
        }
        printLedger(verdict.ledger, verdict.ledgerOutput);
        out.printf("  iam             %,10d calls of 3 functions authorized against their template roles, %d denied%n",
                deployment.iamGate().evaluated(), deployment.denials().size());
        out.printf("  unaccounted     %10s%n", verdict.problems.isEmpty() ? "0" : "MISMATCH");
        verdict.problems.forEach(problem -> out.println("                  ! " + problem));
        out.printf("  elapsed         %10.1f s  (%,.0f events/s end to end)%n%n", seconds, events / seconds);
        for (var bucket : List.of(Map.entry("RawBucket", landed), Map.entry("ProcessedBucket", processed),
                Map.entry("CuratedBucket", curatedFiles))) {
            out.println("s3://" + deployment.physicalId(bucket.getKey()) + "/");
            List<String> prefixes = new ArrayList<>(bucket.getValue().partitions.keySet());
            for (int i = 0; i < prefixes.size(); i++) {
                long[] counts = bucket.getValue().partitions.get(prefixes.get(i));
                out.printf("  %s %-56s %4d object%s%s%n", i == prefixes.size() - 1 ? "└──" : "├──", prefixes.get(i),
                        counts[0], counts[0] == 1 ? " " : "s",
                        counts[1] > 0 ? String.format(" %,8d records", counts[1]) : "");
            }
        }
        out.printf("%nmetadata table %s, dead-letter queue: %s, quarantine queue: %s%n",
                deployment.physicalId("MetadataTable"), deployment.physicalId("ProcessorDeadLetterQueue"),
                deployment.physicalId("QuarantineQueue"));
    }

    /** The processor's two queues after the run, and what Lambda gave up on. */
    private record Queues(int notices, int deadLetters, int givenUp) {}

    private static int countMessages(SqsClient sqs, String queueUrl) {
        String count = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
                        .attributeNamesWithStrings("ApproximateNumberOfMessages"))
                .attributesAsStrings()
                .get("ApproximateNumberOfMessages");
        return count == null ? 0 : Integer.parseInt(count);
    }

    /** What is in the raw bucket: objects and lines per partition prefix. */
    private static final class Landed {
        final Map<String, long[]> partitions = new TreeMap<>();
        long rawObjects;
        long rawRecords;
        long failedObjects;
        long failedRecords;
        long dataObjects;
        long dataRecords;
        final List<EventLedger.Quarantined> quarantined = new ArrayList<>();
        final List<String> processedIds = new ArrayList<>();

        static Landed read(S3Client s3, String bucket) {
            Landed landed = new Landed();
            for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
                String key = object.key();
                boolean lineData = key.endsWith(".jsonl") || key.endsWith(".jsonl.gz");
                long lines = 0;
                if (lineData) {
                    byte[] bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
                    byte[] text = key.endsWith(".gz") ? gunzip(bytes) : bytes;
                    lines = countLines(text);
                    if (key.startsWith(ObjectKeys.FAILED_PREFIX)) {
                        forEachLine(text, line -> landed.quarantined.add(new EventLedger.Quarantined(
                                line.path("shard_id").asText(), line.path("sequence_number").asText(),
                                line.path("sub_sequence_number").asInt(EventLedger.NOT_AGGREGATED),
                                line.path("reason").asText(null))));
                    } else if (key.startsWith(ObjectKeys.PROCESSED_PREFIX)) {
                        forEachLine(text, line -> landed.processedIds.add(line.path("event_id").asText(null)));
                    }
                }
                long[] counts = landed.partitions.computeIfAbsent(treePrefix(key), k -> new long[2]);
                counts[0]++;
                counts[1] += lines;
                if (key.startsWith(ObjectKeys.RAW_PREFIX)) {
                    landed.rawObjects++;
                    landed.rawRecords += lines;
                } else if (key.startsWith(ObjectKeys.FAILED_PREFIX)) {
                    landed.failedObjects++;
                    landed.failedRecords += lines;
                } else if (key.startsWith(ObjectKeys.PROCESSED_PREFIX) && lineData) {
                    landed.dataObjects++;
                    landed.dataRecords += lines;
                }
            }
            return landed;
        }

        /** The folder an object is shown under: its partition, or for Spark output the table's partition. */
        private static String treePrefix(String key) {
            String folder = key.substring(0, key.lastIndexOf('/') + 1);
            return folder.startsWith("glue/") ? folder.replaceAll("^(glue/[^/]+/[^/]+/).*", "$1") : folder;
        }

        static byte[] gunzip(byte[] bytes) {
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static void forEachLine(byte[] text, java.util.function.Consumer<JsonNode> action) {
            for (String line : new String(text, StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    try {
                        action.accept(Json.mapper().readTree(line));
                    } catch (IOException e) {
                        throw new UncheckedIOException("not a JSON line in an object the pipeline wrote", e);
                    }
                }
            }
        }

        private static long countLines(byte[] bytes) {
            long lines = 0;
            for (byte b : bytes) {
                if (b == '\n') {
                    lines++;
                }
            }
            return lines;
        }
    }
}
