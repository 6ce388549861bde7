package dev.tributary.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.JobRun;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Runs a Glue job run that the orchestrator started in the emulator for real, locally: emulators record
 * {@code StartJobRun} but execute nothing. It reads the run's arguments back with {@code GetJobRun}, copies the named
 * processed partitions out of the emulator's S3, runs {@code glue-job/curate_events.py} under the pinned local
 * PySpark (the Spark of Glue 5.0), and copies curated data, aggregates and the run summary back to the buckets the
 * arguments name, so everything downstream sees what a real run would have written.
 *
 * <p>Needs {@code GLUE_PYTHON} and {@code SPARK_JAVA_HOME} (scripts/demo.sh sets both via lib.sh).
 */
final class LocalGlueRunner {
    /** What a local run did. */
    record Outcome(boolean succeeded, JsonNode summary, double seconds, String log) {}

    private final S3Client s3;
    private final GlueClient glue;
    private final Path workDir;
    private final Path repository;

    LocalGlueRunner(S3Client s3, GlueClient glue, Path workDir, Path repository) {
        this.s3 = s3;
        this.glue = glue;
        this.workDir = workDir;
        this.repository = repository;
    }

    /** Whether the local Glue runtime is installed (scripts/demo.sh installs it). */
    static boolean available() {
        String python = System.getenv("GLUE_PYTHON");
        String java = System.getenv("SPARK_JAVA_HOME");
        return python != null && Files.isExecutable(Path.of(python)) && java != null
                && Files.isExecutable(Path.of(java, "bin", "java"));
    }

    Outcome run(String jobName, String runId) {
        return run(jobName, runId, false);
    }

    /**
     * Runs the job; with {@code failMidway} the run dies after its first curated partition reached S3, before the
     * rest, the aggregates and the summary: what a Glue worker lost mid-write leaves behind, for the retry to merge.
     */
    Outcome run(String jobName, String runId, boolean failMidway) {
        long started = System.nanoTime();
        JobRun run = glue.getJobRun(b -> b.jobName(jobName).runId(runId)).jobRun();
        Map<String, String> arguments = new LinkedHashMap<>(run.arguments());
        List<String> inputs = new ArrayList<>();
        if (arguments.containsKey("--input_paths")) {
            inputs.addAll(List.of(arguments.get("--input_paths").split(",")));
        }
        if (arguments.containsKey("--manifest_uri")) {
            JsonNode manifest = readJson(URI.create(arguments.get("--manifest_uri")));
            manifest.path("input_paths").forEach(path -> inputs.add(path.asText()));
        }
        Path runDir = workDir.resolve(runId.replaceAll("[^A-Za-z0-9_.-]", "_"));
        List<String> localInputs = new ArrayList<>();
        for (String input : inputs) {
            localInputs.add(download(URI.create(input.strip()), runDir.resolve("in")).toUri().toString());
        }
        URI curated = URI.create(arguments.get("--curated_path"));
        URI aggregates = URI.create(arguments.get("--aggregates_path"));
        URI summary = URI.create(arguments.get("--summary_uri"));
        // Curated data merges with what earlier windows wrote: start from the emulator's copy.
        Path localCurated = download(curated, runDir.resolve("state"));
        Path localAggregates = runDir.resolve("state").resolve(aggregates.getHost()).resolve(key(aggregates));
        Path localSummary = runDir.resolve("summary.json");

        List<String> command = new ArrayList<>(List.of(System.getenv("GLUE_PYTHON"),
                repository.resolve("glue-job/curate_events.py").toString(),
                "--JOB_NAME", jobName,
                "--window_id", arguments.getOrDefault("--window_id", runId),
                "--input_paths", String.join(",", localInputs),
                "--curated_path", localCurated.toUri().toString(),
                "--aggregates_path", localAggregates.toUri().toString(),
                "--summary_uri", localSummary.toString()));
        Path log = runDir.resolve("spark.log");
        int exit = exec(command, log);
        boolean succeeded = exit == 0 && Files.exists(localSummary);
        JsonNode summaryJson = null;
        if (succeeded && failMidway) {
            Path firstPartition = firstPartition(localCurated);
            mirror(firstPartition, URI.create(curated.toString().replaceAll("/?$", "/")
                    + localCurated.relativize(firstPartition).toString().replace('\\', '/') + "/"));
            return new Outcome(false, null, (System.nanoTime() - started) / 1e9,
                    "injected failure after writing " + localCurated.relativize(firstPartition));
        }
        if (succeeded) {
            mirror(localCurated, curated);
            mirror(localAggregates, aggregates);
            byte[] summaryBytes = readAll(localSummary);
            s3.putObject(b -> b.bucket(summary.getHost()).key(key(summary)), RequestBody.fromBytes(summaryBytes));
            summaryJson = parse(summaryBytes);
        }
        return new Outcome(succeeded, summaryJson, (System.nanoTime() - started) / 1e9, log.toString());
    }

