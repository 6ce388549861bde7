package dev.tributary.benchmarks;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.common.json.Json;
import dev.tributary.devkit.AwsEmulator;
import dev.tributary.devkit.PipelineResources;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Cold starts through the real Lambda runtime interface: each run is a fresh JVM running the Runtime Interface
 * Client ({@code AWSLambda}, as Lambda's Java runtime does) against {@link RuntimeApiServer}, timed from process
 * start to the moment its response to the first event arrives. The kinesis-processor handles a 100-record event
 * (three types, one invalid record) against the emulator named by {@code AWS_ENDPOINT_URL} (moto), in resources
 * created with devkit's {@link PipelineResources}: its first S3, DynamoDB and SQS calls are real HTTP calls.
 *
 * <p>Variants run interleaved (run 1 of each, run 2 of each, ...) so drift on a shared machine spreads over all.
 * After the timed runs, one more run per variant logs class loading and counts the classes loaded by then.
 *
 * <pre>ColdStartHarness --runs 20 --function-jar kinesis-processor/target/kinesis-processor.jar --out FILE</pre>
 */
public final class ColdStartHarness {
    /** Flags every variant shares: a 1,024 MB function's heap and collector. */
    static final List<String> BASE_FLAGS = List.of("-Xmx640m", "-XX:+UseSerialGC", "-Xshare:auto",
            "-XX:-UsePerfData");
    static final String TIER1 = "-XX:TieredStopAtLevel=1";
    private static final String RUNTIME_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

    record Variant(String name, String handler, List<String> classpath, List<String> flags) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        int runs = Integer.parseInt(options.getOrDefault("runs", "20"));
        Path functionJar = Path.of(options.getOrDefault("function-jar", "kinesis-processor/target/kinesis-processor.jar"));
        Path out = Path.of(options.getOrDefault("out", "benchmarks/target/cold-start.json"));
        Path logs = out.resolveSibling("cold-start-logs");
        Files.createDirectories(logs);

        List<String> ownClasspath = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
        // What Lambda's Java runtime puts on the classpath itself (its /var/runtime/lib).
        List<String> runtime = matching(ownClasspath, "aws-lambda-java-runtime-interface-client",
                "aws-lambda-java-core", "aws-lambda-java-serialization");
        List<String> benchmarkClasses = matching(ownClasspath, "benchmarks/target/classes");
        // A trivial function's own jar: the events library and the Joda-Time it needs to be deserialised.
        List<String> events = matching(ownClasspath, "aws-lambda-java-events", "joda-time");
        List<String> crt = matching(ownClasspath, "aws-crt-client", "/crt/aws-crt/");
        String function = functionJar.toAbsolutePath().toString();

        List<Variant> variants = List.of(
                new Variant("trivial", TrivialHandler.class.getName(), concat(runtime, benchmarkClasses, events), List.of()),
                new Variant("processor", "dev.tributary.processor.KinesisProcessorHandler", concat(runtime, List.of(function)), List.of()),
                new Variant("processor-crt", "dev.tributary.processor.CrtKinesisProcessorHandler",
                        concat(runtime, List.of(function), benchmarkClasses, crt), List.of()),
                new Variant("processor-primed-at-init", "dev.tributary.processor.PrimedAtInitKinesisProcessorHandler",
                        concat(runtime, List.of(function), benchmarkClasses), List.of()),
                new Variant("trivial-tier1", TrivialHandler.class.getName(), concat(runtime, benchmarkClasses, events), List.of(TIER1)),
                new Variant("processor-tier1", "dev.tributary.processor.KinesisProcessorHandler", concat(runtime, List.of(function)), List.of(TIER1)),
                new Variant("processor-primed-at-init-tier1", "dev.tributary.processor.PrimedAtInitKinesisProcessorHandler",
                        concat(runtime, List.of(function), benchmarkClasses), List.of(TIER1)));

        AwsEmulator emulator = AwsEmulator.get();
        PipelineResources resources = PipelineResources.deploy(emulator, "coldstart", 1);
        Map<String, String> environment = new HashMap<>(emulator.functionEnvironment());
        environment.putAll(resources.processorEnvironment());
        environment.putAll(Map.of("AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test",
                "AWS_LAMBDA_FUNCTION_NAME", "tributary-cold-start", "AWS_LAMBDA_FUNCTION_VERSION", "$LATEST",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024", "AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/cold-start",
                "AWS_LAMBDA_LOG_STREAM_NAME", "cold-start", "AWS_DEFAULT_REGION", emulator.region().id()));

        Map<String, List<Invocation>> timings = new LinkedHashMap<>();
        Map<String, Integer> classesLoaded = new LinkedHashMap<>();
        try (RuntimeApiServer api = new RuntimeApiServer()) {
            environment.put("AWS_LAMBDA_RUNTIME_API", api.address());
            int sequence = 0;
            for (int run = 0; run < runs; run++) {
                for (Variant variant : variants) {
                    // A new shard name per run: every run writes new objects, none meets an earlier one's.
                    byte[] event = new BenchmarkBatch(100, String.format("shardId-%012d", ++sequence), run).eventJson();
                    Invocation invocation = invoke(api, variant, environment, event, List.of(), logs);
                    timings.computeIfAbsent(variant.name(), k -> new ArrayList<>()).add(invocation);
                    System.out.printf("%-32s run %2d: %6.0f ms to first response (init %5.0f ms, first event %5.0f ms)%n",
                            variant.name(), run + 1, invocation.totalMillis(), invocation.initMillis(),
                            invocation.firstEventMillis());
                }
            }
            for (Variant variant : variants) {
                Path classLog = logs.resolve(variant.name() + ".classes.log");
                Files.deleteIfExists(classLog);
                byte[] event = new BenchmarkBatch(100, String.format("shardId-%012d", ++sequence), 7).eventJson();
                invoke(api, variant, environment, event, List.of("-Xlog:class+load=info:file=" + classLog), logs);
                try (Stream<String> lines = Files.lines(classLog)) {
                    classesLoaded.put(variant.name(), (int) lines.filter(line -> line.contains(" source: ")).count());
                }
            }
        }
        write(out, runs, variants, timings, classesLoaded, functionJar);
        System.out.println("cold starts written to " + out);
    }

    /** One fresh process, timed from just before it is started to its response to the first event. */
    record Invocation(double totalMillis, double initMillis, double firstEventMillis) {}

    private static Invocation invoke(RuntimeApiServer api, Variant variant, Map<String, String> environment,
            byte[] event, List<String> extraFlags, Path logs) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(BASE_FLAGS);
        command.addAll(variant.flags());
        command.addAll(extraFlags);
        command.add("-cp");
        command.add(String.join(File.pathSeparator, variant.classpath()));
        command.add(RUNTIME_MAIN);
        command.add(variant.handler());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(variant.name() + ".log").toFile()));
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        builder.environment().putAll(environment);
        builder.environment().put("_HANDLER", variant.handler());

        var outcome = api.expect(event);
        long started = System.nanoTime();
        Process process = builder.start();
        try {
            RuntimeApiServer.Invocation invocation = outcome.get(120, TimeUnit.SECONDS);
            if (!invocation.response().contains("batchItemFailures")
                    || invocation.response().matches(".*\"itemIdentifier\".*")) {
                throw new IllegalStateException(variant.name() + " did not handle the event: " + invocation.response());
            }
            return new Invocation((invocation.respondedNanos() - started) / 1e6,
                    (invocation.initDoneNanos() - started) / 1e6,
                    (invocation.respondedNanos() - invocation.initDoneNanos()) / 1e6);
        } finally {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static void write(Path out, int runs, List<Variant> variants, Map<String, List<Invocation>> timings,
            Map<String, Integer> classesLoaded, Path functionJar) throws IOException {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("runs", runs);
        root.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        root.put("base_flags", String.join(" ", BASE_FLAGS));
        root.put("function_jar_bytes", Files.size(functionJar));
        ObjectNode byVariant = root.putObject("variants");
        for (Variant variant : variants) {
            ObjectNode node = byVariant.putObject(variant.name());
            node.put("handler", variant.handler());
            node.put("flags", String.join(" ", variant.flags()));
            node.put("classes_loaded", classesLoaded.get(variant.name()));
            ArrayNode total = node.putArray("total_ms");
            ArrayNode init = node.putArray("init_ms");
            ArrayNode first = node.putArray("first_event_ms");
            for (Invocation invocation : timings.get(variant.name())) {
                total.add(invocation.totalMillis());
                init.add(invocation.initMillis());
                first.add(invocation.firstEventMillis());
            }
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Json.mapper().writerWithDefaultPrettyPrinter().writeValue(out.toFile(), root);
    }

    @SafeVarargs
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
