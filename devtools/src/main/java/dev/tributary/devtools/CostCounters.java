package dev.tributary.devtools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.common.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What a demo run did that AWS bills, counted while it ran ({@code tributary demo --cost-counters FILE}): per function
 * the invocations, their wall time and the bytes they logged; every call each function made (from the IAM gate,
 * which sees them all); the objects and bytes stored per bucket and prefix; the Glue runs' records and seconds. The
 * cost model (benchmarks {@code CostModel}) scales these counters to a TiB of events.
 */
final class CostCounters {
    private final Map<String, LongAdder> invocations = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> handlerNanos = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> logBytes = new ConcurrentHashMap<>();
    private final ObjectNode extra = Json.mapper().createObjectNode();
    private volatile String current = "harness";

    /** Runs one invocation of {@code function}, timing it and attributing what it logs to it. */
    <T> T invoke(String function, Supplier<T> invocation) {
        String before = current;
        current = function;
        long started = System.nanoTime();
        try {
            return invocation.get();
        } finally {
            handlerNanos.computeIfAbsent(function, k -> new LongAdder()).add(System.nanoTime() - started);
            invocations.computeIfAbsent(function, k -> new LongAdder()).increment();
            current = before;
        }
    }

    /** A handler call that may throw what the handler declares (a stream handler's IOException). */
    interface Invocation {
        void run() throws Exception;
    }

    /** {@link #invoke(String, Supplier)} for a handler that declares checked exceptions. */
    void invokeChecked(String function, Invocation invocation) throws Exception {
        String before = current;
        current = function;
        long started = System.nanoTime();
        try {
            invocation.run();
        } finally {
            handlerNanos.computeIfAbsent(function, k -> new LongAdder()).add(System.nanoTime() - started);
            invocations.computeIfAbsent(function, k -> new LongAdder()).increment();
            current = before;
        }
    }

    /**
     * Where the functions' standard output goes during the run (their loggers capture {@code System.out} when they
     * are built): nowhere, but every byte is counted against the function being invoked, which is what CloudWatch
     * Logs would ingest.
     */
    PrintStream logSink() {
        return new PrintStream(
                new OutputStream() {
                    @Override
                    public void write(int b) {
                        logBytes.computeIfAbsent(current, k -> new LongAdder()).increment();
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        logBytes.computeIfAbsent(current, k -> new LongAdder()).add(len);
                    }
                },
                true);
    }

    /** A figure of the run (events produced, Glue seconds, ...). */
    void put(String name, double value) {
        extra.put(name, value);
    }

    /** Objects and bytes under each top-level prefix of {@code bucket} (e.g. {@code raw}, {@code failed}). */
    void inventory(S3Client s3, String role, String bucket) {
        Map<String, long[]> byPrefix = new TreeMap<>();
        s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().forEach(object -> {
            String key = object.key();
            String prefix = key.contains("/") ? key.substring(0, key.indexOf('/')) : "";
            long[] tally = byPrefix.computeIfAbsent(prefix, k -> new long[2]);
            tally[0]++;
            tally[1] += object.size();
        });
        byPrefix.forEach((prefix, tally) -> {
            extra.put("s3." + role + "." + prefix + ".objects", tally[0]);
            extra.put("s3." + role + "." + prefix + ".bytes", tally[1]);
        });
    }

    /** Writes the counters, with the gate's calls ({@code function TAB action} to count), as one JSON object. */
    void write(Path file, Map<String, Long> calls) throws IOException {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("cores", Runtime.getRuntime().availableProcessors());
        root.setAll(extra);
        ObjectNode functions = root.putObject("functions");
        invocations.keySet().stream().sorted().forEach(function -> {
            ObjectNode f = functions.putObject(function);
            f.put("invocations", invocations.get(function).sum());
            f.put("handler_ms", handlerNanos.get(function).sum() / 1e6);
            f.put("log_bytes", logBytes.getOrDefault(function, new LongAdder()).sum());
        });
        ObjectNode requests = root.putObject("calls");
        calls.forEach((key, count) -> {
            String[] parts = key.split("\t", 2);
            ObjectNode of = requests.has(parts[0]) ? (ObjectNode) requests.get(parts[0]) : requests.putObject(parts[0]);
            of.put(parts[1], count);
        });
        Files.createDirectories(file.toAbsolutePath().getParent());
        Json.mapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    }
}
