package dev.tributary.devtools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.JobRun;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Runs a Glue job run that the orchestrator started in the emulator for real, locally: emulators record
 * {@code StartJobRun} but execute nothing. It reads the run's arguments back with {@code GetJobRun} over the job's
 * default arguments ({@code GetJob}: run arguments replace defaults, as in Glue), copies the named processed
 * partitions out of the emulator's S3, and runs {@code glue-job/curate_events.py} under the pinned local PySpark (the
 * Spark of Glue 5.0) with what Glue adds for the job's {@code --datalake-formats iceberg} and {@code --conf}: the
 * Iceberg jars and the catalog settings. The job then commits to its Iceberg tables itself, through Iceberg's
 * GlueCatalog and S3FileIO pointed at the emulator's IAM gate with a session of the job's role: the AWS code path,
 * each call authorized as the template's {@code GlueJobRole}. The runner uploads only the run summary.
 *
 * <p>Needs {@code GLUE_PYTHON}, {@code SPARK_JAVA_HOME}, {@code TRIBUTARY_ICEBERG_JARS} and
 * {@code ICEBERG_READER_PYTHON} (scripts/demo.sh sets them via lib.sh).
 */
final class LocalGlueRunner {
    /**
     * What a local run did.
     *
     * @param seconds    wall time of the run (downloads, Spark start, the job)
     * @param cpuSeconds user + system CPU time of the job's processes (Spark's JVM and its Python workers), NaN when
     *                   not measured: unlike wall time it hardly moves with the load of a shared machine
     */
    record Outcome(boolean succeeded, JsonNode summary, double seconds, double cpuSeconds, String log) {}

    private final S3Client s3;
    private final GlueClient glue;
    private final Path workDir;
    private final Path repository;
    private final Map<String, String> awsEnvironment;

    /**
     * @param s3             client for the runner's own copies (inputs, summary), as the job's role
     * @param awsEnvironment region, {@code AWS_ENDPOINT_URL} and credentials the job's process calls AWS with
     */
    LocalGlueRunner(S3Client s3, GlueClient glue, Path workDir, Path repository, Map<String, String> awsEnvironment) {
        this.s3 = s3;
        this.glue = glue;
        this.workDir = workDir;
        this.repository = repository;
        this.awsEnvironment = Map.copyOf(awsEnvironment);
    }

    /** Whether the local Glue runtime is installed (scripts/demo.sh installs it). */
    static boolean available() {
        String python = System.getenv("GLUE_PYTHON");
        String java = System.getenv("SPARK_JAVA_HOME");
        String reader = System.getenv("ICEBERG_READER_PYTHON");
        return python != null
                && Files.isExecutable(Path.of(python))
                && java != null
                && Files.isExecutable(Path.of(java, "bin", "java"))
                && System.getenv("TRIBUTARY_ICEBERG_JARS") != null
                && reader != null
                && Files.isExecutable(Path.of(reader));
    }

    Outcome run(String jobName, String runId) {
        return run(jobName, runId, false);
    }

    /**
     * Runs the job; with {@code failMidway} the run is reported failed after its table commits landed but before its
     * summary: what a Glue worker lost between the job's last commit and its end leaves behind, for the retry to
     * find (every event already curated by the same window: nothing committed twice).
     */
    Outcome run(String jobName, String runId, boolean failMidway) {
        long started = System.nanoTime();
        JobRun run = glue.getJobRun(b -> b.jobName(jobName).runId(runId)).jobRun();
        Map<String, String> arguments =
                new LinkedHashMap<>(glue.getJob(b -> b.jobName(jobName)).job().defaultArguments());
        arguments.putAll(run.arguments());
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
            localInputs.add(download(URI.create(input.strip()), runDir.resolve("in"))
                    .toUri()
                    .toString());
        }
        URI summary = URI.create(arguments.get("--summary_uri"));
        Path localSummary = runDir.resolve("summary.json");

