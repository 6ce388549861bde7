package dev.tributary.devkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One function in a fresh execution environment under the real AWS Lambda Runtime Interface Emulator (the RIE, the
 * binary {@code sam local} puts in its containers), running the function's jar with the Lambda Runtime Interface
 * Client ({@code AWSLambda <handler>}, what Lambda's Java runtime runs). The one place that knows how to start a
 * function this way: {@code tributary invoke} and the cold-start harness both use it.
 *
 * <p>What the RIE prints and what this reports instead: its {@code REPORT} line has an {@code Init Duration} measured
 * around a call that returns before the runtime is up, and {@code Max Memory Used} equal to {@code Memory Size}
 * ("there is not a clean way to get this information", says its source). So the init and invoke durations come from
 * its own log lines ({@code INIT REPORT(durationMs: …)}, {@code INVOKE RTDONE(… duration: …ms)}) and the maximum memory
 * is the runtime process's peak resident set ({@code VmHWM}, Linux).
 */
public final class RuntimeInterfaceEmulator implements AutoCloseable {
    /** The Runtime Interface Client's entry point, what Lambda's Java runtime starts. */
    public static final String RUNTIME_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

    private static final Pattern INIT_REPORT = Pattern.compile("INIT REPORT\\(durationMs: ([0-9.]+)\\)");
    private static final Pattern INVOKE_DONE =
            Pattern.compile("INVOKE RTDONE\\(status: [a-z_]+.*duration: ([0-9.]+)ms\\)");
    private static final java.util.Set<String> ERROR_FIELDS =
            java.util.Set.of("errorMessage", "errorType", "stackTrace", "cause");
    private static final Pattern REQUEST_ID = Pattern.compile("^(?:START|END|REPORT) RequestId: ([0-9a-f-]+)");

    /**
     * What to start.
     *
     * @param rie            the emulator binary
     * @param java           the {@code java} launcher of the runtime
     * @param classpath      the function's jar, the Runtime Interface Client and its dependencies
     * @param handler        {@code class::method}
     * @param functionName   {@code AWS_LAMBDA_FUNCTION_NAME}
     * @param memoryMb       the function's memory (the emulator reports it; the heap follows it through jvmFlags)
     * @param timeoutSeconds the emulator stops an invocation after this long
     * @param environment    the function's environment (the emulator passes its whole environment to the runtime)
     * @param jvmFlags       flags before {@code -cp}, e.g. {@link #lambdaJvmFlags}
     */
    public record Launch(
            Path rie,
            Path java,
            List<Path> classpath,
            String handler,
            String functionName,
            int memoryMb,
            int timeoutSeconds,
            Map<String, String> environment,
            List<String> jvmFlags) {
        public Launch {
            classpath = List.copyOf(classpath);
            environment = Map.copyOf(environment);
            jvmFlags = List.copyOf(jvmFlags);
        }
    }

    /** How an invocation ended. */
    public enum Outcome {
        SUCCESS,
        FUNCTION_ERROR,
        TIMEOUT
    }

    /**
     * One invocation.
     *
     * @param body            the response payload (or the error document)
     * @param initMillis      the runtime's init, from the emulator's {@code INIT REPORT}; empty on a warm invoke
     * @param durationMillis  the invocation, from the emulator's {@code INVOKE RTDONE}; NaN if the emulator did not
     *                        log it within 5 s of answering
     * @param maxMemoryMb     peak resident set of the runtime process; -1 where /proc is not available
     * @param sinceStartNanos from {@link #start} to the response
     */
    public record Invocation(
            Outcome outcome,
            int httpStatus,
            String body,
            String requestId,
            OptionalDouble initMillis,
            double durationMillis,
            long maxMemoryMb,
            int memorySizeMb,
            long sinceStartNanos) {

        /** The {@code REPORT} line Lambda writes, with the figures measured as the class comment says. */
        public String reportLine() {
            StringBuilder line =
                    new StringBuilder("REPORT RequestId: ").append(requestId).append('\t');
            initMillis.ifPresent(init -> line.append(String.format("Init Duration: %.2f ms\t", init)));
            line.append(String.format(
                    "Duration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\t",
                    durationMillis, (long) Math.ceil(durationMillis), memorySizeMb));
            line.append(maxMemoryMb >= 0 ? "Max Memory Used: " + maxMemoryMb + " MB" : "Max Memory Used: n/a");
            return line.toString();
        }
    }

    /**
     * The heap and collector of Lambda's Java runtime for a function of {@code memoryMb}: a maximum heap of 85% of the
     * function's memory (the {@code -XX:MaxHeapSize} Lambda's Java runtime passes, e.g. 1336935k for 1,536 MB, as
     * docker-lambda and SAM CLI copied it from the running service: lambci/docker-lambda#102, aws/aws-sam-cli#615),
     * the serial collector, and tiered compilation stopped at level 1 ("In the Java 17 runtime, the JVM flag for
     * tiered compilation is set to stop at level 1 by default", AWS Lambda Developer Guide, "Customize Java runtime
     * startup behavior"). {@code JAVA_TOOL_OPTIONS} in the function's environment adds to them, as in Lambda.
     */
    public static List<String> lambdaJvmFlags(int memoryMb) {
        return List.of(
                heapFlag(memoryMb),
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED"); // the RIC loads its JNI library; silences JDK 25's warning
    }

    /** {@code -XX:MaxHeapSize} at 85% of the function's memory, in KiB as the runtime writes it. */
    public static String heapFlag(int memoryMb) {
        return "-XX:MaxHeapSize=" + (long) Math.ceil(memoryMb * 1024 * 0.85) + "k";
    }

    /** A JDWP agent on {@code port} that waits for the debugger before the runtime starts. */
    public static String debugAgent(int port) {
        return "-agentlib:jdwp=transport=dt_socket,server=y,suspend=y,address=*:" + port;
    }

    private final Process process;
    private final int port;
    private final Launch launch;
    private final long startedNanos;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Consumer<String> functionLog;
    private final Consumer<String> emulatorLog;
    private volatile OptionalDouble initMillis = OptionalDouble.empty();
    private volatile double lastDuration;
    private volatile CountDownLatch reported = new CountDownLatch(1);
    /** The invoke's {@code INVOKE RTDONE} line: on stderr, read by another thread than the REPORT line on stdout. */
    private volatile CountDownLatch invokeDone = new CountDownLatch(1);

    private RuntimeInterfaceEmulator(
            Process process,
            int port,
            Launch launch,
            long startedNanos,
            Consumer<String> functionLog,
            Consumer<String> emulatorLog) {
        this.process = process;
        this.port = port;
        this.launch = launch;
        this.startedNanos = startedNanos;
        this.functionLog = functionLog;
        this.emulatorLog = emulatorLog;
    }

    /**
     * Starts the emulator on free loopback ports; the runtime itself starts with the first invocation, as in Lambda.
     *
     * @param functionLog receives the function's output and the {@code START}/{@code END} lines
     * @param emulatorLog receives the emulator's own log lines
     */
    public static RuntimeInterfaceEmulator start(
            Launch launch, Consumer<String> functionLog, Consumer<String> emulatorLog) {
        if (!Files.isExecutable(launch.rie())) {
            throw new IllegalStateException("the Runtime Interface Emulator " + launch.rie() + " is not executable");
        }
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(
                launch.rie().toString(),
                "--runtime-interface-emulator-address",
                "127.0.0.1:" + port,
                "--runtime-api-address",
                "127.0.0.1:" + freePort(),
                launch.java().toString()));
        command.addAll(launch.jvmFlags());
        command.add("-cp");
        command.add(launch.classpath().stream().map(Path::toString).collect(Collectors.joining(":")));
        command.add(RUNTIME_MAIN);
        command.add(launch.handler()); // the emulator takes the last argument as the handler
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        builder.environment().putAll(launch.environment());
        builder.environment().put("AWS_LAMBDA_FUNCTION_NAME", launch.functionName());
        builder.environment().put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", String.valueOf(launch.memoryMb()));
        builder.environment().put("AWS_LAMBDA_FUNCTION_TIMEOUT", String.valueOf(launch.timeoutSeconds()));
        builder.environment().putIfAbsent("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        builder.environment().putIfAbsent("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + launch.functionName());
        builder.environment().putIfAbsent("AWS_LAMBDA_LOG_STREAM_NAME", "local");
        long started = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + launch.rie(), e);
        }
        RuntimeInterfaceEmulator emulator =
                new RuntimeInterfaceEmulator(process, port, launch, started, functionLog, emulatorLog);
        emulator.pump(process.getInputStream(), emulator::onStdout, "rie-stdout");
        emulator.pump(process.getErrorStream(), emulator::onStderr, "rie-stderr");
        emulator.awaitListening();
        return emulator;
    }

    /** Invokes the function with {@code event} and waits up to its timeout (plus init) for the answer. */
    public Invocation invoke(byte[] event) {
        reported = new CountDownLatch(1);
        invokeDone = new CountDownLatch(1);
        lastDuration = Double.NaN; // until this invoke's INVOKE RTDONE line is read: never a silent 0
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/2015-03-31/functions/function/invocations"))
                // The emulator enforces the function timeout; this only stops waiting for one that is stuck.
                .timeout(Duration.ofSeconds(2L * launch.timeoutSeconds() + 60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(event))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new IllegalStateException(
                    "no answer from the emulator within " + request.timeout().orElseThrow());
        } catch (IOException e) {
            throw new IllegalStateException(
                    "the emulator closed the connection (did the runtime crash?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the function", e);
        }
        long since = System.nanoTime() - startedNanos;
        try {
            reported.await(5, TimeUnit.SECONDS); // the emulator logs the invoke's end just after answering
            // Its duration comes on the other stream, which may be read later than the REPORT line (seen on a loaded
            // machine: a first event of 0 ms).
            invokeDone.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String body = response.body();
        Outcome outcome = outcome(response.statusCode(), body);
        OptionalDouble init = initMillis;
        initMillis = OptionalDouble.empty(); // reported once, on the cold invoke
        return new Invocation(
                outcome,
                response.statusCode(),
                body,
                requestId,
                init,
                lastDuration,
                peakMemoryMb(),
                launch.memoryMb(),
                since);
    }

    /**
     * How an invocation ended. The emulator answers 200 with the error document when the runtime reports a function
     * error (its log still says {@code RTDONE(status: success)}), so, as {@code sam local invoke} does
     * ({@code samcli/local/services/base_local_service.py}, {@code is_lambda_error_response}), a response that is a
     * JSON object with {@code errorMessage} and {@code errorType} and nothing but {@code stackTrace} and {@code cause}
     * besides is an error. It answers 502 when init failed, and {@code Task timed out after N.00 seconds} at the
     * timeout.
     */
    static Outcome outcome(int httpStatus, String body) {
        if (body != null && body.startsWith("Task timed out after")) {
            return Outcome.TIMEOUT;
        }
        if (httpStatus != 200 || isErrorDocument(body)) {
            return Outcome.FUNCTION_ERROR;
        }
        return Outcome.SUCCESS;
    }

    private static boolean isErrorDocument(String body) {
        try {
            JsonNode node = Json.mapper().readTree(body);
            if (node == null || !node.isObject() || !node.has("errorMessage") || !node.has("errorType")) {
                return false;
            }
            for (var field : node.properties()) {
                if (!ERROR_FIELDS.contains(field.getKey())) {
                    return false;
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private volatile String requestId = "";

    private void onStdout(String line) {
        Matcher id = REQUEST_ID.matcher(line);
        if (id.find()) {
            requestId = id.group(1);
            if (line.startsWith("REPORT")) { // replaced by Invocation.reportLine(): see the class comment
                reported.countDown();
                return;
            }
        }
        functionLog.accept(line);
    }

    private void onStderr(String line) {
        Matcher init = INIT_REPORT.matcher(line);
        if (init.find()) {
            initMillis = OptionalDouble.of(Double.parseDouble(init.group(1)));
        }
        Matcher done = INVOKE_DONE.matcher(line);
        if (done.find()) {
            lastDuration = Double.parseDouble(done.group(1));
            invokeDone.countDown();
        }
        emulatorLog.accept(line);
    }

    /** Peak resident set of the runtime (the emulator's child) in MB, or -1 where /proc cannot tell. */
    private long peakMemoryMb() {
        return process.toHandle().descendants().mapToLong(child -> vmHwmKb(child.pid())).max().stream()
                .map(kb -> kb < 0 ? -1 : (kb + 1023) / 1024)
                .findFirst()
                .orElse(-1);
    }

    private static long vmHwmKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Asks the runtime process (the emulator's children) to exit normally (SIGTERM, which runs the JVM's exit path)
     * and waits up to {@code timeout} for it: a JVM that writes something at exit, such as an AOT cache
     * ({@code -XX:AOTCacheOutput}), needs that; {@link #close} kills it outright.
     *
     * @return whether every runtime process exited in time
     */
    public boolean stopRuntime(Duration timeout) {
        List<ProcessHandle> children = process.descendants().toList();
        children.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ProcessHandle child : children) {
            try {
                child.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** The emulator process (to wait for, or to time). */
    public Process process() {
        return process;
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void pump(InputStream stream, Consumer<String> sink, String name) {
        Thread thread = new Thread(
                () -> {
                    try (BufferedReader reader =
                            new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                            sink.accept(line);
                        }
                    } catch (IOException e) {
                        // the process ended; nothing more to read
                    }
                },
                name);
        thread.setDaemon(true);
        thread.start();
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Runtime Interface Emulator exited with status "
                        + process.exitValue() + " before it listened");
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                sleep();
            }
        }
        close();
        throw new IllegalStateException("the Runtime Interface Emulator did not listen on port " + port + " in 10 s");
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
