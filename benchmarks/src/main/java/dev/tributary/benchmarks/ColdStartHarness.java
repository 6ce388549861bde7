package dev.tributary.benchmarks;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.common.json.Json;
import dev.tributary.devkit.AwsEmulator;
import dev.tributary.devkit.LambdaLayers;
import dev.tributary.devkit.LambdaRuntimeFiles;
import dev.tributary.devkit.PipelineResources;
import dev.tributary.devkit.RuntimeInterfaceEmulator;
import dev.tributary.toolkit.SamTemplate;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Cold starts through the real Lambda runtime interface: each run is a fresh execution environment, the real Runtime
 * Interface Emulator (the binary {@code sam local} uses; {@code scripts/install-rie.sh}) starting a JVM with the
 * Runtime Interface Client ({@code AWSLambda}, as Lambda's Java runtime does), started by devkit's
 * {@link RuntimeInterfaceEmulator} as {@code tributary invoke} does. Timed from the emulator's start to the arrival of
 * the response to the first event; the emulator's own log splits that into the runtime's init ({@code INIT REPORT})
 * and the first invocation ({@code INVOKE RTDONE}). The kinesis-processor handles a 100-record event
 * (three types, one invalid record) against the emulator named by {@code AWS_ENDPOINT_URL} (moto), in resources
 * created with devkit's {@link PipelineResources}: its first S3, DynamoDB and SQS calls are real HTTP calls.
 *
 * <p>Variants run interleaved (run 1 of each, run 2 of each, ...) so drift on a shared machine spreads over all.
 * After the timed runs, one more run per variant logs class loading and counts the classes loaded by then.
 *
 * <p>The processor runs as deployed: its own jar, then the common layer's {@code java/lib} jars (the template's
 * {@code CommonLayer}, extracted by devkit's {@link LambdaLayers} as Lambda extracts it to {@code /opt}). With
 * {@code --baseline-jar} (a self-contained shaded jar of the processor built before the layer existed), the
 * {@code processor-fat} variants run it alone, so the layer's cost or gain is a same-run ratio.
 *
 * <pre>ColdStartHarness --runs 20 --function-jar kinesis-processor/target/kinesis-processor.jar --out FILE
 *     [--layer-zip layer/target/common-layer.zip] [--baseline-jar FAT.jar] [--variants processor,trivial]</pre>
 */
public final class ColdStartHarness {
    /** The memory of the measured function (the processor's MemorySize in the template). */
    static final int MEMORY_MB = 1024;
    /**
     * Flags every variant shares: the heap Lambda's Java runtime gives a 1,024 MB function, its collector; tiered
     * compilation is what the variants differ in.
     */
    static final List<String> BASE_FLAGS = List.of(
            RuntimeInterfaceEmulator.heapFlag(MEMORY_MB),
            "-XX:+UseSerialGC",
            "-Xshare:auto",
            "-XX:-UsePerfData",
            "--enable-native-access=ALL-UNNAMED");

    static final String TIER1 = "-XX:TieredStopAtLevel=1";
    /** The template's logical id of the measured function (whose layers are put on the class path). */
    static final String PROCESSOR_FUNCTION = "KinesisProcessorFunction";

    record Variant(String name, String handler, List<String> classpath, List<String> flags) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        int runs = Integer.parseInt(options.getOrDefault("runs", "20"));
        Path functionJar =
                Path.of(options.getOrDefault("function-jar", "kinesis-processor/target/kinesis-processor.jar"));
        Path out = Path.of(options.getOrDefault("out", "benchmarks/target/cold-start.json"));
        Path logs = out.resolveSibling("cold-start-logs");
        Files.createDirectories(logs);

        List<String> ownClasspath =
                Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
        // What Lambda's Java runtime puts on the classpath itself (its /var/runtime/lib).
        // The RIC and its three runtime dependencies; without utils-lite the runtime dies after its first response
        // (NoClassDefFoundError), which the former in-process stand-in did not notice and the real emulator does.
        List<String> runtime = matching(
                ownClasspath,
                LambdaRuntimeFiles.RUNTIME_ARTIFACTS.stream()
                        .map(a -> "/" + a + "-")
                        .toArray(String[]::new));
        // This module's classes: target/classes under scripts/bench.sh, the module's jar under failsafe.
        List<String> benchmarkClasses = List.of(Path.of(ColdStartHarness.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .toString());
        // A trivial function's own jar: the events library and the Joda-Time it needs to be deserialised.
        List<String> events = matching(ownClasspath, "aws-lambda-java-events", "joda-time");
        List<String> crt = matching(ownClasspath, "aws-crt-client", "/crt/aws-crt/");
        Path templatePath = SamTemplate.locate();
        Path layerZip = options.containsKey("layer-zip")
                ? Path.of(options.get("layer-zip"))
                : LambdaLayers.contentZips(SamTemplate.load(templatePath), templatePath, PROCESSOR_FUNCTION)
                        .getFirst();
        // The function's code, then /opt/java/lib: the class path Lambda gives a function with the template's layer.
        List<String> function = concat(
                List.of(functionJar.toAbsolutePath().toString()),
                LambdaLayers.javaLibraries(layerZip).stream()
                        .map(Path::toString)
                        .toList());
        Path baselineJar = options.containsKey("baseline-jar") ? Path.of(options.get("baseline-jar")) : null;

        List<Variant> all = List.of(
                new Variant(
                        "trivial",
                        TrivialHandler.class.getName(),
                        concat(runtime, benchmarkClasses, events),
                        List.of()),
                new Variant(
                        "processor",
                        "dev.tributary.processor.KinesisProcessorHandler",
                        concat(runtime, function),
                        List.of()),
                new Variant(
                        "processor-crt",
                        "dev.tributary.benchmarks.processor.CrtKinesisProcessorHandler",
                        concat(runtime, function, benchmarkClasses, crt),
                        List.of()),
                new Variant(
                        "processor-primed-at-init",
                        "dev.tributary.benchmarks.processor.PrimedAtInitKinesisProcessorHandler",
                        concat(runtime, function, benchmarkClasses),
                        List.of()),
                new Variant(
                        "trivial-tier1",
                        TrivialHandler.class.getName(),
                        concat(runtime, benchmarkClasses, events),
                        List.of(TIER1)),
                new Variant(
                        "processor-tier1",
                        "dev.tributary.processor.KinesisProcessorHandler",
                        concat(runtime, function),
                        List.of(TIER1)),
                new Variant(
                        "processor-primed-at-init-tier1",
                        "dev.tributary.benchmarks.processor.PrimedAtInitKinesisProcessorHandler",
                        concat(runtime, function, benchmarkClasses),
                        List.of(TIER1)));
        all = new ArrayList<>(all);
        List<String> chosen = options.containsKey("variants")
                ? List.of(options.get("variants").split(","))
                : null;
        // Archives of a training invocation (written at exit), loaded by the timed runs. Both are only accepted by the
        // JVM build and class path that wrote them: measurable here, to be trained on Lambda's own runtime to deploy.
        // An AOT cache (JEP 483/514/515, Java 25): classes loaded and linked, lambdas and method profiles.
        Path aotCache = logs.resolve("processor.aot").toAbsolutePath();
        all.add(new Variant(
                "processor-aot-tier1",
                "dev.tributary.processor.KinesisProcessorHandler",
                concat(runtime, function),
                List.of(TIER1, "-XX:AOTCache=" + aotCache)));
        // A dynamic class-data sharing archive (JEP 350): the application's classes parsed and verified.
        Path cdsArchive = logs.resolve("processor.jsa").toAbsolutePath();
        all.add(new Variant(
                "processor-cds-tier1",
                "dev.tributary.processor.KinesisProcessorHandler",
                concat(runtime, function),
                List.of(TIER1, "-XX:SharedArchiveFile=" + cdsArchive)));
        // What a package can carry without any JVM-specific file: the same jars with their entries stored, not
        // deflated.
        all.add(new Variant(
                "processor-stored-tier1",
                "dev.tributary.processor.KinesisProcessorHandler",
                chosen == null || chosen.contains("processor-stored-tier1")
                        ? concat(runtime, UncompressedJars.copy(function, logs.resolve("stored")))
                        : List.of(),
                List.of(TIER1)));
        // Not a deployment option (a diagnostic flag that turns a safety check off): measures what bytecode
        // verification of the function's and the layer's classes costs, the share a CDS archive or AOT cache saves.
        all.add(new Variant(
                "processor-noverify-tier1",
                "dev.tributary.processor.KinesisProcessorHandler",
                concat(runtime, function),
                List.of(TIER1, "-XX:+UnlockDiagnosticVMOptions", "-XX:-BytecodeVerificationRemote")));
        if (baselineJar != null) {
            List<String> fat = List.of(baselineJar.toAbsolutePath().toString());
            all.add(new Variant(
                    "processor-fat",
                    "dev.tributary.processor.KinesisProcessorHandler",
                    concat(runtime, fat),
                    List.of()));
            all.add(new Variant(
                    "processor-fat-tier1",
                    "dev.tributary.processor.KinesisProcessorHandler",
                    concat(runtime, fat),
                    List.of(TIER1)));
        }
        List<Variant> variants = chosen == null
                ? all
                : all.stream().filter(v -> chosen.contains(v.name())).toList();
        if (chosen != null && variants.size() != chosen.size()) {
            throw new IllegalArgumentException("unknown variant in " + chosen + "; variants: "
                    + all.stream().map(Variant::name).toList());
        }
        Path rie = LambdaRuntimeFiles.rie(
                System.getenv(), SamTemplate.locate().getParent().getParent());

        AwsEmulator emulator = AwsEmulator.get();
        PipelineResources resources = PipelineResources.deploy(emulator, "coldstart", 1);
        Map<String, String> environment = new HashMap<>(emulator.operatorEnvironment());
        environment.putAll(resources.processorEnvironment());
        environment.put("AWS_DEFAULT_REGION", emulator.region().id());

        train(rie, variants, "processor-aot-tier1", aotCache, "-XX:AOTCacheOutput=", environment, logs);
        train(rie, variants, "processor-cds-tier1", cdsArchive, "-XX:ArchiveClassesAtExit=", environment, logs);
        Map<String, List<Invocation>> timings = new LinkedHashMap<>();
        Map<String, Integer> classesLoaded = new LinkedHashMap<>();
        Map<String, Double> handlerLoadedAt = new LinkedHashMap<>();
        Map<String, Integer> classesBeforeHandler = new LinkedHashMap<>();
        int sequence = 0;
        for (int run = 0; run < runs; run++) {
            for (Variant variant : variants) {
                // A new shard name per run: every run writes new objects, none meets an earlier one's.
                byte[] event = new BenchmarkBatch(100, String.format("shardId-%012d", ++sequence), run).eventJson();
                Invocation invocation = invoke(rie, variant, environment, event, List.of(), logs, false);
                timings.computeIfAbsent(variant.name(), k -> new ArrayList<>()).add(invocation);
                System.out.printf(
                        "%-32s run %2d: %6.0f ms to first response (init %5.0f ms, first event %5.0f ms,"
                                + " max memory %d MB)%n",
                        variant.name(),
                        run + 1,
                        invocation.totalMillis(),
                        invocation.initMillis(),
                        invocation.firstEventMillis(),
                        invocation.maxMemoryMb());
            }
        }
        for (Variant variant : variants) {
            Path classLog = logs.resolve(variant.name() + ".classes.log");
            Files.deleteIfExists(classLog);
            byte[] event = new BenchmarkBatch(100, String.format("shardId-%012d", ++sequence), 7).eventJson();
            invoke(rie, variant, environment, event, List.of("-Xlog:class+load=info:file=" + classLog), logs, false);
            List<String> loaded;
            try (Stream<String> lines = Files.lines(classLog)) {
                loaded = lines.filter(line -> line.contains(" source: ")).toList();
            }
            classesLoaded.put(variant.name(), loaded.size());
            // The split of the init: the JVM and the runtime client are up when the handler's class is loaded
            // (uptime decoration of -Xlog), the rest of the init is the handler's constructor (clients, schemas).
            String handlerClass = variant.handler().split("::")[0];
            loaded.stream()
                    .filter(line -> line.contains("] " + handlerClass + " source: "))
                    .findFirst()
                    .map(line -> Double.parseDouble(line.substring(1, line.indexOf("s]"))) * 1000)
                    .ifPresent(ms -> handlerLoadedAt.put(variant.name(), ms));
            classesBeforeHandler.put(variant.name(), (int) loaded.stream()
                    .takeWhile(line -> !line.contains("] " + handlerClass + " source: "))
                    .count());
        }
        write(
                out,
                runs,
                variants,
                timings,
                classesLoaded,
                functionJar,
                layerZip,
                baselineJar,
                handlerLoadedAt,
                classesBeforeHandler);
        System.out.println("cold starts written to " + out);
        if (chosen == null || chosen.contains("trivial-tier1")) {
            RatioInterval.main(new String[] {out.toString(), "trivial-tier1"});
        }
    }

    /**
     * Writes {@code archive} with one invocation of {@code variantName}'s class path and handler, without the archive
     * flag it is timed with, plus {@code trainingFlag}: the JVM writes the archive when the runtime exits (SIGTERM).
     */
    private static void train(
            Path rie,
            List<Variant> variants,
            String variantName,
            Path archive,
            String trainingFlag,
            Map<String, String> environment,
            Path logs)
            throws IOException {
        Variant timed = variants.stream()
                .filter(v -> v.name().equals(variantName))
                .findFirst()
                .orElse(null);
        if (timed == null) {
            return;
        }
        Files.deleteIfExists(archive);
        Variant training = new Variant(
                variantName.replace("-tier1", "-training"), timed.handler(), timed.classpath(), List.of(TIER1));
        byte[] event = new BenchmarkBatch(100, "shardId-" + training.name(), 0).eventJson();
        invoke(rie, training, environment, event, List.of(trainingFlag + archive), logs, true);
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException(
                    "the training run wrote no archive " + archive + "; see " + logs.resolve(training.name() + ".log"));
        }
        System.out.printf("%s: %s, %,d bytes%n", training.name(), archive, Files.size(archive));
    }

    /**
     * One fresh execution environment: from the emulator's start to the response (total), the runtime's init and the
     * first invocation as the emulator logs them, and the runtime's peak resident memory.
     */
    record Invocation(double totalMillis, double initMillis, double firstEventMillis, long maxMemoryMb) {}

    private static Invocation invoke(
            Path rie,
            Variant variant,
            Map<String, String> environment,
            byte[] event,
            List<String> extraFlags,
            Path logs,
            boolean exitNormally)
            throws IOException {
        List<String> flags = new ArrayList<>(BASE_FLAGS);
        flags.addAll(variant.flags());
        flags.addAll(extraFlags);
        if (flags.stream().anyMatch(flag -> flag.startsWith("-XX:AOTCache"))) {
            flags.remove(
                    "-Xshare:auto"); // the JVM refuses any -Xshare option next to the AOT cache ones (it is implied)
        }
        var launch = new RuntimeInterfaceEmulator.Launch(
                rie,
                Path.of(System.getProperty("java.home"), "bin", "java"),
                variant.classpath().stream().map(Path::of).toList(),
                variant.handler(),
                "tributary-cold-start",
                MEMORY_MB,
                120,
                environment,
                flags);
        Path log = logs.resolve(variant.name() + ".log");
        try (PrintStream sink = new PrintStream(
                        Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                        true,
                        java.nio.charset.StandardCharsets.UTF_8);
                var emulator =
                        RuntimeInterfaceEmulator.start(launch, sink::println, line -> sink.println("[rie] " + line))) {
            RuntimeInterfaceEmulator.Invocation invocation = emulator.invoke(event);
            if (invocation.outcome() != RuntimeInterfaceEmulator.Outcome.SUCCESS
                    || !invocation.body().contains("batchItemFailures")
                    || invocation.body().matches(".*\"itemIdentifier\".*")) {
                throw new IllegalStateException(variant.name() + " did not handle the event (" + invocation.outcome()
                        + ", HTTP " + invocation.httpStatus() + "): " + invocation.body());
            }
            if (Double.isNaN(invocation.durationMillis())) {
                throw new IllegalStateException(variant.name() + ": the emulator logged no INVOKE RTDONE duration");
            }
            sink.println(invocation.reportLine());
            if (exitNormally && !emulator.stopRuntime(java.time.Duration.ofMinutes(5))) {
                throw new IllegalStateException(variant.name() + ": the runtime did not exit within 5 minutes");
            }
            return new Invocation(
                    invocation.sinceStartNanos() / 1e6,
                    invocation.initMillis().orElse(Double.NaN),
                    invocation.durationMillis(),
                    invocation.maxMemoryMb());
        }
    }

    private static void write(
            Path out,
            int runs,
            List<Variant> variants,
            Map<String, List<Invocation>> timings,
            Map<String, Integer> classesLoaded,
            Path functionJar,
            Path layerZip,
            Path baselineJar,
            Map<String, Double> handlerLoadedAt,
            Map<String, Integer> classesBeforeHandler)
            throws IOException {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("runs", runs);
        root.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        root.put("base_flags", String.join(" ", BASE_FLAGS));
        root.put("runtime_api", "AWS Lambda Runtime Interface Emulator (the SAM CLI's aws-lambda-rie)");
        root.put("function_jar_bytes", Files.size(functionJar));
        root.put("layer_zip_bytes", Files.size(layerZip));
        if (baselineJar != null) {
            root.put("baseline_jar_bytes", Files.size(baselineJar));
        }
        ObjectNode byVariant = root.putObject("variants");
        for (Variant variant : variants) {
            ObjectNode node = byVariant.putObject(variant.name());
            node.put("handler", variant.handler());
            node.put("flags", String.join(" ", variant.flags()));
            node.put("classes_loaded", classesLoaded.get(variant.name()));
            node.put("classes_before_handler", classesBeforeHandler.get(variant.name()));
            if (handlerLoadedAt.containsKey(variant.name())) {
                node.put("handler_class_loaded_at_ms", handlerLoadedAt.get(variant.name()));
            }
            ArrayNode total = node.putArray("total_ms");
            ArrayNode init = node.putArray("init_ms");
            ArrayNode first = node.putArray("first_event_ms");
            ArrayNode memory = node.putArray("max_memory_mb");
            for (Invocation invocation : timings.get(variant.name())) {
                total.add(invocation.totalMillis());
                init.add(invocation.initMillis());
                first.add(invocation.firstEventMillis());
                memory.add(invocation.maxMemoryMb());
            }
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Json.mapper().writerWithDefaultPrettyPrinter().writeValue(out.toFile(), root);
    }

    @SafeVarargs
    @SuppressWarnings("varargs") // parts is only read, never stored or exposed: the @SafeVarargs promise holds
    private static List<String> concat(List<String>... parts) {
        return Stream.of(parts).flatMap(List::stream).distinct().toList();
    }

    private static List<String> matching(List<String> classpath, String... fragments) {
        List<String> found = classpath.stream()
                .filter(entry -> Stream.of(fragments).anyMatch(entry::contains))
                .collect(Collectors.toList());
        if (found.isEmpty()) {
            throw new IllegalStateException("nothing on the classpath matches " + Arrays.toString(fragments));
        }
        return found;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return options;
    }
}
