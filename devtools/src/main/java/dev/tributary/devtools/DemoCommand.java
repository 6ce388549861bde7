package dev.tributary.devtools;

import dev.tributary.cli.QueryCommand;
import dev.tributary.toolkit.SampleEvents;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tributary demo}: the pipeline end to end on the local emulator, with a summary at the end. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description =
                "Runs Tributary locally against the AWS emulator (AWS_ENDPOINT_URL; scripts/demo.sh starts moto): creates the SAM template's stream, buckets, tables and queues (infra/template.yaml), produces sample events of every type (about 1%% invalid; a quarter of them KPL-aggregated), feeds them to the kinesis-processor the way Lambda's event source mapping does, and prints what landed. Exits 1 if any record is unaccounted for.")
final class DemoCommand implements Callable<Integer> {
    @Option(
            names = {"-n", "--events"},
            defaultValue = "10000",
            description = "Events to produce (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(
            names = "--invalid-share",
            defaultValue = "0.01",
            description = "Share of deliberately invalid events (default: ${DEFAULT-VALUE}).")
    double invalidShare;

    @Option(
            names = "--kpl-share",
            defaultValue = "0.25",
            description =
                    "Share of the events sent by "
                            + "KPL-aggregating producers, packed into aggregated records of up to 51,200 bytes (default: ${DEFAULT-VALUE}).")
    double kplShare;

    @Option(names = "--shards", defaultValue = "2", description = "Kinesis shards (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(
            names = "--batch-size",
            description = "Event source mapping batch size (default: the template's KinesisBatchSize).")
    Integer batchSize;

    @Option(names = "--template", description = "SAM template to deploy locally (default: infra/template.yaml).")
    Path templatePath;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "Seed for the sample events (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--event-time",
            defaultValue = SampleEvents.FIXED_BASE_TEXT,
            description = "Base time of the sample "
                    + "events (ISO-8601, or \"now\" for the wall clock); valid events fall in the two hours before it. A fixed "
                    + "base makes a seed reproduce every event byte for byte (default: ${DEFAULT-VALUE}).")
    String eventTime;

    @Option(
            names = "--skip-glue",
            description = "Stop after the transformer: the conservation check then follows "
                    + "every event to processed/ instead of to the curated Iceberg tables (faster; no PySpark needed). "
                    + "Without it, a Glue stage that cannot run (no GLUE_PYTHON/SPARK_JAVA_HOME) fails the demo.")
    boolean skipGlue;

    // For fault-injection scenarios: e.g. AWS_ENDPOINT_URL=<fault proxy> puts a proxy between the functions and
    // the emulator while the demo's own harness (producer, event source mapping, checks) keeps a clean line. The
    // recovery (redrive of the dead-letter queues) runs without them: the faults have stopped by then.
    @Option(names = "--function-env", hidden = true, description = "KEY=VALUE set on every function's environment.")
    Map<String, String> functionEnv = new LinkedHashMap<>();

    // For recovery scenarios: the first Glue run fails after writing one partition, or its state event is lost.
    @Option(
            names = "--glue-fault",
            hidden = true,
            defaultValue = "NONE",
            description = "NONE, RUN_FAILS_MIDWAY or STATE_EVENT_LOST.")
    PipelineStages.GlueFault glueFault;

    // For the cost model (scripts/bench.sh --cost): what the run did that AWS bills, as JSON (CostCounters).
    // Two hours by default, so the demo shows several hour partitions; the cost run uses a minute: a steady stream's
    // batch covers seconds of event time, so it spans one hour partition per type (rarely two).
    @Option(
            names = "--event-time-spread",
            hidden = true,
            defaultValue = "7200",
            description =
                    "Valid events' times lie in this many seconds before the base time (default: ${DEFAULT-VALUE}).")
    int eventTimeSpread;

    @Option(names = "--cost-counters", hidden = true, description = "Write the run's billable counters to this file.")
    Path costCounters;

    @Option(
            names = "--no-query",
            description = "Do not end with the closing query (by default, after a Glue run the "
                    + "demo asks the aggregate tables for the pages with the worst hourly p95 time to interactive, with "
                    + "tributary query).")
    boolean noQuery;

    private final Runnable stopFaults;

    DemoCommand() {
        this(() -> {});
    }

    /** For in-process fault scenarios: {@code stopFaults} ends the injected faults before the recovery. */
    DemoCommand(Runnable stopFaults) {
        this.stopFaults = stopFaults;
    }

    @Override
    public Integer call() throws IOException {
        DemoRun.Result result = new DemoRun(
                        new DemoRun.Options(
                                events,
                                invalidShare,
                                kplShare,
                                shards,
                                batchSize,
                                templatePath,
                                seed,
                                "now".equals(eventTime) ? Instant.now() : Instant.parse(eventTime),
                                eventTimeSpread,
                                skipGlue,
                                functionEnv,
                                glueFault,
                                costCounters),
                        stopFaults,
                        System.err)
                .run();
        DemoReport.print(System.out, events, result);
        if (!result.problems().isEmpty()) {
            return 1;
        }
        return result.glue() == null || noQuery ? 0 : closingQuery(result);
    }

    /** The closing question, as in AWS one would ask Athena: the curated aggregates read through the Glue catalog. */
    static final String CLOSING_SQL = "SELECT page_url, round(max(tti_p95_ms)) AS worst_hourly_tti_p95_ms, "
            + "sum(view_count) AS views FROM agg_page_view_performance GROUP BY page_url "
            + "ORDER BY worst_hourly_tti_p95_ms DESC LIMIT 5";

    private static int closingQuery(DemoRun.Result result) {
        String database = result.deployment().physicalId("GlueDatabase");
        System.out.printf(
                "%nSlowest pages (worst hourly p95 time to interactive): tributary query --database %s \\%n  \"%s\"%n%n",
                database, CLOSING_SQL);
        System.out.flush();
        // Through the operator's own command (pyiceberg + DuckDB, not the Glue job's code); its error is one line
        // and fails the demo: a curated table no reader can read is not a working pipeline.
        return new CommandLine(new QueryCommand()).execute("--database", database, CLOSING_SQL) == 0 ? 0 : 1;
    }
}
