package dev.tributary.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.UnixOperatingSystemMXBean;
import dev.tributary.common.aws.AwsClientFactory;
import dev.tributary.common.config.Env;
import dev.tributary.common.json.Json;
import dev.tributary.common.layout.ObjectKeys;
import dev.tributary.devkit.AsyncInvocationSimulator;
import dev.tributary.devkit.AwsEmulator;
import dev.tributary.devkit.KinesisEventSourceSimulator;
import dev.tributary.toolkit.KplAggregator;
import dev.tributary.devkit.LocalDeployment;
import dev.tributary.devkit.MetadataTally;
import dev.tributary.devkit.PipelineResources;
import dev.tributary.toolkit.SamTemplate;
import dev.tributary.toolkit.StreamProducer;
import dev.tributary.processor.KinesisProcessorHandler;
import dev.tributary.transformer.S3TransformerHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Soak: the kinesis-processor and the s3-transformer under sustained load through the emulator, with the heap,
 * threads, file descriptors and sockets sampled after every round, and a verdict ({@link SoakVerdict}).
 *
 * <p>One processor handler and one transformer handler serve the whole run, as one warm Lambda container would, so
 * whatever they keep per batch or per object accumulates. Each round puts {@code --round} sample events on the
 * deployed stream (PutRecords of 500), drains them through the processor the way the event source mapping does
 * ({@link KinesisEventSourceSimulator}), then delivers the raw bucket's S3 notifications to the transformer (with
 * Lambda's asynchronous retries), and samples. At the end every event must be accounted for: raw + quarantined =
 * produced, every raw object PROCESSED, processed records = raw records. Exits 1 when anything leaked or disagrees.
 *
 * <p>A share of the events ({@code --kpl-share}, default 0.25) comes from KPL-aggregating producers, so the verdict
 * also covers de-aggregation: raw + quarantined still counts user records.
 *
 * <pre>SoakHarness [--events 100000] [--round 5000] [--kpl-share 0.25]</pre>
 *
 * <p>Needs {@code AWS_ENDPOINT_URL} (scripts/soak.sh starts or reuses moto).
 */
public final class SoakHarness {
    private static final String PROCESSOR = "KinesisProcessorFunction";
    private static final String TRANSFORMER = "S3TransformerFunction";
    private static final double INVALID_SHARE = 0.01;
    private static final double MB = 1024.0 * 1024.0;

    private final PrintStream out;
    private final PrintStream err;
    private final long events;
    private final int roundSize;
    private final int plantedLeakBytes;
    private final double kplShare;
    private long aggregates;
    private long aggregatedRecords;
    /** What {@code --plant-leak} keeps: proof that the verdict catches a leak of that size. */
    private final List<byte[]> planted = new ArrayList<>();

    private SoakHarness(PrintStream out, PrintStream err, long events, int roundSize, int plantedLeakBytes,
            double kplShare) {
        this.out = out;
        this.kplShare = kplShare;
        this.err = err;
        this.events = events;
        this.roundSize = roundSize;
        this.plantedLeakBytes = plantedLeakBytes;
    }

    public static void main(String[] args) throws Exception {
        long events = 100_000;
        int round = 5_000;
        int plantLeak = 0;
        double kplShare = 0.25;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--events" -> events = Long.parseLong(args[++i].replace("_", "").replace(",", ""));
                case "--round" -> round = Integer.parseInt(args[++i].replace("_", "").replace(",", ""));
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
        if (events < 1 || round < 1 || plantLeak < 0 || kplShare < 0 || kplShare > 1) {
            System.err.println("--events and --round must be positive, --plant-leak not negative, --kpl-share 0 to 1");
            System.exit(2);
        }
        int status = new SoakHarness(System.out, System.err, events, round, plantLeak, kplShare).run();
        System.exit(status);
    }

