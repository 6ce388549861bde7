package dev.tributary.benchmarks.cost;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The bill per TiB of 1 KiB events, every stage, from the counters of a local run ({@code tributary demo
 * --cost-counters}) scaled to 1,073,741,824 events, against Amazon Data Firehose with dynamic partitioning and
 * record format conversion to Parquet. Pure arithmetic: {@link CostReport} reads the counters and the template.
 *
 * <p>What scales with what: the processor's and transformer's invocations, calls, handler time and log bytes scale
 * with events; stored bytes with event bytes (the run's events are smaller than 1 KiB); the orchestrator and Glue
 * with the schedule (a month in which the TiB arrives evenly).
 */
public final class CostModel {
    public static final long EVENTS_PER_TIB = (1L << 40) / 1024;
    public static final double GB = 1L << 30;
    public static final double HOURS_PER_MONTH = 730;

    /** One function's counters in the run: invocations, summed handler wall time, bytes logged, calls by action. */
    public record FunctionRun(
            long invocations, double handlerMs, long logBytes, int memoryMb, Map<String, Long> calls) {
        long count(String action) {
            return calls.getOrDefault(action, 0L);
        }

        long countPrefix(String prefix) {
            return calls.entrySet().stream()
                    .filter(e -> e.getKey().startsWith(prefix))
                    .mapToLong(Map.Entry::getValue)
                    .sum();
        }
    }

    /** The Glue job's cost per run: {@code fixedSeconds + records × coreSecondsPerRecord / vCPUs} on its workers. */
    public record GlueFit(double fixedSeconds, double coreSecondsPerRecord, String basis) {}

    /**
     * Everything the run counted. {@code eventsPerInvocation}: the processor's batch at a TiB of 1 KiB events, the
     * template's BatchSize or what fits Lambda's 6 MB payload, whichever is smaller: per-batch and per-object
     * counters (calls, objects, transformer invocations, log lines) scale by batches, CPU time by events.
     */
    public record Run(
            long events,
            long eventBytes,
            FunctionRun processor,
            FunctionRun transformer,
            FunctionRun orchestrator,
            Map<String, Long> glueCalls,
            long rawBytes,
            long processedBytes,
            long curatedBytes,
            long metadataItems,
            long metadataBytes,
            int eventTypes,
            double eventsPerInvocation) {}

    /** The deployment's schedule and Glue capacity (from the template). */
    public record Schedule(
            double ticksPerMonth, double glueRunsPerMonth, int glueWorkers, double dpuPerWorker, int vcpusPerWorker) {}

    /** One line of the bill. */
    public record Line(String stage, String item, String arithmetic, double dollars) {}

    /** The bill: Tributary's lines by stage, Firehose's lines. */
    public record Bill(List<Line> tributary, List<Line> firehose, double objectsPerTib) {
        public double total(List<Line> lines) {
            return lines.stream().mapToDouble(Line::dollars).sum();
        }

        public double stage(String stage) {
            return total(tributary.stream().filter(l -> l.stage().equals(stage)).toList());
        }

        public double ratio() {
            return total(tributary) / total(firehose);
        }
    }

    private CostModel() {}

    public static Bill bill(Run run, Schedule schedule, GlueFit glue) {
        double perEvent = (double) EVENTS_PER_TIB / run.events();
        double perBatch =
                EVENTS_PER_TIB / run.eventsPerInvocation() / run.processor().invocations();
        List<Line> lines = new ArrayList<>();
        String how = "time per event × " + fmt(perEvent) + ", calls per batch × " + fmt(perBatch);
        function(lines, "processor", run.processor(), perEvent, perBatch, how, run);
        function(lines, "transformer", run.transformer(), perEvent, perBatch, how, run);
        double orchestratorInvocations = schedule.ticksPerMonth() + schedule.glueRunsPerMonth();
        double perInvocation = orchestratorInvocations / run.orchestrator().invocations();
        function(
                lines,
                "orchestrator",
                run.orchestrator(),
                perInvocation,
                perInvocation,
                "per invocation × " + fmt(orchestratorInvocations) + " a month",
                run);

        // Glue: each scheduled run curates its share of the TiB; billed per second on every worker, 1 minute minimum.
        double recordsPerRun = EVENTS_PER_TIB / schedule.glueRunsPerMonth();
        double seconds = glue.fixedSeconds()
                + recordsPerRun * glue.coreSecondsPerRecord() / (schedule.glueWorkers() * schedule.vcpusPerWorker());
        double billed = Math.max(60, seconds);
        double dpuHours =
                schedule.glueRunsPerMonth() * billed * schedule.glueWorkers() * schedule.dpuPerWorker() / 3600;
        lines.add(new Line(
                "glue",
                "Glue DPU-hours",
                fmt(schedule.glueRunsPerMonth()) + " runs × " + fmt(billed)
                        + " s × " + schedule.glueWorkers() + " × " + schedule.dpuPerWorker() + " DPU = " + fmt(dpuHours)
                        + " DPU-h × $" + Prices.GLUE_DPU_HOUR + " (" + glue.basis() + ")",
                dpuHours * Prices.GLUE_DPU_HOUR));
        // The job reads each processed object (scales with events); its other calls (Iceberg metadata, listings,
        // commits) come once per run.
        long gets = run.glueCalls().getOrDefault("s3:GetObject", 0L);
        long puts = run.glueCalls().getOrDefault("s3:PutObject", 0L)
                + run.glueCalls().getOrDefault("s3:ListBucket", 0L);
        double glueS3 =
                gets * perBatch * Prices.S3_GET_CLASS + puts * schedule.glueRunsPerMonth() * Prices.S3_PUT_CLASS;
        lines.add(new Line(
                "glue",
                "S3 requests of the job",
                fmt(gets) + " GET × " + fmt(perBatch) + " + " + fmt(puts) + " PUT/LIST × "
                        + fmt(schedule.glueRunsPerMonth()) + " runs",
                glueS3));

        double perByte = (double) (1L << 40) / run.eventBytes();
        double storedGb = (run.rawBytes() + run.processedBytes() + run.curatedBytes()) * perByte / GB;
        lines.add(new Line(
                "storage",
                "S3 Standard, one month of raw + processed + curated",
                fmt((run.rawBytes() + run.processedBytes() + run.curatedBytes())) + " B × " + fmt(perByte)
                        + " (run's event bytes → 1 TiB) = " + fmt(storedGb) + " GB × $" + Prices.S3_GB_MONTH,
                storedGb * Prices.S3_GB_MONTH));
        double metadataGb = run.metadataBytes() * perBatch / GB;
        lines.add(new Line(
                "storage",
                "DynamoDB metadata items (+ the GSI, projection ALL), one month",
                "2 × " + fmt(run.metadataBytes()) + " B × " + fmt(perBatch) + " = " + fmt(2 * metadataGb) + " GB × $"
                        + Prices.DYNAMODB_GB_MONTH,
                2 * metadataGb * Prices.DYNAMODB_GB_MONTH));

        long objects = run.processor().count("s3:PutObject");
        double objectsPerTib = objects * perBatch;
        return new Bill(lines, firehose(run, perByte), objectsPerTib);
    }

    private static void function(
            List<Line> lines, String stage, FunctionRun f, double timeScale, double scale, String how, Run run) {
        double gbs = f.handlerMs() / 1000 * f.memoryMb() / 1024 * timeScale;
        double invocations = f.invocations() * scale;
        lines.add(new Line(
                stage,
                "Lambda",
                fmt(f.handlerMs() / f.invocations()) + " ms × " + f.memoryMb() + " MB × " + fmt(invocations)
                        + " invocations = " + fmt(gbs) + " GB-s; " + how,
                gbs * Prices.LAMBDA_GB_SECOND + invocations * Prices.LAMBDA_REQUEST));
        long puts = f.count("s3:PutObject") + f.count("s3:ListBucket") + f.count("s3:DeleteObject");
        long gets = f.count("s3:GetObject");
        if (puts + gets > 0) {
            lines.add(new Line(
                    stage,
                    "S3 requests",
                    fmt(puts * scale) + " PUT/LIST + " + fmt(gets * scale) + " GET/HEAD",
                    scale * (puts * Prices.S3_PUT_CLASS + gets * Prices.S3_GET_CLASS)));
        }
        // An item of at most 1 KB costs one write unit.
        double unitsPerWrite =
                Math.max(1, Math.ceil((double) run.metadataBytes() / Math.max(1, run.metadataItems()) / 1024));
        long writes = f.count("dynamodb:PutItem") + f.count("dynamodb:UpdateItem") + f.count("dynamodb:DeleteItem");
        // processed_hour (the GSI's key) is set by the one update that marks an object PROCESSED: one GSI write per
        // processed object, i.e. per object the transformer writes.
        long gsiWrites = stage.equals("transformer") ? f.count("s3:PutObject") : 0;
        long reads = f.count("dynamodb:GetItem") + f.count("dynamodb:Query") + f.count("dynamodb:Scan");
        if (writes + reads > 0) {
            lines.add(new Line(
                    stage,
                    "DynamoDB",
                    fmt((writes + gsiWrites) * unitsPerWrite * scale) + " WRU ("
                            + (gsiWrites > 0 ? "with GSI, " : "") + fmt(unitsPerWrite) + " per write) + "
                            + fmt(reads * scale) + " RRU",
                    scale
                            * ((writes + gsiWrites) * unitsPerWrite * Prices.DYNAMODB_WRITE_UNIT
                                    + reads * Prices.DYNAMODB_READ_UNIT)));
        }
        // Only what the function sends: the local run's receives and deletes are the harness standing in for S3's
        // notifications to Lambda, which AWS does not bill.
        long sqs = f.count("sqs:SendMessage") + f.count("sqs:SendMessageBatch");
        if (sqs > 0) {
            lines.add(new Line(stage, "SQS", fmt(sqs * scale) + " requests", sqs * scale * Prices.SQS_REQUEST));
        }
        long kms = f.countPrefix("kms:") - kmsViaQueues(f);
        if (kms > 0) {
            // With the template's S3 Bucket Key (BucketKeyEnabled: true) S3 asks KMS for a bucket-level key it
            // reuses for a time-limited period instead of a data key per object: AWS says up to 99 % fewer calls.
            lines.add(new Line(
                    stage,
                    "KMS via S3, with Bucket Key (1 % of below)",
                    fmt(kms * scale / 100) + " requests",
                    kms * scale / 100 * Prices.KMS_REQUEST));
        }
        double logGb = f.logBytes() * scale / GB;
        lines.add(new Line(
                stage,
                "CloudWatch Logs ingested",
                fmt(f.logBytes() / (double) f.invocations()) + " B per invocation = " + fmt(logGb) + " GB",
                logGb * Prices.LOGS_GB_INGESTED));
    }

    private static long kmsViaQueues(FunctionRun f) {
        // SQS reuses a data key for KmsDataKeyReusePeriodSeconds (default 300 s), so its KMS calls do not scale with
        // messages.
        return f.calls().entrySet().stream()
                .filter(e -> e.getKey().startsWith("kms:") && e.getKey().endsWith("sqs"))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    /** KMS requests through S3 per TiB if the buckets had no Bucket Key: one per object written or read. */
    public static double kmsWithoutBucketKey(Run run, Schedule schedule) {
        double perEvent =
                EVENTS_PER_TIB / run.eventsPerInvocation() / run.processor().invocations();
        long calls = 0;
        for (FunctionRun f : List.of(run.processor(), run.transformer())) {
            calls += f.countPrefix("kms:") - kmsViaQueues(f);
        }
        long glue = run.glueCalls().entrySet().stream()
                .filter(e -> e.getKey().startsWith("kms:") && e.getKey().endsWith("s3"))
                .mapToLong(Map.Entry::getValue)
                .sum();
        return calls * perEvent + glue * perEvent;
    }

    private static List<Line> firehose(Run run, double perByte) {
        List<Line> lines = new ArrayList<>();
        double billedGb = EVENTS_PER_TIB * (double) Prices.FIREHOSE_INCREMENT_BYTES / GB;
        lines.add(new Line(
                "firehose",
                "ingestion from the stream",
                fmt(EVENTS_PER_TIB) + " records × 5 KB = " + fmt(billedGb) + " GB × $" + Prices.FIREHOSE_INGEST_GB,
                billedGb * Prices.FIREHOSE_INGEST_GB));
        lines.add(new Line(
                "firehose",
                "format conversion to Parquet",
                fmt(billedGb) + " GB (5 KB increments) × $" + Prices.FIREHOSE_CONVERSION_GB,
                billedGb * Prices.FIREHOSE_CONVERSION_GB));
        lines.add(new Line(
                "firehose",
                "dynamic partitioning, data",
                "1,024 GB × $" + Prices.FIREHOSE_PARTITIONING_GB,
                1024 * Prices.FIREHOSE_PARTITIONING_GB));
        // One object per partition (event type, hour) per 15-minute buffer: the longest buffering Firehose allows.
        double objects = run.eventTypes() * 4 * HOURS_PER_MONTH;
        lines.add(new Line(
                "firehose",
                "dynamic partitioning, objects",
                fmt(objects) + " objects × $0.005/1,000",
                objects * Prices.FIREHOSE_OBJECT));
        lines.add(new Line(
                "firehose",
                "JQ processing (partition keys from the JSON)",
                fmt(HOURS_PER_MONTH) + " h × $" + Prices.FIREHOSE_JQ_HOUR,
                HOURS_PER_MONTH * Prices.FIREHOSE_JQ_HOUR));
        double parquetGb = run.curatedBytes() * perByte / GB;
        lines.add(new Line(
                "firehose",
                "S3 Standard, one month of the Parquet it writes (taken as Tributary's curated)",
                fmt(parquetGb) + " GB × $" + Prices.S3_GB_MONTH,
                parquetGb * Prices.S3_GB_MONTH));
        return lines;
    }

    static String fmt(double value) {
        if (value != Math.rint(value) && Math.abs(value) < 100) {
            return String.format("%,.2f", value);
        }
        return String.format("%,.0f", value);
    }
}
