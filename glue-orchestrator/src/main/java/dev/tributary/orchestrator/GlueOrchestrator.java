package dev.tributary.orchestrator;

import static dev.tributary.orchestrator.Metrics.Counter.*;

import dev.tributary.common.logging.StructuredLogger;
import dev.tributary.orchestrator.Checkpoint.Phase;
import dev.tributary.orchestrator.Outcome.Kind;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The orchestrator's state machine (see {@code docs/orchestrator.md}): a tick cuts a window from the watermark and
 * starts one Glue run for it under a lease; a run's end (its state-change event, or a tick's GetJobRun when the
 * event was lost) advances the watermark, schedules a retry, or dead-letters the window. Knows nothing of Lambda,
 * nor of the AWS SDK: the checkpoint table, the GSI, Glue, the manifests and the dead-letter queue are ports
 * ({@link Checkpoints}, {@link ProcessedObjects}, {@link GlueJobs}, {@link WindowManifests}, {@link DeadLetters}).
 */
public final class GlueOrchestrator {
    /** Message attribute {@code kind} of the dead-letter notices this function sends. */
    public static final String DEAD_LETTER_KIND = GlueDeadLetter.KIND;

    private final OrchestratorConfig config;
    private final Checkpoints checkpoints;
    private final ProcessedObjects index;
    private final GlueJobs glue;
    private final WindowManifests manifests;
    private final DeadLetters deadLetters;
    private final Clock clock;
    private final StructuredLogger log;

    public GlueOrchestrator(
            OrchestratorConfig config,
            Checkpoints checkpoints,
            ProcessedObjects index,
            GlueJobs glue,
            WindowManifests manifests,
            DeadLetters deadLetters,
            Clock clock,
            StructuredLogger log) {
        this.config = config;
        this.checkpoints = checkpoints;
        this.index = index;
        this.glue = glue;
        this.manifests = manifests;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.log = log;
    }

    /**
     * A scheduled tick: reconciles a run in flight, then starts a run for the pending or a new window if there is
     * one and nothing is in flight.
     *
     * @return what happened, in order (a reconciled run's end, then the tick's own outcome)
     */
    public List<Outcome> tick(Metrics metrics) {
        List<Outcome> outcomes = new ArrayList<>();
        Optional<Checkpoint> current = checkpoints.read(config.glueJobName());
        if (current.isPresent() && current.get().phase() == Phase.RUNNING) {
            Outcome reconciled = reconcile(current.get(), metrics);
            outcomes.add(reconciled);
            if (reconciled.kind() == Kind.RUN_IN_FLIGHT) {
                return outcomes;
            }
            current = checkpoints.read(config.glueJobName());
            if (current.isPresent() && current.get().phase() == Phase.RUNNING) {
                outcomes.add(Outcome.of(
                        Kind.RUN_IN_FLIGHT,
                        null,
                        current.get().runId().orElse(null),
                        "another invocation started a run"));
                return outcomes;
            }
        }
        outcomes.add(startNext(current, metrics));
        return outcomes;
    }

    /** A {@code Glue Job State Change} event. */
    public Outcome onStateChange(OrchestratorEvent.JobStateChange event, Metrics metrics) {
        if (!config.glueJobName().equals(event.jobName())) {
            return Outcome.of(Kind.IGNORED, null, event.jobRunId(), "event for job " + event.jobName());
        }
        Optional<RunEnd> end = RunEnd.of(event.state());
        if (end.isEmpty()) {
            return Outcome.of(Kind.IGNORED, null, event.jobRunId(), "not a final state: " + event.state());
        }
        Optional<Checkpoint> current = checkpoints.read(config.glueJobName());
        if (current.isEmpty()
                || current.get().phase() != Phase.RUNNING
                || !current.get().runId().orElse("").equals(event.jobRunId())) {
            metrics.increment(UnmatchedStateChanges);
            String detail = current.flatMap(Checkpoint::lastRunId)
                            .filter(event.jobRunId()::equals)
                            .isPresent()
                    ? "run already handled (duplicate event or reconciled by a tick)"
                    : "run is not the one in flight";
            log.warn(
                    "state change ignored",
                    Map.of("run_id", event.jobRunId(), "state", event.state(), "detail", detail));
            return Outcome.of(Kind.IGNORED, null, event.jobRunId(), detail);
        }
        return finish(current.get(), event.jobRunId(), end.get(), event.message(), metrics);
    }

