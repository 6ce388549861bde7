package dev.tributary.benchmarks;

import dev.tributary.common.aws.AwsClientFactory;
import dev.tributary.common.config.Env;
import dev.tributary.devkit.AwsEmulator;
import dev.tributary.devkit.KinesisEventSourceSimulator;
import dev.tributary.devkit.LocalDeployment;
import dev.tributary.devkit.LocalPipeline;
import dev.tributary.devkit.ledger.PlacesReader;
import dev.tributary.devkit.ledger.RecordLedger;
import dev.tributary.processor.KinesisProcessorHandler;
import dev.tributary.toolkit.SamTemplate;
import dev.tributary.toolkit.SampleEvents;
import dev.tributary.transformer.S3TransformerHandler;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Soak: the kinesis-processor and the s3-transformer under sustained load through the emulator, with the heap,
 * threads, file descriptors and sockets sampled after every round ({@link SoakResources}), and a verdict
 * ({@link SoakVerdict}).
 *
 * <p>One processor handler and one transformer handler serve the whole run, as one warm Lambda container would, so
 * whatever they keep per batch or per object accumulates. Each round puts {@code --round} sample events on a stream
 * of its own ({@link SoakProducer}), drains them through the processor and delivers the raw bucket's S3 notifications
 * to the transformer ({@link SoakPipeline}), and samples. At the end every event must be in exactly one place, by
 * content: the per-record {@link RecordLedger} follows each user record the stream accepted to {@code processed/},
 * {@code failed/} or a dead-letter queue. The ledger is preallocated for the run's events before round 1, so its
 * fixed footprint is in every heap sample and adds nothing to the slope. Exits 1 when anything leaked or any record
 * is lost, duplicated or unknown.
 *
 * <p>A share of the events ({@code --kpl-share}, default 0.25) comes from KPL-aggregating producers, so the verdict
 * also covers de-aggregation: the ledger counts user records.
 *
 * <pre>SoakHarness [--events 100000] [--round 5000] [--kpl-share 0.25]</pre>
 *
 * <p>Needs {@code AWS_ENDPOINT_URL} (scripts/soak.sh starts or reuses moto).
 */
public final class SoakHarness {
    /** About 1 % of the soak's events are invalid, in the sample generator's different ways. */
    private static final double INVALID_SHARE = 0.01;

    private final PrintStream err;
    private final PrintStream out;
    private final Options options;

    /** The command line. */
    record Options(long events, int roundSize, int plantedLeakBytes, double kplShare) {}

