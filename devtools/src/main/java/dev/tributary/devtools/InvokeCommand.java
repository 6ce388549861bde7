package dev.tributary.devtools;

import dev.tributary.devkit.AwsEmulator;
import dev.tributary.devkit.LambdaLayers;
import dev.tributary.devkit.LambdaRuntimeFiles;
import dev.tributary.devkit.LocalDeployment;
import dev.tributary.devkit.RuntimeInterfaceEmulator;
import dev.tributary.toolkit.SamTemplate;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tributary invoke}: the counterpart of {@code sam local invoke} without Docker. The function is read from the
 * SAM template ({@link TemplateFunction}) and run once, cold, under the real Runtime Interface Emulator with the
 * Runtime Interface Client ({@link RuntimeInterfaceEmulator}). The response goes to standard output; the function's
 * logs and the {@code REPORT} line go to standard error, as with {@code sam local invoke}.
 */
@Command(
        name = "invoke",
        mixinStandardHelpOptions = true,
        description =
                "Runs one function of infra/template.yaml once under the real Lambda Runtime Interface Emulator "
                        + "(sam local invoke without Docker). Exit status: 0 success, 1 function error or timeout, 2 setup error.")
final class InvokeCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FUNCTION", description = "Logical id in the template, e.g. KinesisProcessorFunction.")
    String function;

    @Option(
            names = {"-e", "--event"},
            required = true,
            paramLabel = "FILE",
            description = "Event JSON (e.g. infra/events/kinesis-get-records.json or `sam local generate-event` "
                    + "output); - reads standard input.")
    String event;

    @Option(
            names = {"-n", "--env-vars"},
            paramLabel = "FILE",
            description = "Variables in SAM's format: {\"Parameters\": {…}, \"<LogicalId>\": {\"VAR\": \"value\"}}; "
                    + "as in sam local, only variables the template declares are set.")
    Path envVars;

    @Option(
            names = {"-t", "--template"},
            paramLabel = "FILE",
            description = "SAM template (default: infra/template.yaml found from the working directory).")
    Path template;

    @Option(
            names = "--deploy",
            description = "First create the template's resources in the emulator "
                    + "(AWS_ENDPOINT_URL) under a fresh name prefix, and run the function against them.")
    boolean deploy;

    @Option(
            names = {"-d", "--debug-port"},
            paramLabel = "PORT",
            description = "Start the function's JVM with a JDWP agent on PORT, waiting for the debugger to attach.")
    Integer debugPort;

    @Option(names = "--debug", description = "Show the emulator's own log and stack traces of setup errors.")
    boolean debug;

    @Override
    public Integer call() {
        PrintStream err = System.err;
        try {
            return run(err);
        } catch (RuntimeException | IOException e) {
            // One line: the emulator's and the SDK's messages can run over several.
            err.println("error: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + hint(e));
            if (debug) {
                e.printStackTrace(err);
            }
            return 2;
        }
    }

    private int run(PrintStream err) throws IOException {
        Path templatePath = template != null ? template : SamTemplate.locate();
        // The project this command was built in (devtools/target/..): where its tools are, whichever template it runs.
        Path projectRoot = runtimeDirectory().getParent().getParent().getParent();
        byte[] payload = readEvent();
        String region =
                System.getenv().getOrDefault("AWS_REGION", "").isBlank() ? "us-east-1" : System.getenv("AWS_REGION");

        TemplateFunction spec = TemplateFunction.read(templatePath, function, region);
        if (deploy) {
            spec = spec.withEnvironment(deploy(templatePath, err));
        }
        if (envVars != null) {
            spec = spec.withEnvVars(envVars);
            if (!spec.ignoredEnvVars().isEmpty()) {
                err.println("note: --env-vars sets " + String.join(", ", spec.ignoredEnvVars())
                        + ", which the template does not declare on " + function + "; ignored, as sam local does");
            }
        }
        if (!Files.isRegularFile(spec.jar())) {
            throw new IllegalStateException(
                    "no " + spec.jar() + " (the template's CodeUri); build it: " + "./mvnw -DskipTests package");
        }
        // Lambda's order: the function's own code, then each layer's /opt/java/lib, then the runtime's own jars.
        List<Path> classpath = new ArrayList<>();
        classpath.add(spec.jar());
        classpath.addAll(LambdaLayers.classpath(spec.layers()));
        classpath.addAll(LambdaRuntimeFiles.runtimeClasspath(runtimeDirectory()));

        List<String> flags = new ArrayList<>(RuntimeInterfaceEmulator.lambdaJvmFlags(spec.memoryMb()));
        int timeout = spec.timeoutSeconds();
        if (debugPort != null) {
            flags.add(RuntimeInterfaceEmulator.debugAgent(debugPort));
            timeout = 3600; // time to step through; sam local invoke --debug-port lifts the timeout too
            err.println("waiting for a debugger on port " + debugPort + " (e.g. a \"Remote JVM Debug\" configuration)");
        }
        var launch = new RuntimeInterfaceEmulator.Launch(
                LambdaRuntimeFiles.rie(System.getenv(), projectRoot),
                Path.of(System.getProperty("java.home"), "bin", "java"),
                classpath,
                spec.handler(),
                spec.functionName(),
                spec.memoryMb(),
                timeout,
                runtimeEnvironment(spec, region),
                flags);
        try (var emulator = RuntimeInterfaceEmulator.start(
                launch, err::println, debug ? line -> err.println("[rie] " + line) : line -> {})) {
            // Ctrl-C (e.g. while a debugger is awaited) must not leave the emulator and its JVM running.
            Thread cleanup = new Thread(emulator::close, "rie-cleanup");
            Runtime.getRuntime().addShutdownHook(cleanup);
            RuntimeInterfaceEmulator.Invocation invocation = emulator.invoke(payload);
            System.out.println(invocation.body());
            System.out.flush();
            err.println(invocation.reportLine());
            Runtime.getRuntime().removeShutdownHook(cleanup);
            return switch (invocation.outcome()) {
                case SUCCESS -> 0;
                case FUNCTION_ERROR -> {
                    err.println("error: " + function + " failed (the response above is its error)");
                    yield 1;
                }
                case TIMEOUT -> {
                    err.println("error: " + function + " timed out after " + spec.timeoutSeconds()
                            + " s (the template's Timeout)");
                    yield 1;
                }
            };
        }
    }

    /**
     * What the runtime process is given: the function's variables, then what Lambda sets itself (region), and the
     * caller's AWS credentials, which {@code sam local invoke} passes to the function the same way.
     */
    static Map<String, String> runtimeEnvironment(TemplateFunction spec, String region) {
        Map<String, String> env = new LinkedHashMap<>(spec.resolvedEnvironment());
        env.put("AWS_REGION", region);
        env.put("AWS_DEFAULT_REGION", region);
        for (String name : List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")) {
            String value = System.getenv(name);
            if (value != null && !value.isBlank()) {
                env.putIfAbsent(name, value);
            }
        }
        return env;
    }

    private Map<String, String> deploy(Path templatePath, PrintStream err) {
        String prefix = "invoke-" + UUID.randomUUID().toString().substring(0, 8);
        AwsEmulator emulator = AwsEmulator.get();
        LocalDeployment deployment = LocalDeployment.deploy(SamTemplate.load(templatePath), emulator, prefix, Map.of());
        err.println("deployed the template's resources to " + emulator.description() + " under the prefix " + prefix);
        deployment.notes().forEach(note -> err.println("note: " + note));
        // The function's variables and its role's session: it runs as its role behind the emulator's IAM gate.
        return deployment.functionEnvironment(function);
    }

    private byte[] readEvent() throws IOException {
        byte[] bytes = event.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(event));
        try {
            dev.tributary.common.json.Json.mapper().readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("the event " + (event.equals("-") ? "on standard input" : event)
                    + " is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        return bytes;
    }

    /** {@code lambda-runtime/} next to the dev tools' jar (or to target/classes): the devtools build copies the RIC there. */
    static Path runtimeDirectory() {
        try {
            Path codeSource = Path.of(InvokeCommand.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            return codeSource.toAbsolutePath().getParent().resolve("lambda-runtime");
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the dev tools' own jar", e);
        }
    }

    private static String hint(Exception e) {
        String message = String.valueOf(e.getMessage());
        if (e instanceof java.nio.file.NoSuchFileException) {
            return " (no such file)";
        }
        if (message.contains("AWS_ENDPOINT_URL is not set") || message.contains("No AWS emulator")) {
            return " (start one: scripts/emulator.sh start && eval \"$(scripts/emulator.sh env)\")";
        }
        return "";
    }
}