    private int run() throws IOException {
        AwsEmulator emulator = AwsEmulator.get();
        AwsClientFactory clients = emulator.clients();
        int rounds = (int) ((events + roundSize - 1) / roundSize);
        err.printf("Tributary soak: %,d events in %d rounds of up to %,d, %s%n", events, rounds, roundSize,
                emulator.description());
        if (plantedLeakBytes > 0) {
            err.printf("planting a leak: %,d bytes kept per event delivered to the processor%n", plantedLeakBytes);
        }
        LocalDeployment deployment = LocalDeployment.deploy(SamTemplate.load(SamTemplate.locate()), emulator,
                "soak-" + UUID.randomUUID().toString().substring(0, 8), Map.of("ShardCount", "2"));
        deployment.notes().forEach(note -> err.println("note: " + note));
        String stream = deployment.physicalId("EventStream");
        String processorDlq = deployment.physicalId("ProcessorDeadLetterQueue");
        String transformerDlq = deployment.physicalId("TransformerDeadLetterQueue");
        String notifications = deployment.notificationQueueUrl("RawBucket")
                .orElseThrow(() -> new IllegalStateException("the template gives the raw bucket no notification"));
        int asyncRetries = Integer.parseInt(deployment.parameter("AsyncMaxRetryAttempts"));
        Map<String, String> transformerEnv = deployment.functionEnvironment(TRANSFORMER);

        try (KinesisClient kinesis = clients.configure(KinesisClient.builder()).build();
                S3Client s3 = clients.s3();
                SqsClient sqs = clients.configure(SqsClient.builder()).build();
                DynamoDbClient dynamoDb = clients.dynamoDb();
                SsmClient ssm = clients.configure(SsmClient.builder()).build()) {
            String parameter = transformerEnv.get("PII_HMAC_KEY_PARAMETER");
            if (parameter != null) { // the function reads its key from this SecureString, as in AWS
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                ssm.putParameter(b -> b.name(parameter).type("SecureString").overwrite(true)
                        .value(Base64.getEncoder().encodeToString(key)));
            }
            KinesisEventSourceSimulator esm = new KinesisEventSourceSimulator(kinesis,
                    Optional.of(sqs), emulator.region(), deployment.kinesisSettings(PROCESSOR));
            SampleEvents samples = new SampleEvents(42);
            Progress progress = new Progress(err, events, rounds);
            List<SoakVerdict.Sample> taken = new ArrayList<>();
            List<double[]> stages = new ArrayList<>(); // per round: produce, process, transform, CPU seconds
            long produced = 0;
            long invalid = 0;
            long givenUp = 0;
            long deadLettered = 0;
            long notified = 0;
            long retries = 0;
            long invocations = 0;

            // The handlers log one JSON line per invocation to standard output, as in Lambda, and keep the stream
            // they found at construction: they get a counting sink for the whole run, the harness speaks on `out`.
            LogLines logs = new LogLines();
            PrintStream stdout = System.out;
            System.setOut(new PrintStream(logs, false, StandardCharsets.UTF_8));
            long started = System.nanoTime();
            try {
                KinesisProcessorHandler processor = new KinesisProcessorHandler(new Env(
                        deployment.functionEnvironment(PROCESSOR)));
                S3TransformerHandler transformer = new S3TransformerHandler(new Env(transformerEnv));
                for (int round = 1; round <= rounds; round++) {
                    int size = (int) Math.min(roundSize, events - produced);
                    long before = produced;
                    long t0 = System.nanoTime();
                    long cpu0 = cpuNanos();
                    List<SampleEvents.Sample> batch = samples.next(size, Instant.now());
                    invalid += batch.stream().filter(s -> !s.valid()).count();
                    progress.stage(round, "produce");
                    // A fresh stream per round: moto's shards slow down quadratically as they fill (put_record copies
                    // every key to find the last), which would measure the emulator, not the handlers. The handlers
                    // are stream-agnostic (the name is only part of object names), so they stay warm across rounds.
                    String roundStream = stream + "-r" + round;
                    kinesis.createStream(b -> b.streamName(roundStream).shardCount(2));
                    String roundArn = PipelineResources.awaitActive(kinesis, roundStream);
                    long kinesisRecords = produce(kinesis, roundStream, batch, produced);
                    produced += size;
                    long t1 = System.nanoTime();

                    progress.stage(round, "process");
                    long[] delivered = {0};
                    KinesisEventSourceSimulator.Report report = esm.drain(roundStream, roundArn, event -> {
                        var response = processor.handleRequest(event, null);
                        if (plantedLeakBytes > 0) {
                            event.getRecords().forEach(r -> planted.add(new byte[plantedLeakBytes]));
                        }
                        delivered[0] += event.getRecords().size();
                        progress.update(before + Math.min(kinesisRecords, delivered[0]) * size / kinesisRecords / 2,
                                String.format("%,d records", delivered[0]));
                        return response;
                    }, processorDlq);
                    givenUp += report.sentToOnFailure().size();
                    invocations += report.invocations();
                    if (report.records() != kinesisRecords) {
                        throw new IllegalStateException("round " + round + " read " + report.records()
                                + " records from the stream, produced " + kinesisRecords);
                    }

                    kinesis.deleteStream(b -> b.streamName(roundStream)); // drained: free the emulator's memory
                    long t2 = System.nanoTime();
                    progress.stage(round, "transform");
                    Transformed t = transform(sqs, emulator.region().id(), transformer, notifications, transformerDlq,
                            asyncRetries, false,
                            n -> progress.update(before + size / 2, String.format("%,d objects", n)));
                    notified += t.notifications();
                    retries += t.retries();
                    deadLettered += t.deadLettered();
                    long t3 = System.nanoTime();
                    stages.add(new double[] {(t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9,
                            (cpuNanos() - cpu0) / 1e9});

                    SoakVerdict.Sample sample = measure(round, produced, (System.nanoTime() - started) / 1e9);
                    taken.add(sample);
                    progress.sampled(produced, sample);
                }
                // Anything S3 notified late (an emulator that delivers asynchronously) is transformed before counting.
                Transformed late = transform(sqs, emulator.region().id(), transformer, notifications, transformerDlq,
                        asyncRetries, true,
                        n -> {});
                notified += late.notifications();
                deadLettered += late.deadLettered();
                retries += late.retries();
                progress.done();
                double seconds = (System.nanoTime() - started) / 1e9;

                err.println("counting what landed...");
                Landed raw = Landed.read(s3, deployment.physicalId("RawBucket"));
                Landed processed = Landed.read(s3, deployment.physicalId("ProcessedBucket"));
                Map<String, Long> metadata = MetadataTally.count(dynamoDb, deployment.physicalId("MetadataTable"));
                long metadataProcessed = metadata.getOrDefault("status:PROCESSED", 0L);
                long metadataOther = metadata.entrySet().stream()
                        .filter(e -> e.getKey().startsWith("status:") && !e.getKey().equals("status:PROCESSED"))
                        .mapToLong(Map.Entry::getValue).sum();
                SoakVerdict.Counts counts = new SoakVerdict.Counts(produced, invalid, raw.rawObjects, raw.rawRecords,
                        raw.failedRecords, processed.processedRecords, metadataProcessed, metadataOther,
                        metadata.getOrDefault("records_in", 0L), givenUp, deadLettered);
                SoakVerdict.Result verdict = SoakVerdict.judge(taken, counts, SoakVerdict.Limits.defaults());
                summary(taken, stages, counts, verdict, seconds, invocations, notified, retries, late.notifications(), raw,
                        processed, metadata, logs);
                // Both functions ran as their template roles behind the emulator's IAM gate: a refused call fails.
                var denials = deployment.denials();
                out.printf("  iam             %,12d calls authorized against the template roles, %d denied%n",
                        deployment.iamGate().evaluated(), denials.size());
                denials.stream().limit(5).forEach(denial -> out.println("                  ! " + denial));
                return verdict.passed() && denials.isEmpty() ? 0 : 1;
            } finally {
                System.setOut(stdout);
            }
        }
    }

    /**
     * Puts a round's events through toolkit's {@link StreamProducer} (partition keys spread them over the shards; a
     * share comes from KPL-aggregating producers) and returns how many Kinesis records the stream accepted.
     */
    private long produce(KinesisClient kinesis, String stream, List<SampleEvents.Sample> batch, long offset) {
        StreamProducer producer = new StreamProducer(kinesis, stream,
                new StreamProducer.Settings(kplShare, KplAggregator.DEFAULT_MAX_BYTES, 8, offset));
        List<KplAggregator.UserRecord> records = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            records.add(new KplAggregator.UserRecord(Long.toString(offset + i),
                    batch.get(i).json().getBytes(StandardCharsets.UTF_8)));
        }
        producer.send(records, accepted -> {});
        StreamProducer.Tally tally = producer.tally();
        if (tally.failed > 0) {
            throw new IllegalStateException(tally.failed + " records were refused by the stream");
        }
        aggregates += tally.aggregates;
        aggregatedRecords += tally.aggregatedUserRecords;
        return tally.kinesisRecords;
    }