    private SoakHarness(PrintStream out, PrintStream err, Options options) {
        this.out = out;
        this.err = err;
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        long events = 100_000;
        int round = 5_000;
        int plantLeak = 0;
        double kplShare = 0.25;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--events" ->
                    events = Long.parseLong(args[++i].replace("_", "").replace(",", ""));
                case "--round" ->
                    round = Integer.parseInt(args[++i].replace("_", "").replace(",", ""));
                case "--plant-leak" -> plantLeak = Integer.parseInt(args[++i]);
                case "--kpl-share" -> kplShare = Double.parseDouble(args[++i]);
                case "-h", "--help" -> {
                    System.out.println("SoakHarness [--events N (default 100000)] [--round M (default 5000)] "
                            + "[--plant-leak BYTES (keep BYTES per event, to check the verdict catches it)] "
                            + "[--kpl-share S (share of events sent KPL-aggregated, default 0.25)]");
                    return;
                }
                default -> {
                    System.err.println("unknown option " + args[i] + "; try --help");
                    System.exit(2);
                }
            }
        }
        // The ledger's arrays are sized for the run up front (digests: 4 longs a record, in one Java array).
        if (events < 1 || events > 100_000_000 || round < 1 || plantLeak < 0 || kplShare < 0 || kplShare > 1) {
            System.err.println(
                    "--events 1 to 100,000,000, --round positive, --plant-leak not negative, " + "--kpl-share 0 to 1");
            System.exit(2);
        }
        int status = new SoakHarness(System.out, System.err, new Options(events, round, plantLeak, kplShare)).run();
        System.exit(status);
    }

    private int run() {
        AwsEmulator emulator = AwsEmulator.get();
        AwsClientFactory clients = emulator.clients();
        long events = options.events();
        int rounds = (int) ((events + options.roundSize() - 1) / options.roundSize());
        err.printf(
                "Tributary soak: %,d events in %d rounds of up to %,d, %s%n",
                events, rounds, options.roundSize(), emulator.description());
        if (options.plantedLeakBytes() > 0) {
            err.printf(
                    "planting a leak: %,d bytes kept per event delivered to the processor%n",
                    options.plantedLeakBytes());
        }
        // Preallocated now, before the first heap sample: the ledger is a constant in the heap, not a slope.
        RecordLedger ledger = RecordLedger.preallocated((int) events);
        PlacesReader places = new PlacesReader(true); // positions per round stream: sequence numbers start over

        try (LocalPipeline local = LocalPipeline.deploy(
                        emulator,
                        SamTemplate.load(SamTemplate.locate()),
                        "soak-" + UUID.randomUUID().toString().substring(0, 8),
                        Map.of("ShardCount", "2"),
                        ledger);
                KinesisClient kinesis =
                        clients.configure(KinesisClient.builder()).build();
                S3Client s3 = clients.s3();
                SqsClient sqs = clients.configure(SqsClient.builder()).build()) {
            LocalDeployment deployment = local.deployment();
            deployment.notes().forEach(note -> err.println("note: " + note));
            // The transformer's PII key is stored in SSM by the pipeline, where the function reads it in AWS.
            Map<String, String> transformerEnv = local.functionEnvironment(LocalPipeline.TRANSFORMER);
            SoakPipeline.Queues queues = new SoakPipeline.Queues(
                    deployment.physicalId("ProcessorDeadLetterQueue"),
                    deployment
                            .notificationQueueUrl("RawBucket")
                            .orElseThrow(() ->
                                    new IllegalStateException("the template gives the raw bucket no notification")),
                    deployment.physicalId("TransformerDeadLetterQueue"),
                    Integer.parseInt(deployment.parameter("AsyncMaxRetryAttempts")));
            KinesisEventSourceSimulator esm = new KinesisEventSourceSimulator(
                    kinesis, Optional.of(sqs), emulator.region(), local.processorSettings());
            SampleEvents samples = new SampleEvents(42, INVALID_SHARE, Instant.now());
            SoakProducer producer = new SoakProducer(kinesis, options.kplShare(), ledger, places);
            SoakProgress progress = new SoakProgress(err, events, rounds);
            List<SoakVerdict.Sample> taken = new ArrayList<>();
            List<double[]> stages = new ArrayList<>(); // per round: produce, process, transform, CPU seconds
            long produced = 0;
            long invalid = 0;

            // The handlers log one JSON line per invocation to standard output, as in Lambda, and keep the stream
            // they found at construction: they get a counting sink for the whole run, the harness speaks on `out`.
            SoakLogLines logs = new SoakLogLines();
            PrintStream stdout = System.out;
            System.setOut(new PrintStream(logs, false, StandardCharsets.UTF_8));
            long started = System.nanoTime();
            try {
                SoakPipeline pipeline = new SoakPipeline(
                        esm,
                        new KinesisProcessorHandler(new Env(local.functionEnvironment(LocalPipeline.PROCESSOR))),
                        new S3TransformerHandler(new Env(transformerEnv)),
                        sqs,
                        emulator.region().id(),
                        queues,
                        options.plantedLeakBytes());
                for (int round = 1; round <= rounds; round++) {
                    int size = (int) Math.min(options.roundSize(), events - produced);
                    long before = produced;
                    long t0 = System.nanoTime();
                    long cpu0 = SoakResources.cpuNanos();
                    List<SampleEvents.Sample> batch = samples.next(size, Instant.now());
                    invalid += batch.stream().filter(s -> !s.valid()).count();
                    progress.stage(round, "produce");
                    // A fresh instance of the template's stream per round: moto's shards slow down quadratically as
                    // they fill (put_record copies every key to find the last), which would measure the emulator, not
                    // the handlers. The handlers are stream-agnostic (the name is only part of object names), so they
                    // stay warm across rounds.
                    LocalDeployment.StreamInstance stream = deployment.deployStreamInstance("EventStream", "r" + round);
                    long kinesisRecords = producer.produce(stream.name(), batch, produced);
                    produced += size;
                    long t1 = System.nanoTime();

                    progress.stage(round, "process");
                    pipeline.process(
                            stream.name(),
                            stream.arn(),
                            kinesisRecords,
                            delivered -> progress.update(
                                    before + Math.min(kinesisRecords, delivered) * size / kinesisRecords / 2,
                                    String.format("%,d records", delivered)));
                    kinesis.deleteStream(b -> b.streamName(stream.name())); // drained: free the emulator's memory
                    long t2 = System.nanoTime();
                    progress.stage(round, "transform");
                    pipeline.transform(false, n -> progress.update(before + size / 2, String.format("%,d objects", n)));
                    long t3 = System.nanoTime();
                    stages.add(new double[] {
                        (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, (SoakResources.cpuNanos() - cpu0) / 1e9
                    });

                    SoakVerdict.Sample sample =
                            SoakResources.measure(round, produced, (System.nanoTime() - started) / 1e9);
                    taken.add(sample);
                    progress.sampled(produced, sample);
                }
                // Anything S3 notified late (an emulator that delivers asynchronously) is transformed before counting.
                int late = pipeline.transform(true, n -> {});
                progress.done();
                double seconds = (System.nanoTime() - started) / 1e9;

                err.println("following every record with the ledger...");
                RecordLedger.Places landed = new RecordLedger.Places();
                PlacesReader.BucketLines raw = places.readBucket(s3, deployment.physicalId("RawBucket"), landed, false);
                PlacesReader.BucketLines processed =
                        places.readBucket(s3, deployment.physicalId("ProcessedBucket"), landed, true);
                places.readDeadLetters(sqs, s3, queues.processorDlq(), queues.transformerDlq(), landed);
                Map<String, Long> metadata = local.metadataCounts();
                long metadataOther = metadata.entrySet().stream()
                        .filter(e ->
                                e.getKey().startsWith("status:") && !e.getKey().equals("status:PROCESSED"))
                        .mapToLong(Map.Entry::getValue)
                        .sum();
                SoakVerdict.Counts counts = new SoakVerdict.Counts(
                        produced,
                        invalid,
                        ledger.reconcile(landed),
                        raw.rawObjects(),
                        metadata.getOrDefault("status:PROCESSED", 0L),
                        metadataOther);
                SoakVerdict.Result verdict = SoakVerdict.judge(taken, counts, SoakVerdict.Limits.defaults());
                new SoakReport(out)
                        .print(
                                taken,
                                counts,
                                verdict,
                                new SoakReport.Run(
                                        stages,
                                        seconds,
                                        producer.aggregates(),
                                        producer.aggregatedRecords(),
                                        pipeline,
                                        late,
                                        raw,
                                        processed,
                                        metadata,
                                        logs,
                                        options.plantedLeakBytes(),
                                        ledger.footprintBytes()));
                // Both functions ran as their template roles behind the emulator's IAM gate: a refused call fails.
                var denials = deployment.denials();
                out.printf(
                        "  iam             %,12d calls authorized against the template roles, %d denied%n",
                        deployment.iamGate().evaluated(), denials.size());
                denials.stream().limit(5).forEach(denial -> out.println("                  ! " + denial));
                return verdict.passed() && denials.isEmpty() ? 0 : 1;
            } finally {
                System.setOut(stdout);
            }
        }
    }
}
