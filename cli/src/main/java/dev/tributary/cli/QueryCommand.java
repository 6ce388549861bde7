package dev.tributary.cli;

import dev.tributary.toolkit.SamTemplate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tributary query "SQL"}: SQL over the curated and aggregate Iceberg tables of a Glue Data Catalog database,
 * read through the catalog the way Athena reads them in AWS. The query runs in {@code glue-job/tools/query.py}
 * (pyiceberg loads the tables the query names into Arrow, DuckDB runs the SQL) under the pinned Python that
 * {@code scripts/lib.sh ensure_query_env} installs and names in {@code TRIBUTARY_QUERY_PYTHON}.
 */
@Command(
        name = "query",
        mixinStandardHelpOptions = true,
        description = "Runs SQL over the curated (curated_<type>) and aggregate (agg_<name>) Iceberg tables, read "
                + "through the Glue Data Catalog; e.g. tributary query \"SELECT page_url, max(tti_p95_ms) FROM "
                + "agg_page_view_performance GROUP BY 1 ORDER BY 2 DESC LIMIT 5\". Exit code 2 for an error in "
                + "the query.")
public final class QueryCommand implements Callable<Integer> {
    public static final String PYTHON_VARIABLE = "TRIBUTARY_QUERY_PYTHON";
    private static final String TOOL = "glue-job/tools/query.py";

    @Mixin
    AwsOptions aws = new AwsOptions();

    @Option(
            names = "--database",
            defaultValue = "${env:GLUE_DATABASE:-tributary}",
            description = "Glue Data Catalog database of the tables (default: GLUE_DATABASE, else the template's "
                    + "GlueDatabaseName default, tributary).")
    String database;

    @Option(names = "--format", defaultValue = "table", description = "table, csv or json (one object per row).")
    String format;

    @Option(names = "--max-rows", defaultValue = "0", description = "Print at most this many rows (0: all).")
    int maxRows;

    @Option(names = "--timeout-minutes", defaultValue = "10", description = "Give up after this many minutes.")
    long timeoutMinutes;

    @Parameters(paramLabel = "SQL", description = "The query (DuckDB SQL; tables by their catalog names).")
    String sql;

    /** Where the tool's Python is looked up (the process environment; a test passes its own). */
    java.util.function.UnaryOperator<String> getenv = System::getenv;

    @Override
    public Integer call() {
        String python = getenv.apply(PYTHON_VARIABLE);
        boolean unset = python == null || python.isBlank();
        if (unset || !Files.isRegularFile(Path.of(python)) || !Files.isExecutable(Path.of(python))) {
            System.err.println("error: the query tool is not installed (" + PYTHON_VARIABLE + " "
                    + (unset ? "is not set" : "names no executable: " + python) + "); hint: "
                    + "source scripts/lib.sh && ensure_query_env (scripts/demo.sh and scripts/test.sh do it)");
            return 1;
        }
        Path tool = SamTemplate.locate().getParent().getParent().resolve(TOOL);
        List<String> command = new ArrayList<>(List.of(
                python,
                tool.toString(),
                "--database",
                database,
                "--format",
                format,
                "--max-rows",
                Integer.toString(maxRows),
                sql));
        Map<String, String> environment = aws.environment();
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(tool.getParent().toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            // Both streams are drained concurrently, so a large result cannot block the tool on a full pipe.
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                System.err.println("error: the query did not finish within " + timeoutMinutes + " minutes");
                return 1;
            }
            System.out.print(out.join());
            String diagnostics = err.join().strip();
            if (process.exitValue() != 0) {
                // The tool's last line is its one-line error; Python's traceback (exit 1) ends with the exception.
                String[] lines = diagnostics.split("\n");
                String last = lines[lines.length - 1];
                System.err.println(last.startsWith("error: ") ? last : "error: the query tool failed: " + last);
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + python + " " + tool, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static String readAll(java.io.InputStream stream) {
        try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