    /**
     * Every {@code event_id} in the curated Parquet under {@code curated} ({@code s3://bucket/prefix/}), one entry
     * per row, read by Spark outside the job's own code ({@code glue-job/tools/curated_event_ids.py}): the
     * conservation checker's view of what was curated.
     */
    List<String> curatedEventIds(URI curated) {
        try {
            Path dir = Files.createTempDirectory(workDir, "curated-ids");
            Path table = download(curated, dir.resolve("table"));
            try (Stream<Path> files = Files.walk(table)) {
                if (files.noneMatch(f -> f.getFileName().toString().endsWith(".parquet"))) {
                    return List.of(); // Spark cannot infer the schema of an empty table
                }
            }
            Path ids = dir.resolve("event_ids.txt");
            int exit = exec(List.of(System.getenv("GLUE_PYTHON"),
                    repository.resolve("glue-job/tools/curated_event_ids.py").toString(),
                    table.toString(), ids.toString()), dir.resolve("spark.log"));
            if (exit != 0) {
                throw new IllegalStateException("listing curated event ids failed (exit " + exit + "), see "
                        + dir.resolve("spark.log"));
            }
            return Files.readAllLines(ids);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first directory (in name order) that holds Parquet files: one partition of the table. */
    private static Path firstPartition(Path table) {
        try (Stream<Path> files = Files.walk(table)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".parquet")).map(Path::getParent)
                    .sorted().findFirst()
                    .orElseThrow(() -> new IllegalStateException("the run wrote no curated partition"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int exec(List<String> command, Path log) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(repository.resolve("glue-job").toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        String javaHome = System.getenv("SPARK_JAVA_HOME");
        builder.environment().put("JAVA_HOME", javaHome);
        builder.environment().put("PATH", javaHome + "/bin:" + System.getenv("PATH"));
        builder.environment().put("PYSPARK_PYTHON", System.getenv("GLUE_PYTHON"));
        builder.environment().put("PYSPARK_DRIVER_PYTHON", System.getenv("GLUE_PYTHON"));
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        builder.environment().remove("SPARK_HOME");
        try {
            Files.createDirectories(log.getParent());
            Process process = builder.start();
            if (!process.waitFor(20, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the local Glue job", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Copies every object under an {@code s3://bucket/prefix} to {@code root/bucket/prefix}; returns that dir. */
    private Path download(URI uri, Path root) {
        String bucket = uri.getHost();
        String prefix = key(uri);
        Path target = root.resolve(bucket).resolve(prefix);
        try {
            Files.createDirectories(target);
            for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
                Path file = root.resolve(bucket).resolve(object.key());
                Files.createDirectories(file.getParent());
                Files.write(file, s3.getObjectAsBytes(b -> b.bucket(bucket).key(object.key())).asByteArray());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /**
     * Copies a local directory tree to {@code s3://bucket/prefix} (skipping Spark's checksum and marker files), and
     * deletes the objects in each uploaded directory that the tree no longer has: Spark's partition overwrite
     * replaces a partition's part files with new names, and copying alone would leave the old ones beside them,
     * every row of that partition twice.
     */
    void mirror(Path dir, URI target) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        Map<String, Set<String>> keysByDirectory = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".crc") || name.startsWith("_") || name.startsWith(".")) {
                    continue;
                }
                String key = key(target) + dir.relativize(file).toString().replace('\\', '/');
                s3.putObject(b -> b.bucket(target.getHost()).key(key), RequestBody.fromFile(file));
                keysByDirectory.computeIfAbsent(key.substring(0, key.lastIndexOf('/') + 1), k -> new HashSet<>())
                        .add(key);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        keysByDirectory.forEach((prefix, uploaded) -> s3.listObjectsV2Paginator(b -> b.bucket(target.getHost())
                        .prefix(prefix).delimiter("/")).contents().stream()
                .map(S3Object::key)
                .filter(key -> !uploaded.contains(key))
                .forEach(stale -> s3.deleteObject(b -> b.bucket(target.getHost()).key(stale))));
    }

    private JsonNode readJson(URI uri) {
        return parse(s3.getObjectAsBytes(b -> b.bucket(uri.getHost()).key(key(uri))).asByteArray());
    }

    private static String key(URI uri) {
        String path = uri.getPath();
        String key = path.startsWith("/") ? path.substring(1) : path;
        return key.isEmpty() || key.endsWith("/") || key.endsWith(".json") ? key : key + "/";
    }

    private static byte[] readAll(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode parse(byte[] json) {
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
