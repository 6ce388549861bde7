package dev.tributary.devkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where the pieces of the local Lambda runtime are: the Runtime Interface Emulator binary and the Runtime Interface
 * Client's jars. Nothing is downloaded here; {@code scripts/install-rie.sh} and the cli build put them in place.
 */
public final class LambdaRuntimeFiles {
    /**
     * The Runtime Interface Client and its three runtime dependencies (its POM's compile scope): without them every
     * invocation fails with {@code NoClassDefFoundError}.
     */
    public static final List<String> RUNTIME_ARTIFACTS = List.of(
            "aws-lambda-java-runtime-interface-client",
            "aws-lambda-java-core",
            "aws-lambda-java-serialization",
            "utils-lite");

    static final String HINT = "run scripts/install-rie.sh (it finds the emulator in the SAM CLI the project installs"
            + " into .tools/) or `go install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@latest`,"
            + " or set AWS_LAMBDA_RIE to the binary";

    private LambdaRuntimeFiles() {}

    /**
     * The emulator binary: {@code AWS_LAMBDA_RIE}; else the one in the SAM CLI wheel under the tools directory
     * ({@code TRIBUTARY_TOOLS_DIR} or {@code <project>/.tools}: in a virtualenv named {@code infra…}, its
     * {@code lib/python3.x/site-packages/samcli/local/rapid/aws-lambda-rie-<arch>}); else {@code aws-lambda-rie} on the {@code PATH} or in {@code ~/go/bin}.
     *
     * @throws IllegalStateException with how to install it
     */
    public static Path rie(Map<String, String> env, Path projectRoot) {
        String explicit = env.get("AWS_LAMBDA_RIE");
        if (explicit != null && !explicit.isBlank()) {
            Path path = Path.of(explicit.strip());
            if (!Files.isExecutable(path)) {
                throw new IllegalStateException("AWS_LAMBDA_RIE=" + explicit + " is not an executable file");
            }
            return path;
        }
        Path tools = Optional.ofNullable(env.get("TRIBUTARY_TOOLS_DIR"))
                .filter(s -> !s.isBlank())
                .map(Path::of)
                .orElse(projectRoot.resolve(".tools"));
        Optional<Path> inSam = inSamCli(tools);
        if (inSam.isPresent()) {
            return inSam.get();
        }
        List<Path> candidates = new ArrayList<>();
        for (String dir : env.getOrDefault("PATH", "").split(":")) {
            if (!dir.isBlank()) {
                candidates.add(Path.of(dir, "aws-lambda-rie"));
            }
        }
        candidates.add(
                Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), "go", "bin", "aws-lambda-rie"));
        return candidates.stream()
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no Runtime Interface Emulator found; " + HINT));
    }

    private static Optional<Path> inSamCli(Path tools) {
        String binary = "aws-lambda-rie-" + architecture();
        if (!Files.isDirectory(tools)) {
            return Optional.empty();
        }
        try (Stream<Path> venvs = Files.list(tools)) {
            for (Path venv : venvs.filter(p -> p.getFileName().toString().startsWith("infra"))
                    .sorted()
                    .toList()) {
                Path lib = venv.resolve("lib");
                if (!Files.isDirectory(lib)) {
                    continue;
                }
                try (Stream<Path> pythons = Files.list(lib)) {
                    Optional<Path> found = pythons.map(
                                    python -> python.resolve("site-packages/samcli/local/rapid/" + binary))
                            .filter(Files::isRegularFile)
                            .findFirst();
                    if (found.isPresent()) {
                        return found;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + tools, e);
        }
        return Optional.empty();
    }

    /** The emulator's architecture suffix for this machine ({@code x86_64} or {@code arm64}). */
    static String architecture() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return arch.equals("aarch64") || arch.equals("arm64") ? "arm64" : "x86_64";
    }

    /**
     * The jars of {@link #RUNTIME_ARTIFACTS} in {@code directory} (the cli build copies them there).
     *
     * @throws IllegalStateException naming what is missing
     */
    public static List<Path> runtimeClasspath(Path directory) {
        List<Path> jars;
        try (Stream<Path> files = Files.isDirectory(directory) ? Files.list(directory) : Stream.empty()) {
            jars = files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
        List<Path> found = new ArrayList<>();
        for (String artifact : RUNTIME_ARTIFACTS) {
            Path jar = jars.stream()
                    .filter(p -> p.getFileName().toString().matches(Pattern.quote(artifact) + "-[0-9].*\\.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no " + artifact + " jar in " + directory
                            + "; build the cli module (./mvnw -DskipTests package) to copy the Lambda runtime there"));
            found.add(jar);
        }
        return found;
    }
}
