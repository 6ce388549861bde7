package dev.tributary.devtools;

import dev.tributary.cli.ProgressBar;
import dev.tributary.common.config.Env;
import dev.tributary.devkit.AsyncInvocationSimulator;
import dev.tributary.devkit.LocalDeployment;
import dev.tributary.devkit.LocalPipeline;
import dev.tributary.orchestrator.GlueOrchestratorHandler;
import dev.tributary.transformer.S3TransformerHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.JobRun;
import software.amazon.awssdk.services.glue.model.JobRunState;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The stages after the kinesis-processor, hosted in the CLI's JVM the way Lambda would run them: the raw bucket's
 * notifications drive the s3-transformer (with Lambda's asynchronous retries and on-failure destination), then the
 * glue-orchestrator is ticked, the Glue run it starts is executed locally, and its state change is delivered.
 */
final class PipelineStages {
    static final String TRANSFORMER = LocalPipeline.TRANSFORMER;
    static final String ORCHESTRATOR = LocalPipeline.ORCHESTRATOR;

    /** What the transformer stage did. */
    record TransformReport(int notifications, int invocations, int retries, int deadLettered) {}

    /** What the Glue stage did. */
    record GlueReport(List<String> runs, List<LocalGlueRunner.Outcome> outcomes, List<Object> tickOutcomes) {}

    private final LocalPipeline pipeline;
    private final LocalDeployment deployment;
    private final GlueClient glue;
    private Map<String, String> functionOverrides;
    private final java.io.PrintStream functionLogs;
    private CostCounters meter = new CostCounters();

    /**
     * @param functionOverrides environment variables set on every function over the template's (e.g. an
     *                          {@code AWS_ENDPOINT_URL} that routes the functions' calls through a fault proxy)
     * @param functionLogs      where the hosted functions' log lines go (Lambda's would go to CloudWatch Logs)
     */
    PipelineStages(
            LocalPipeline pipeline,
            GlueClient glue,
            Map<String, String> functionOverrides,
            java.io.PrintStream functionLogs) {
        this.functionOverrides = Map.copyOf(functionOverrides);
        this.functionLogs = functionLogs;
        this.pipeline = pipeline;
        this.deployment = pipeline.deployment();
        this.glue = glue;
    }

    /** Counts the functions' invocations, time and log bytes, and the Glue runs, in {@code counters}. */
    PipelineStages meter(CostCounters counters) {
        this.meter = counters;
        return this;
    }

    /**
     * Reads the raw bucket's notifications and invokes the transformer for each, as S3 → Lambda would: a failed
     * invocation is retried {@code AsyncMaxRetryAttempts} times, then the event goes to the transformer's
     * dead-letter queue in Lambda's on-failure record shape.
     */
    TransformReport transform(ProgressBar progress, long expectedObjects) {
        S3TransformerHandler transformer =
                new S3TransformerHandler(new Env(functionEnvironment(TRANSFORMER)), functionLogs);
        AsyncInvocationSimulator.Report report = pipeline.transform(
                event -> meter.invokeChecked(
                        TRANSFORMER,
                        () -> transformer.handleRequest(
                                new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)),
                                new ByteArrayOutputStream(),
                                null)),
                true,
                delivered -> progress.update(Math.min(expectedObjects, delivered)));
        return new TransformReport(
                report.notifications(), report.invocations(), report.retries(), report.deadLettered());
    }

    /** A fault in the Glue stage, to watch the orchestrator and the job recover from it. */
    enum GlueFault {
        /** None. */
        NONE,
        /** The first run commits its tables, then fails before its summary (state FAILED). */
        RUN_FAILS_MIDWAY,
        /** The first run succeeds but its state-change event never arrives. */
        STATE_EVENT_LOST
    }

    /**
     * Ticks the orchestrator (as the EventBridge schedule would), runs every Glue run it starts locally, delivers
     * each run's state change, and ticks again until a tick starts no new run (a retried window starts one).
     *
     * @param settleSeconds the demo's {@code SETTLE_SECONDS}: 1 instead of the template's 60, since nothing is in
     *                      flight once the earlier stages have run
     * @param fault         what goes wrong with the first run
     */
    GlueReport orchestrate(Path workDir, Path repository, int settleSeconds, GlueFault fault) {
        Map<String, String> env = functionEnvironment(ORCHESTRATOR);
        env.put("SETTLE_SECONDS", Integer.toString(settleSeconds));
        GlueOrchestratorHandler orchestrator = new GlueOrchestratorHandler(new Env(env), functionLogs);
        String job = pipeline.curationJob();
        List<Object> tickOutcomes = new ArrayList<>();
        Set<String> known = runIds(job);
        sleepSeconds(settleSeconds); // the window ends SETTLE_SECONDS before now: let the last object settle
        tickOutcomes.add(meter.invoke(ORCHESTRATOR, () -> orchestrator.handleRequest(pipeline.scheduledEvent(), null))
                .get("outcomes"));
        List<String> allRuns = new ArrayList<>();
        List<LocalGlueRunner.Outcome> outcomes = new ArrayList<>();
        // The runner reads the job's inputs and writes its outputs on the job's behalf: as the Glue job's role.
        S3Client jobRole =
                deployment.serviceRoleClients("GlueJobRole", "glue-job").s3();
        // The job's own process calls the Glue Data Catalog and S3 (Iceberg commits) as the role too.
        LocalGlueRunner runner = new LocalGlueRunner(
                jobRole, glue, workDir, repository, deployment.serviceRoleEnvironment("GlueJobRole", "glue-job-spark"));
        boolean faultPending = fault != GlueFault.NONE;
        for (int round = 0; round < 5; round++) {
            List<String> started = new ArrayList<>(runIds(job));
            started.removeAll(known);
            if (started.isEmpty()) {
                break;
            }
            known.addAll(started);
            for (String runId : started) {
                boolean failMidway = faultPending && fault == GlueFault.RUN_FAILS_MIDWAY;
                LocalGlueRunner.Outcome outcome = runner.run(job, runId, failMidway);
                allRuns.add(runId);
                outcomes.add(outcome);
                awaitEmulatorRun(job, runId); // the emulator's own copy of the run must end too (MaxConcurrentRuns)
                if (faultPending && fault == GlueFault.STATE_EVENT_LOST) {
                    tickOutcomes.add("state-change event of " + runId + " lost");
                } else {
                    String state = outcome.succeeded() ? "SUCCEEDED" : "FAILED";
                    tickOutcomes.add(meter.invoke(
                                    ORCHESTRATOR,
                                    () -> orchestrator.handleRequest(pipeline.glueStateChange(runId, state), null))
                            .get("outcomes"));
                }
                faultPending = false;
            }
            // The next scheduled tick: starts the retry of a failed window, or reconciles a run whose event was lost.
            tickOutcomes.add(
                    meter.invoke(ORCHESTRATOR, () -> orchestrator.handleRequest(pipeline.scheduledEvent(), null))
                            .get("outcomes"));
        }
        jobRole.close();
        return new GlueReport(allRuns, outcomes, tickOutcomes);
    }

    /**
     * The faults stop: from now on the functions run with the template's environment alone (the recovery after a
     * fault scenario, e.g. without the fault proxy in {@code AWS_ENDPOINT_URL}).
     */
    void dropOverrides() {
        functionOverrides = Map.of();
    }

    /** A function's environment: the template's, pointed at the emulator, with the overrides on top. */
    Map<String, String> functionEnvironment(String function) {
        Map<String, String> env = new LinkedHashMap<>(pipeline.functionEnvironment(function));
        env.putAll(functionOverrides);
        return env;
    }

    private static void sleepSeconds(int seconds) {
        try {
            Thread.sleep(seconds * 1000L + 100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Set<String> runIds(String job) {
        Set<String> ids = new HashSet<>();
        glue.getJobRunsPaginator(b -> b.jobName(job)).jobRuns().forEach(run -> ids.add(run.id()));
        return ids;
    }

    private void awaitEmulatorRun(String job, String runId) {
        for (int i = 0; i < 20; i++) { // moto advances a run one state per read in its manual mode
            JobRun run = glue.getJobRun(b -> b.jobName(job).runId(runId)).jobRun();
            if (run.jobRunState() == JobRunState.SUCCEEDED
                    || run.jobRunState() == JobRunState.FAILED
                    || run.jobRunState() == JobRunState.STOPPED
                    || run.jobRunState() == JobRunState.TIMEOUT) {
                return;
            }
        }
    }
}