    /** Asks Glue about the run in flight; applies its end if it has ended. */
    private Outcome reconcile(Checkpoint checkpoint, Metrics metrics) {
        String runId = checkpoint
                .runId()
                .orElseThrow(() -> new OrchestratorException("checkpoint is RUNNING without a run_id"));
        String windowId = checkpoint.window().map(Window::id).orElse(null);
        GlueJobs.RunLookup lookup;
        try {
            lookup = glue.getJobRun(runId);
        } catch (RetryLaterException e) {
            count(e.reason(), metrics);
            return Outcome.of(Kind.RUN_IN_FLIGHT, windowId, runId, "GetJobRun failed: " + e.getMessage());
        }
        switch (lookup) {
            case GlueJobs.RunLookup.NotFound notFound -> {
                metrics.increment(MissedEventsReconciled);
                return finish(
                        checkpoint,
                        runId,
                        RunEnd.FAILED,
                        "GetJobRun does not know the run: " + notFound.detail(),
                        metrics);
            }
            case GlueJobs.RunLookup.Found run -> {
                Optional<RunEnd> end = RunEnd.of(run.state());
                if (end.isPresent()) {
                    metrics.increment(MissedEventsReconciled);
                    log.warn(
                            "run end found by GetJobRun (state-change event missed or late)",
                            Map.of("run_id", runId, "state", end.get().name()));
                    return finish(checkpoint, runId, end.get(), run.errorMessage(), metrics);
                }
                return Outcome.of(Kind.RUN_IN_FLIGHT, windowId, runId, "run is " + run.state());
            }
        }
    }

