package dev.tributary.benchmarks.cost;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.json.Json;
import dev.tributary.toolkit.SamTemplate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prints the bill per TiB as Markdown from the counters of one or more demo runs ({@code tributary demo
 * --cost-counters FILE}) and the template's defaults: {@code CostReport counters.json [more.json ...]}. The first file
 * is the run whose counters are scaled; the Glue runs of all files fit the job's seconds against its records.
 */
public final class CostReport {
    /** The most ~1 KiB events one 6 MB invocation payload holds (LargestBatchTest measures it: 3,078). */
    static final int KIB_EVENTS_PER_6MB = 3078;

    private static final Pattern RATE = Pattern.compile("rate\\((\\d+) (minute|minutes|hour|hours)\\)");

    private CostReport() {}

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: CostReport counters.json [more-counters.json ...]");
            System.exit(2);
        }
        List<JsonNode> runs = new ArrayList<>();
        for (String arg : args) {
            runs.add(Json.mapper().readTree(Path.of(arg).toFile()));
        }
        SamTemplate template = SamTemplate.load(SamTemplate.locate());
        Map<String, String> parameters = template.parameterDefaults();
        JsonNode withGlue = runs.stream()
                .filter(r -> r.path("glue.records_in").asLong() > 0 && !isGlueBench(r))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no run with a Glue stage among the counters"));
        CostModel.Run run = run(runs.getFirst(), withGlue, template);
        CostModel.Schedule schedule = schedule(parameters);
        CostModel.GlueFit fit = glueFit(runs);
        CostModel.Bill bill = CostModel.bill(run, schedule, fit);
        System.out.print(markdown(bill, run, schedule, runs.getFirst(), parameters));
    }

    /**
     * The first run's counters; the Glue job's calls and the curated bytes from {@code withGlue} (the same run, or
     * one with a Glue stage), scaled to the first run: calls by raw objects, bytes by event bytes.
     */
    static CostModel.Run run(JsonNode counters, JsonNode withGlue, SamTemplate template) {
        double objects = counters.path("calls")
                .path("KinesisProcessorFunction")
                .path("s3:PutObject")
                .asDouble();
        double glueObjects = withGlue.path("calls")
                .path("KinesisProcessorFunction")
                .path("s3:PutObject")
                .asDouble();
        double byObjects = objects / glueObjects;
        double byBytes = counters.path("event_bytes").asDouble()
                / withGlue.path("event_bytes").asDouble();
        Map<String, Long> glueCalls = new TreeMap<>();
        callsOf(withGlue.path("calls").path("GlueJobRole"))
                .forEach((action, count) -> glueCalls.put(action, Math.round(count * byObjects)));
        JsonNode calls = counters.path("calls");
        long types = 0;
        for (var field : counters.properties()) {
            if (field.getKey().startsWith("event_type.")) {
                types++;
            }
        }
        return new CostModel.Run(
                counters.path("events").asLong(),
                counters.path("event_bytes").asLong(),
                function(counters, template, "KinesisProcessorFunction"),
                function(counters, template, "S3TransformerFunction"),
                // A run without the Glue stage never ticks the orchestrator: its counters come from the Glue run.
                function(
                        counters.path("functions").has("GlueOrchestratorFunction") ? counters : withGlue,
                        template,
                        "GlueOrchestratorFunction"),
                glueCalls,
                prefixBytes(counters, "s3.raw."),
                prefixBytes(counters, "s3.processed."),
                Math.round(prefixBytes(withGlue, "s3.curated.") * byBytes),
                counters.path("metadata.items").asLong(),
                counters.path("metadata.bytes").asLong(),
                (int) Math.max(3, types),
                Math.min(batchSize(counters, template), KIB_EVENTS_PER_6MB));
    }

    private static int batchSize(JsonNode counters, SamTemplate template) {
        return counters.has("batch_size")
                ? counters.path("batch_size").asInt()
                : Integer.parseInt(template.parameterDefaults().get("KinesisBatchSize"));
    }

    private static CostModel.FunctionRun function(JsonNode counters, SamTemplate template, String name) {
        JsonNode f = counters.path("functions").path(name);
        Object memory = template.resource(name).properties().get("MemorySize");
        return new CostModel.FunctionRun(
                f.path("invocations").asLong(),
                f.path("handler_ms").asDouble(),
                f.path("log_bytes").asLong(),
                Integer.parseInt(memory.toString()),
                callsOf(counters.path("calls").path(name)));
    }

    private static Map<String, Long> callsOf(JsonNode... nodes) {
        Map<String, Long> calls = new TreeMap<>();
        for (JsonNode node : nodes) {
            node.properties().forEach(e -> calls.merge(e.getKey(), e.getValue().asLong(), Long::sum));
        }
        return calls;
    }

    private static long prefixBytes(JsonNode counters, String prefix) {
        long bytes = 0;
        for (var field : counters.properties()) {
            if (field.getKey().startsWith(prefix) && field.getKey().endsWith(".bytes")) {
                bytes += field.getValue().asLong();
            }
        }
        return bytes;
    }

    static CostModel.Schedule schedule(Map<String, String> parameters) {
        Matcher rate = RATE.matcher(parameters.getOrDefault("ScheduleExpression", ""));
        if (!rate.find()) {
            throw new IllegalStateException(
                    "ScheduleExpression default is not rate(N minutes|hours): " + parameters.get("ScheduleExpression"));
        }
        double minutes = Integer.parseInt(rate.group(1)) * (rate.group(2).startsWith("hour") ? 60 : 1);
        double ticks = CostModel.HOURS_PER_MONTH * 60 / minutes;
        String worker = parameters.getOrDefault("GlueWorkerType", "G.1X");
        double dpu = switch (worker) {
            case "G.1X" -> 1;
            case "G.2X" -> 2;
            case "G.4X" -> 4;
            case "G.8X" -> 8;
            default -> throw new IllegalStateException("unknown GlueWorkerType " + worker);
        };
        // One run per tick at most: a TiB a month leaves every window non-empty.
        return new CostModel.Schedule(
                ticks, ticks, Integer.parseInt(parameters.get("GlueNumberOfWorkers")), dpu, (int) (4 * dpu));
    }

    /** Counters of a Glue-only run ({@code "kind": "glue-bench"}): one window of the job, its CPU and records. */
    static boolean isGlueBench(JsonNode counters) {
        return "glue-bench".equals(counters.path("kind").asText());
    }

    /**
     * The job's seconds against its records over the runs given (Glue-only runs first, see {@link #benchFit}): a least-squares line when the runs differ in size
     * (intercept = a run's fixed cost: Spark start, table loads, commits), else all of one run's time charged per
     * record (an upper bound). Local cores stand for Glue vCPUs one for one: the stated assumption.
     */
    static CostModel.GlueFit glueFit(List<JsonNode> runs) {
        List<JsonNode> bench = runs.stream().filter(CostReport::isGlueBench).toList();
        if (bench.size() >= 2) {
            return benchFit(bench, runs.stream().filter(r -> !isGlueBench(r)).toList());
        }
        List<JsonNode> withGlue = runs.stream()
                .filter(run -> run.path("glue.records_in").asLong() > 0)
                .toList();
        if (withGlue.isEmpty()) {
            throw new IllegalStateException("no Glue run in the counters: run the demo without --skip-glue");
        }
        if (withGlue.size() >= 2
                && withGlue.stream()
                        .allMatch(run -> run.path("glue.cpu_seconds").asDouble() > 0)) {
            return cpuFit(withGlue);
        }
        List<double[]> points = new ArrayList<>();
        double cores = 0;
        for (JsonNode run : withGlue) {
            points.add(new double[] {
                run.path("glue.records_in").asDouble(), run.path("glue.seconds").asDouble()
            });
            cores = run.path("cores").asDouble();
        }
        double n = points.size();
        double mx = points.stream().mapToDouble(p -> p[0]).sum() / n;
        double my = points.stream().mapToDouble(p -> p[1]).sum() / n;
        double sxx = points.stream().mapToDouble(p -> (p[0] - mx) * (p[0] - mx)).sum();
        if (points.size() >= 2 && sxx > 0) {
            double slope =
                    points.stream().mapToDouble(p -> (p[0] - mx) * (p[1] - my)).sum() / sxx;
            double intercept = my - slope * mx;
            if (slope > 0 && intercept >= 0) {
                return new CostModel.GlueFit(
                        intercept,
                        slope * cores,
                        String.format(
                                "fit over %d local runs on %.0f cores: %.1f s + %.3f ms × records",
                                points.size(), cores, intercept, slope * 1000));
            }
        }
        double[] largest =
                points.stream().max((a, b) -> Double.compare(a[0], b[0])).orElseThrow();
        return new CostModel.GlueFit(
                0,
                largest[1] * cores / largest[0],
                String.format(
                        "one local run, %,.0f records in %.0f s on %.0f cores, all of it charged per record: an upper bound",
                        largest[0], largest[1], cores));
    }

    /**
     * The job's CPU seconds (user + system of Spark's JVM and its Python workers) against its records: CPU time is
     * what a busy machine stretches least, so runs on a shared machine still give a usable slope. The slope is CPU
     * seconds per record, which Glue's vCPUs deliver one for one when the executors are busy (the stated assumption);
     * the intercept, a run's fixed cost (Spark start, table loads, commits: mostly the driver's single thread), is
     * CPU seconds taken as wall seconds, an under-estimate of that phase's wall time (its waits on S3 and the catalog
     * use no CPU); the model bills Glue's one-minute minimum per run whatever the fit says. Two sizes give a line,
     * not an error estimate.
     */
    static CostModel.GlueFit cpuFit(List<JsonNode> runs) {
        double n = runs.size();
        double mx = runs.stream()
                        .mapToDouble(r -> r.path("glue.records_in").asDouble())
                        .sum()
                / n;
        double my = runs.stream()
                        .mapToDouble(r -> r.path("glue.cpu_seconds").asDouble())
                        .sum()
                / n;
        double sxx = runs.stream()
                .mapToDouble(r -> Math.pow(r.path("glue.records_in").asDouble() - mx, 2))
                .sum();
        double sxy = runs.stream()
                .mapToDouble(r -> (r.path("glue.records_in").asDouble() - mx)
                        * (r.path("glue.cpu_seconds").asDouble() - my))
                .sum();
        if (sxx <= 0 || sxy <= 0) {
            throw new IllegalStateException("the Glue runs' CPU seconds do not grow with their records: run the cost "
                    + "demo at two clearly different sizes (scripts/bench.sh --cost does)");
        }
        double slope = sxy / sxx;
        double intercept = Math.max(0, my - slope * mx);
        return new CostModel.GlueFit(
                intercept,
                slope,
                String.format(
                        "fit of CPU seconds over %d local runs (%s " + "records): %.1f s + %.3f ms × records",
                        runs.size(),
                        runs.stream()
                                .map(r -> String.format(
                                        "%,d", r.path("glue.records_in").asLong()))
                                .collect(java.util.stream.Collectors.joining(", ")),
                        intercept,
                        slope * 1000));
    }

    /**
     * The job's CPU seconds per record from Glue-only runs of one window at different sizes (a demo-sized run is all
     * start-up: Spark, table loads, commits), and its fixed cost per run from a demo run's Glue CPU seconds less its
     * records at that rate: CPU seconds taken as wall seconds, an under-estimate of the start-up's wall time (its waits
     * use no CPU); the model bills Glue's one-minute minimum per run anyway.
     */
    static CostModel.GlueFit benchFit(List<JsonNode> bench, List<JsonNode> demos) {
        CostModel.GlueFit slope = cpuFit(bench);
        JsonNode demo = demos.stream()
                .filter(r -> r.path("glue.records_in").asLong() > 0
                        && r.path("glue.cpu_seconds").asDouble() > 0)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no demo run with the Glue job's CPU seconds"));
        double fixed = Math.max(
                0,
                demo.path("glue.cpu_seconds").asDouble()
                        - demo.path("glue.records_in").asDouble() * slope.coreSecondsPerRecord());
        return new CostModel.GlueFit(
                fixed,
                slope.coreSecondsPerRecord(),
                String.format(
                        "%.3f ms CPU per record, fit "
                                + "over one-window runs of the job (%s); %.0f s fixed per run, a demo run's Glue CPU (%,d records in "
                                + "%.0f CPU-s) less its records",
                        slope.coreSecondsPerRecord() * 1000,
                        bench.stream()
                                .map(r -> String.format(
                                        "%,d records in %.0f CPU-s",
                                        r.path("glue.records_in").asLong(),
                                        r.path("glue.cpu_seconds").asDouble()))
                                .collect(java.util.stream.Collectors.joining(", ")),
                        fixed,
                        demo.path("glue.records_in").asLong(),
                        demo.path("glue.cpu_seconds").asDouble()));
    }

    static String markdown(
            CostModel.Bill bill,
            CostModel.Run run,
            CostModel.Schedule schedule,
            JsonNode counters,
            Map<String, String> parameters) {
        StringBuilder md = new StringBuilder();
        md.append("| stage | item | arithmetic (per TiB of 1 KiB events) | $/TiB |\n|---|---|---|---|\n");
        String stage = "";
        for (CostModel.Line line : bill.tributary()) {
            if (!stage.isEmpty() && !line.stage().equals(stage)) {
                md.append(String.format("| **%s** | | | **%.2f** |%n", stage, bill.stage(stage)));
            }
            stage = line.stage();
            md.append(String.format(
                    "| %s | %s | %s | %.2f |%n", line.stage(), line.item(), line.arithmetic(), line.dollars()));
        }
        md.append(String.format("| **%s** | | | **%.2f** |%n", stage, bill.stage(stage)));
        md.append(String.format("| **Tributary, all stages** | | | **%.2f** |%n", bill.total(bill.tributary())));
        for (CostModel.Line line : bill.firehose()) {
            md.append(String.format("| Firehose | %s | %s | %.2f |%n", line.item(), line.arithmetic(), line.dollars()));
        }
        md.append(String.format(
                "| **Amazon Data Firehose, dynamic partitioning + Parquet** | | | **%.2f** |%n",
                bill.total(bill.firehose())));
        double kms = CostModel.kmsWithoutBucketKey(run, schedule);
        md.append(String.format(
                "%nTributary / Firehose = **%.2f×**. Without S3 Bucket Keys the KMS lines would be "
                        + "%s requests, **$%.2f/TiB** more. Objects per TiB (raw, = processed): **%s** at KinesisBatchSize %s "
                        + "(run: %s events in %s processor invocations).%n",
                bill.ratio(),
                CostModel.fmt(kms),
                kms * Prices.KMS_REQUEST,
                CostModel.fmt(bill.objectsPerTib()),
                counters.path("batch_size").asText(),
                CostModel.fmt(run.events()),
                CostModel.fmt(run.processor().invocations())));
        return md.toString();
    }
}