        List<String> command = new ArrayList<>(List.of(
                System.getenv("GLUE_PYTHON"),
                repository.resolve("glue-job/curate_events.py").toString(),
                "--JOB_NAME",
                jobName,
                "--window_id",
                arguments.getOrDefault("--window_id", runId),
                "--input_paths",
                String.join(",", localInputs),
                "--curated_path",
                arguments.get("--curated_path"),
                "--aggregates_path",
                arguments.get("--aggregates_path"),
                "--database",
                arguments.get("--database"),
                "--summary_uri",
                localSummary.toString()));
        Map<String, String> environment = new LinkedHashMap<>(awsEnvironment);
        environment.put(
                "PYSPARK_SUBMIT_ARGS",
                GlueSparkSettings.submitArguments(arguments, System.getenv("TRIBUTARY_ICEBERG_JARS"), awsEnvironment));
        Path log = runDir.resolve("spark.log");
        Path cpu = runDir.resolve("cpu-seconds.txt");
        // Through cpu_seconds.py, the tree's subreaper: PySpark's driver never waits for Spark's JVM, so a plain
        // parent would count the driver's CPU only, not the JVM's or its Python workers'.
        List<String> timed = new ArrayList<>(List.of(
                System.getenv("GLUE_PYTHON"),
                repository.resolve("glue-job/tools/cpu_seconds.py").toString(),
                cpu.toString()));
        timed.addAll(command);
        int exit = exec(timed, log, environment);
        double cpuSeconds = childCpuSeconds(cpu);
        boolean succeeded = exit == 0 && Files.exists(localSummary);
        if (succeeded && failMidway) {
            return new Outcome(
                    false,
                    null,
                    (System.nanoTime() - started) / 1e9,
                    cpuSeconds,
                    "injected failure after the run's table commits, before its summary");
        }
        JsonNode summaryJson = null;
        if (succeeded) {
            byte[] summaryBytes = readAll(localSummary);
            s3.putObject(b -> b.bucket(summary.getHost()).key(key(summary)), RequestBody.fromBytes(summaryBytes));
            summaryJson = parse(summaryBytes);
        }
        return new Outcome(succeeded, summaryJson, (System.nanoTime() - started) / 1e9, cpuSeconds, log.toString());
    }

    /** The CPU seconds {@code glue-job/tools/cpu_seconds.py} wrote, NaN if it wrote none. */
    static double childCpuSeconds(Path file) {
        try {
            return Files.exists(file)
                    ? Double.parseDouble(Files.readString(file).strip())
                    : Double.NaN;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every row of the curated Iceberg tables of the catalog database {@code database}, one JSON object per row
     * with the fields the conservation ledger compares ({@code event_id}, {@code event_type}, {@code event_time_ms},
     * {@code source}, {@code schema_version}, {@code payload_json}), read outside the job's code and engine
     * ({@code glue-job/tools/curated_rows.py}: pyiceberg through the Glue Data Catalog and S3).
     */
    List<String> curatedRows(String database) {
        return readCurated(database, "curated_rows.py");
    }

    /**
     * Every distinct string value in the curated tables of {@code database} (columns and nested fields), each as a
     * JSON string, read through the catalog by pyiceberg ({@code glue-job/tools/curated_values.py}).
     */
    List<String> curatedStrings(String database) {
        return readCurated(database, "curated_values.py");
    }

    private List<String> readCurated(String database, String tool) {
        try {
            Path dir = Files.createTempDirectory(workDir, "curated-read");
            Path lines = dir.resolve("lines.txt");
            int exit = exec(
                    List.of(
                            System.getenv("ICEBERG_READER_PYTHON"),
                            repository.resolve("glue-job/tools/" + tool).toString(),
                            database,
                            lines.toString()),
                    dir.resolve("reader.log"),
                    awsEnvironment);
            if (exit != 0) {
                throw new IllegalStateException("reading the curated tables (" + tool + ") failed (exit " + exit
                        + "), see " + dir.resolve("reader.log"));
            }
            return Files.readAllLines(lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int exec(List<String> command, Path log, Map<String, String> environment) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(repository.resolve("glue-job").toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
        builder.environment().putAll(environment);
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
            for (S3Object object : s3.listObjectsV2Paginator(
                            b -> b.bucket(bucket).prefix(prefix))
                    .contents()) {
                Path file = root.resolve(bucket).resolve(object.key());
                Files.createDirectories(file.getParent());
                Files.write(
                        file,
                        s3.getObjectAsBytes(b -> b.bucket(bucket).key(object.key()))
                                .asByteArray());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    private JsonNode readJson(URI uri) {
        return parse(
                s3.getObjectAsBytes(b -> b.bucket(uri.getHost()).key(key(uri))).asByteArray());
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