    /** Applies a run's final state to the checkpoint, conditional on the run still being the one in flight. */
    private Outcome finish(Checkpoint checkpoint, String runId, RunEnd state, String message, Metrics metrics) {
        Window window = checkpoint
                .window()
                .orElseThrow(() -> new OrchestratorException("checkpoint is RUNNING without a window"));
        Instant now = clock.instant();
        Checkpoint.Builder next = checkpoint
                .with()
                .lastRun(runId, state.name(), message == null ? null : truncate(message, 2000), now)
                .updatedAt(now);
        Kind kind;
        if (state.succeeded()) {
            next.phase(Phase.IDLE)
                    .watermark(window.end())
                    .clearWindow()
                    .windowsCompleted(checkpoint.windowsCompleted() + 1);
            kind = Kind.ADVANCED;
        } else if (checkpoint.attempts() < config.maxRunAttempts()) {
            next.phase(Phase.RETRY).clearRun();
            kind = Kind.RETRY_SCHEDULED;
        } else {
            deadLetters.send(new GlueDeadLetter(
                    config.glueJobName(),
                    window.id(),
                    window.start().toString(),
                    window.end().toString(),
                    window.objects(),
                    checkpoint.windowPartitions(),
                    checkpoint.attempts(),
                    runId,
                    state.name(),
                    message,
                    checkpoint.runArguments(),
                    now.toString()));
            next.phase(Phase.IDLE)
                    .watermark(window.end())
                    .clearWindow()
                    .windowsDeadLettered(checkpoint.windowsDeadLettered() + 1);
            kind = Kind.DEAD_LETTERED;
        }
        if (!checkpoints.replaceRun(checkpoint, runId, next.build())) {
            metrics.increment(UnmatchedStateChanges);
            return Outcome.of(Kind.IGNORED, window.id(), runId, "another invocation handled the run's end first");
        }
        switch (kind) {
            case ADVANCED -> metrics.increment(RunsSucceeded);
            case RETRY_SCHEDULED -> metrics.increment(RunsFailed);
            default -> {
                metrics.increment(RunsFailed);
                metrics.increment(WindowsDeadLettered);
            }
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("window_id", window.id());
        fields.put("run_id", runId);
        fields.put("state", state.name());
        fields.put("attempts", checkpoint.attempts());
        fields.put("outcome", kind.name());
        if (kind == Kind.ADVANCED) {
            log.info("run succeeded; watermark advanced", fields);
        } else {
            fields.put("message", message);
            log.error(
                    kind == Kind.DEAD_LETTERED ? "window dead-lettered" : "run failed; window will be retried", fields);
        }
        return Outcome.of(kind, window.id(), runId, state.name());
    }

    /** Starts a run for the pending window (retry) or a new one, under a lease. */
    private Outcome startNext(Optional<Checkpoint> current, Metrics metrics) {
        Instant now = clock.instant();
        Checkpoint found = current.orElse(null);
        if (found != null
                && found.phase() == Phase.STARTING
                && found.leaseExpiresAt().map(now::isBefore).orElse(false)) {
            metrics.increment(LeaseContention);
            return Outcome.of(
                    Kind.LEASE_HELD,
                    found.window().map(Window::id).orElse(null),
                    null,
                    "lease held until " + found.leaseExpiresAt().orElseThrow());
        }
        Window window;
        Map<String, String> arguments;
        boolean newWindow;
        if (found != null && (found.phase() == Phase.RETRY || found.phase() == Phase.STARTING)) {
            // A retry, or a lease that expired before its run was recorded: the same window, the same arguments.
            window = found.window()
                    .orElseThrow(
                            () -> new OrchestratorException("checkpoint is " + found.phase() + " without a window"));
            arguments = found.runArguments();
            newWindow = false;
        } else {
            Instant from = current.flatMap(Checkpoint::watermark).orElse(now.minus(config.initialLookback()));
            Instant until = now.minus(config.settle());
            List<ProcessedObject> objects = until.isAfter(from) ? index.processedBetween(from, until) : List.of();
            if (objects.isEmpty()) {
                metrics.increment(NoNewData);
                return Outcome.of(Kind.NO_NEW_DATA, null, null, "nothing processed after " + from);
            }
            window = Window.of(from, objects);
            arguments = arguments(window);
            newWindow = true;
        }

        String owner = UUID.randomUUID().toString();
        Checkpoint.Builder leasing = (found == null ? Checkpoint.first(config.glueJobName()) : found.with())
                .phase(Phase.STARTING)
                .lease(owner, now.plus(config.leaseDuration()))
                .updatedAt(now);
        if (newWindow) {
            leasing.window(window, arguments).attempts(0).watermark(window.start());
        }
        Checkpoint leased = leasing.build();
        if (!checkpoints.replace(current, leased)) {
            metrics.increment(LeaseContention);
            return Outcome.of(Kind.LEASE_LOST, window.id(), null, "another invocation took the lease");
        }

        String runId;
        try {
            if (newWindow && arguments.containsKey(GlueRunArguments.MANIFEST_URI)) {
                manifests.write(window);
            }
            runId = glue.startJobRun(arguments);
        } catch (RuntimeException e) {
            boolean restored = checkpoints.restore(config.glueJobName(), current, owner);
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("window_id", window.id());
            fields.put("error", (e instanceof RetryLaterException ? e.getCause() : e).toString());
            fields.put("checkpoint_restored", restored);
            if (!(e instanceof RetryLaterException retry)) {
                metrics.increment(StartFailures);
                log.error("could not start a run", fields);
                throw e;
            }
            count(retry.reason(), metrics);
            String reason = switch (retry.reason()) {
                case CONCURRENT_RUNS_EXCEEDED -> "concurrent runs exceeded";
                case THROTTLED -> "throttled";
                case TRANSIENT -> "transient";
            };
            fields.put("reason", reason);
            log.warn("run not started; the window stays for the next tick", fields);
            return Outcome.of(Kind.REFUSED, window.id(), null, reason);
        }

        int attempts = (newWindow ? 0 : found.attempts()) + 1;
        Instant started = clock.instant();
        Checkpoint running = leased.with()
                .phase(Phase.RUNNING)
                .run(runId, started)
                .attempts(attempts)
                .clearLease()
                .updatedAt(started)
                .build();
        if (!checkpoints.replaceLeased(owner, running)) {
            // The lease expired and another tick took over while StartJobRun was in flight: that tick owns the
            // window now; this run's end will not match the checkpoint and is only logged.
            log.error(
                    "run started but the lease was lost; the run is not tracked",
                    Map.of("window_id", window.id(), "run_id", runId));
            metrics.increment(LeaseContention);
            return Outcome.of(Kind.LEASE_LOST, window.id(), runId, "lease lost while starting");
        }
        metrics.increment(RunsStarted);
        log.info(
                "run started",
                Map.of(
                        "window_id",
                        window.id(),
                        "run_id",
                        runId,
                        "attempt",
                        attempts,
                        "window_start",
                        window.start().toString(),
                        "window_end",
                        window.end().toString(),
                        "objects",
                        window.objects(),
                        "partitions",
                        found == null || newWindow ? window.partitions().size() : found.windowPartitions()));
        return Outcome.of(Kind.STARTED, window.id(), runId, "attempt " + attempts);
    }

    /** The Glue job arguments naming exactly the window's input (docs/contracts.md, "Glue job arguments"). */
    Map<String, String> arguments(Window window) {
        return GlueRunArguments.of(
                config.glueJobName(),
                config.curatedBucket(),
                window,
                window.partitions().size() > config.manifestThreshold());
    }

    /** Counts a call that may pass later under its reason. */
    private static void count(RetryLaterException.Reason reason, Metrics metrics) {
        metrics.increment(
                switch (reason) {
                    case CONCURRENT_RUNS_EXCEEDED -> ConcurrentRunsExceeded;
                    case THROTTLED -> Throttled;
                    case TRANSIENT -> TransientErrors;
                });
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }
}