    private record Transformed(int notifications, int retries, int deadLettered) {}

    /**
     * Delivers the notification queue's S3 events to the transformer as S3 → Lambda would. Moto queues
     * notifications during PutObject, so a round stops at the first empty polls; the final sweep ({@code patient})
     * long-polls in case an emulator does not.
     */
    private static Transformed transform(SqsClient sqs, String region, S3TransformerHandler transformer, String queue,
            String deadLetterQueue, int retriesAllowed, boolean patient, java.util.function.IntConsumer progress) {
        AsyncInvocationSimulator.Report report = new AsyncInvocationSimulator(sqs, region).deliver(queue,
                event -> transformer.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)),
                        new ByteArrayOutputStream(), null),
                retriesAllowed, deadLetterQueue, "s3-transformer", patient, progress);
        return new Transformed(report.notifications(), report.retries(), report.deadLettered());
    }

    private static long cpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }

    /** Live set and resources after a round: heap after full collections, threads, descriptors, sockets. */
    static SoakVerdict.Sample measure(int round, long events, double seconds) {
        System.gc();
        sleep(50);
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        long fds = ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? unix.getOpenFileDescriptorCount() : -1;
        return new SoakVerdict.Sample(round, events, seconds, heap, threads, virtualThreads(), fds, sockets());
    }

    /**
     * Virtual threads alive besides the JDK's own (ThreadMXBean counts only platform threads): from a JSON thread
     * dump, which lists every virtual thread since JDK 21 tracks them all; -1 when no dump could be taken.
     */
    static int virtualThreads() {
        Path dump = null;
        try {
            dump = Files.createTempFile("tributary-soak-threads", ".json");
            Files.delete(dump); // dumpThreads refuses to overwrite
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            int virtual = 0;
            for (JsonNode container : Json.mapper().readTree(dump.toFile()).path("threadDump")
                    .path("threadContainers")) {
                for (JsonNode thread : container.path("threads")) {
                    // The JDK's I/O pollers run as virtual threads ("SubPoller-N", one per carrier): not ours.
                    virtual += thread.path("virtual").asBoolean(false)
                            && !thread.path("name").asText().startsWith("SubPoller-") ? 1 : 0;
                }
            }
            return virtual;
        } catch (IOException | RuntimeException e) {
            return -1;
        } finally {
            if (dump != null) {
                try {
                    Files.deleteIfExists(dump);
                } catch (IOException ignored) {
                    // a temp file
                }
            }
        }
    }

    /** Open sockets of this process ({@code /proc/self/fd} links to {@code socket:[inode]}), -1 without /proc. */
    static long sockets() {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return -1;
        }
        long sockets = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(fds)) {
            for (Path fd : entries) {
                try {
                    sockets += Files.readSymbolicLink(fd).toString().startsWith("socket:") ? 1 : 0;
                } catch (IOException e) {
                    // closed since the listing
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return sockets;
    }

    private void summary(List<SoakVerdict.Sample> samples, List<double[]> stages, SoakVerdict.Counts counts, SoakVerdict.Result verdict,
            double seconds, long invocations, long notified, long retries, long late, Landed raw, Landed processed,
            Map<String, Long> metadata, LogLines logs) {
        SoakVerdict.Sample first = verdict.first();
        SoakVerdict.Sample last = verdict.last();
        SoakVerdict.Sample base = verdict.heapBaseline();
        double[] rates = new double[samples.size()];
        for (int i = 0; i < samples.size(); i++) {
            double previous = i == 0 ? 0 : samples.get(i - 1).seconds();
            long n = samples.get(i).events() - (i == 0 ? 0 : samples.get(i - 1).events());
            rates[i] = n / Math.max(1e-9, samples.get(i).seconds() - previous);
        }
        out.println();
        out.printf("Tributary soak: %,d events through Kinesis -> processor -> S3 -> transformer, one warm handler "
                + "each%n%n", counts.produced());
        out.printf("  %-3s %9s %7s %9s %6s %6s %6s %6s %9s %8s %8s %5s %8s%n", "rnd", "events", "s", "events/s",
                "put s", "proc s", "xfrm s", "cpu s", "heap MB", "threads", "virtual", "fds", "sockets");
        for (int i = 0; i < samples.size(); i++) {
            SoakVerdict.Sample s = samples.get(i);
            double[] t = stages.get(i);
            out.printf("  %3d %,9d %7.1f %,9.0f %6.1f %6.1f %6.1f %6.1f %9.2f %8d %8d %5d %8d%n", s.round(),
                    s.events(), s.seconds(), rates[i], t[0], t[1], t[2], t[3], s.heapBytes() / MB, s.threads(),
                    s.virtualThreads(), s.fds(), s.sockets());
        }
        out.println("  (put: PutRecords; proc: processor through the event source mapping; xfrm: transformer over the "
                + "notifications; cpu: this JVM's CPU time in the round, the rest is the emulator or other load)");
        out.println();
        out.printf("  events          %,12d in %d rounds (%,d invocations of the processor, %,d notifications to the "
                + "transformer, %d retries, %d late)%n", counts.produced(), samples.size(), invocations, notified,
                retries, late);
        out.printf("  KPL             %12s  %,d events in %,d aggregated Kinesis records (%.1f per aggregate)%n", "",
                aggregatedRecords, aggregates, aggregates == 0 ? 0 : aggregatedRecords / (double) aggregates);
        out.printf("  elapsed         %12.1f s  (%,.0f events/s through both functions; rounds %,.0f-%,.0f "
                + "events/s)%n", seconds, counts.produced() / seconds, min(rates), max(rates));
        out.printf("  heap (post-GC)  %12s  round 1 %.2f MB, round %d %.2f MB, last %.2f MB (%+.2f MB); slope %s%n",
                "", first.heapBytes() / MB, base.round(), base.heapBytes() / MB, last.heapBytes() / MB,
                (last.heapBytes() - base.heapBytes()) / MB, Double.isNaN(verdict.slopeBytesPer10k())
                        ? "n/a (fewer than 3 rounds after warm-up to fit)"
                        : String.format("%+.3f MB per 10,000 events over rounds %d-%d",
                                verdict.slopeBytesPer10k() / MB, verdict.fitFrom(), last.round()));
        out.printf("  threads         %12s  platform %d -> %d, virtual %d -> %d (after round 1 -> end)%n", "",
                first.threads(), last.threads(), first.virtualThreads(), last.virtualThreads());
        out.printf("  descriptors     %12s  fds %d -> %d, sockets %d -> %d%n", "", first.fds(), last.fds(),
                first.sockets(), last.sockets());
        out.printf("  conservation    %12s  produced %,d = raw %,d (%,d objects) + quarantined %,d (generated "
                + "invalid %,d)%n", "", counts.produced(), counts.rawRecords(), counts.rawObjects(),
                counts.quarantinedRecords(), counts.generatedInvalid());
        out.printf("                  %12s  metadata %s; transformer read %,d; processed %,d records in %,d objects; "
                + "%d batches given up, %d dead-lettered%n", "", statuses(metadata), counts.transformerRead(),
                counts.processedRecords(), processed.processedObjects, counts.batchesGivenUp(), counts.deadLettered());
        out.printf("  handler logs    %12s  %,d lines, %,d WARN/ERROR%n", "", logs.lines, logs.warnings);
        SoakVerdict.Limits limits = SoakVerdict.Limits.defaults();
        out.printf("  limits          %12s  slope < %.1f MB/10k events, growth <= %.0f MB, threads +%d, fds +%d, "
                + "sockets +%d%n", "", limits.maxSlopeBytesPer10k() / MB, limits.maxGrowthBytes() / MB,
                limits.threadSlack(), limits.fdSlack(), limits.socketSlack());
        if (plantedLeakBytes > 0) {
            out.printf("  planted leak    %12s  %,d bytes per event kept on purpose (%.1f MB in all)%n", "",
                    plantedLeakBytes, (double) planted.size() * plantedLeakBytes / MB);
        }
        out.printf("  verdict         %12s%n", verdict.passed() ? "PASS" : "FAIL");
        verdict.problems().forEach(problem -> out.println("                  ! " + problem));
        out.flush();
    }

    private static String statuses(Map<String, Long> metadata) {
        StringBuilder text = new StringBuilder();
        metadata.forEach((k, v) -> {
            if (k.startsWith("status:")) {
                text.append(text.isEmpty() ? "" : ", ").append(String.format("%,d %s", v, k.substring(7)));
            }
        });
        return text.isEmpty() ? "no items" : text.toString();
    }

    private static double min(double[] values) {
        double min = Double.MAX_VALUE;
        for (double v : values) {
            min = Math.min(min, v);
        }
        return min;
    }

    private static double max(double[] values) {
        double max = 0;
        for (double v : values) {
            max = Math.max(max, v);
        }
        return max;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sample events of the three example types, about 1 % invalid in different ways (cli's SampleEvents, short). */
    static final class SampleEvents {
        record Sample(String json, boolean valid) {}

        private static final String[] PAGES = {"/", "/search", "/product/42", "/cart", "/checkout"};
        private static final String[] AGENTS = {
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"};
        private final SplittableRandom random;

        SampleEvents(long seed) {
            this.random = new SplittableRandom(seed);
        }

        List<Sample> next(int count, Instant now) {
            List<Sample> samples = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String id = new UUID(random.nextLong(), random.nextLong()).toString();
                samples.add(random.nextDouble() < INVALID_SHARE ? new Sample(invalid(id, now), false)
                        : new Sample(valid(id, now.minusSeconds(random.nextInt(2 * 3600)).toString()), true));
            }
            return samples;
        }

        private String valid(String id, String time) {
            return switch (random.nextInt(3)) {
                case 0 -> envelope(id, "page_view", time, "{\"page_url\":\"https://shop.example.com"
                        + PAGES[random.nextInt(PAGES.length)] + "?ref=" + random.nextInt(100) + "\",\"tti_ms\":"
                        + (300 + random.nextInt(4000)) + ",\"ttar_ms\":" + (50 + random.nextInt(900))
                        + ",\"user_id\":\"u-" + random.nextInt(5000) + "\",\"session_id\":\"s-"
                        + random.nextInt(100000) + "\",\"user_agent\":\"" + AGENTS[random.nextInt(AGENTS.length)]
                        + "\"}");
                case 1 -> envelope(id, "sensor_reading", time, "{\"device_id\":\"sensor-" + random.nextInt(50)
                        + "\",\"metric\":\"temperature\",\"value\":" + (random.nextInt(10000) / 100.0 - 20)
                        + ",\"unit\":\"si\",\"firmware\":\"2.4." + random.nextInt(9) + "\"}");
                default -> envelope(id, "payment", time, "{\"transaction_id\":\"tx-" + random.nextInt(1_000_000)
                        + "\",\"amount\":\"" + random.nextInt(500) + "." + String.format("%02d", random.nextInt(100))
                        + "\",\"currency\":\"EUR\",\"status\":\"captured\",\"customer_id\":\"c-"
                        + random.nextInt(3000) + "\",\"card_last4\":\"" + String.format("%04d", random.nextInt(10000))
                        + "\"}");
            };
        }

        private String invalid(String id, Instant now) {
            return switch (random.nextInt(4)) {
                case 0 -> "{\"event_id\":\"" + id + "\",\"truncated";
                case 1 -> envelope(id, "page_view", "last tuesday", "{\"page_url\":\"https://a.example/\"}");
                case 2 -> envelope(id, "../../etc", now.toString(), "{}");
                default -> envelope(id, "payment", now.toString(), "{\"transaction_id\":\"t\",\"amount\":12.5}");
            };
        }

        private static String envelope(String id, String type, String time, String payload) {
            return "{\"event_id\":\"" + id + "\",\"event_type\":\"" + type + "\",\"event_time\":\"" + time
                    + "\",\"source\":\"tributary-soak\",\"schema_version\":1,\"payload\":" + payload + "}";
        }
    }

    /** The handlers' standard output: counted (lines, WARN/ERROR lines), not kept. */
    static final class LogLines extends OutputStream {
        private static final byte[] WARN = "\"level\":\"WARN\"".getBytes(StandardCharsets.UTF_8);
        private static final byte[] ERROR = "\"level\":\"ERROR\"".getBytes(StandardCharsets.UTF_8);
        private final byte[] head = new byte[96]; // the level is among a line's first fields
        private int length;
        volatile long lines;
        volatile long warnings;

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                lines++;
                if (contains(WARN) || contains(ERROR)) {
                    warnings++;
                }
                length = 0;
            } else if (length < head.length) {
                head[length++] = (byte) b;
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        private boolean contains(byte[] needle) {
            outer:
            for (int i = 0; i + needle.length <= length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (head[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        }
    }

    /** A one-line progress bar on standard error, redrawn in place; a line per round when not on a terminal. */
    static final class Progress {
        private static final int WIDTH = 30;
        private final PrintStream err;
        private final long total;
        private final int rounds;
        private final boolean terminal = System.console() != null && System.console().isTerminal();
        private final long started = System.nanoTime();
        private long lastDraw;
        private int round;
        private String stage = "";
        private String last = "";

        Progress(PrintStream err, long total, int rounds) {
            this.err = err;
            this.total = Math.max(1, total);
            this.rounds = rounds;
        }

        void stage(int round, String stage) {
            this.round = round;
            this.stage = stage;
        }

        void update(long done, String detail) {
            long now = System.nanoTime();
            if (terminal && now - lastDraw > 200_000_000L) {
                lastDraw = now;
                stage = stage.split(" ")[0] + " " + detail;
                draw(done, true);
            }
        }

        void sampled(long done, SoakVerdict.Sample sample) {
            last = String.format("  heap %.1f MB  threads %d  fds %d  sockets %d", sample.heapBytes() / MB,
                    sample.threads(), sample.fds(), sample.sockets());
            stage = "sampled";
            draw(done, terminal);
        }

        void done() {
            if (terminal) {
                err.println();
            }
        }

        private void draw(long done, boolean inPlace) {
            int percent = (int) (100 * done / total);
            int filled = WIDTH * percent / 100;
            double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
            String line = String.format("soak [%s%s] %3d%% %,d/%,d  round %d/%d  %-24s %,.0f events/s%s",
                    "#".repeat(filled), " ".repeat(WIDTH - filled), percent, done, total, round, rounds, stage,
                    done / seconds, last);
            if (inPlace) {
                err.print("\r" + line + "\033[K");
            } else {
                err.println(line);
            }
            err.flush();
        }
    }

    /** Records under raw/, failed/ and processed/ of a bucket (lines of every JSON Lines object). */
    static final class Landed {
        long rawObjects;
        long rawRecords;
        long failedRecords;
        long processedObjects;
        long processedRecords;

        static Landed read(S3Client s3, String bucket) {
            Landed landed = new Landed();
            for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
                String key = object.key();
                if (!key.endsWith(".jsonl") && !key.endsWith(".jsonl.gz")) {
                    continue;
                }
                long lines;
                try (InputStream body = s3.getObject(b -> b.bucket(bucket).key(key));
                        InputStream in = key.endsWith(".gz") ? new GZIPInputStream(body) : body) {
                    lines = countLines(in);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read s3://" + bucket + "/" + key, e);
                }
                if (key.startsWith(ObjectKeys.RAW_PREFIX)) {
                    landed.rawObjects++;
                    landed.rawRecords += lines;
                } else if (key.startsWith(ObjectKeys.FAILED_PREFIX)) {
                    landed.failedRecords += lines;
                } else if (key.startsWith(ObjectKeys.PROCESSED_PREFIX)) {
                    landed.processedObjects++;
                    landed.processedRecords += lines;
                }
            }
            return landed;
        }

        private static long countLines(InputStream in) throws IOException {
            long lines = 0;
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    lines += buffer[i] == '\n' ? 1 : 0;
                }
            }
            return lines;
        }
    }
}
