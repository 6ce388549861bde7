package dev.tributary.orchestrator;

import static dev.tributary.orchestrator.Metrics.Counter.*;

import dev.tributary.common.json.Json;
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
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.ConcurrentRunsExceededException;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.InternalServiceException;
import software.amazon.awssdk.services.glue.model.JobRun;
import software.amazon.awssdk.services.glue.model.JobRunState;
import software.amazon.awssdk.services.glue.model.OperationTimeoutException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The orchestrator's state machine (see {@code docs/orchestrator.md}): a tick cuts a window from the watermark and
 * starts one Glue run for it under a lease; a run's end (its state-change event, or a tick's GetJobRun when the
 * event was lost) advances the watermark, schedules a retry, or dead-letters the window. Knows nothing of Lambda.
 */
public final class GlueOrchestrator {
    /** Message attribute {@code kind} of the dead-letter notices this function sends. */
    public static final String DEAD_LETTER_KIND = GlueDeadLetter.KIND;

    private static final Set<JobRunState> FAILED_STATES = Set.of(
            JobRunState.FAILED, JobRunState.TIMEOUT, JobRunState.STOPPED, JobRunState.ERROR, JobRunState.EXPIRED);

    private final OrchestratorConfig config;
    private final CheckpointStore checkpoints;
    private final ProcessedIndex index;
    private final GlueClient glue;
    private final S3Client s3;
    private final SqsClient sqs;
    private final Clock clock;
    private final StructuredLogger log;

    public GlueOrchestrator(OrchestratorConfig config, CheckpointStore checkpoints, ProcessedIndex index,
            GlueClient glue, S3Client s3, SqsClient sqs, Clock clock, StructuredLogger log) {
        this.config = config;
        this.checkpoints = checkpoints;
        this.index = index;
        this.glue = glue;
        this.s3 = s3;
        this.sqs = sqs;
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
                outcomes.add(Outcome.of(Kind.RUN_IN_FLIGHT, null, current.get().runId().orElse(null),
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
        JobRunState state = JobRunState.fromValue(event.state());
        if (state != JobRunState.SUCCEEDED && !FAILED_STATES.contains(state)) {
            return Outcome.of(Kind.IGNORED, null, event.jobRunId(), "not a final state: " + event.state());
        }
        Optional<Checkpoint> current = checkpoints.read(config.glueJobName());
        if (current.isEmpty() || current.get().phase() != Phase.RUNNING
                || !current.get().runId().orElse("").equals(event.jobRunId())) {
            metrics.increment(UnmatchedStateChanges);
            String detail = current.flatMap(Checkpoint::lastRunId).filter(event.jobRunId()::equals).isPresent()
                    ? "run already handled (duplicate event or reconciled by a tick)"
                    : "run is not the one in flight";
            log.warn("state change ignored", Map.of("run_id", event.jobRunId(), "state", event.state(),
                    "detail", detail));
            return Outcome.of(Kind.IGNORED, null, event.jobRunId(), detail);
        }
        return finish(current.get(), event.jobRunId(), state, event.message(), metrics);
    }

    /** Asks Glue about the run in flight; applies its end if it has ended. */
    private Outcome reconcile(Checkpoint checkpoint, Metrics metrics) {
        String runId = checkpoint.runId().orElseThrow(() ->
                new OrchestratorException("checkpoint is RUNNING without a run_id"));
        String windowId = checkpoint.window().map(Window::id).orElse(null);
        JobRun run;
        try {
            run = glue.getJobRun(b -> b.jobName(config.glueJobName()).runId(runId)).jobRun();
        } catch (EntityNotFoundException e) {
            metrics.increment(MissedEventsReconciled);
            return finish(checkpoint, runId, JobRunState.FAILED, "GetJobRun does not know the run: "
                    + e.awsErrorDetails().errorMessage(), metrics);
        } catch (AwsServiceException | SdkClientException e) {
            if (!countRetryable(e, metrics)) {
                throw e;
            }
            return Outcome.of(Kind.RUN_IN_FLIGHT, windowId, runId, "GetJobRun failed: " + e.getMessage());
        }
        JobRunState state = run.jobRunState();
        if (state == JobRunState.SUCCEEDED || FAILED_STATES.contains(state)) {
            metrics.increment(MissedEventsReconciled);
            log.warn("run end found by GetJobRun (state-change event missed or late)",
                    Map.of("run_id", runId, "state", state.toString()));
            return finish(checkpoint, runId, state, run.errorMessage(), metrics);
        }
        return Outcome.of(Kind.RUN_IN_FLIGHT, windowId, runId, "run is " + run.jobRunStateAsString());
    }

    /** Applies a run's final state to the checkpoint, conditional on the run still being the one in flight. */
    private Outcome finish(Checkpoint checkpoint, String runId, JobRunState state, String message, Metrics metrics) {
        Window window = checkpoint.window().orElseThrow(() ->
                new OrchestratorException("checkpoint is RUNNING without a window"));
        Instant now = clock.instant();
        Checkpoint.Builder next = checkpoint.with()
                .s(Checkpoint.LAST_RUN_ID, runId)
                .s(Checkpoint.LAST_RUN_STATE, state.toString())
                .s(Checkpoint.LAST_RUN_MESSAGE, message == null ? "" : truncate(message, 2000))
                .instant(Checkpoint.LAST_RUN_ENDED_AT, now)
                .instant(Checkpoint.UPDATED_AT, now);
        Kind kind;
        if (state == JobRunState.SUCCEEDED) {
            next.phase(Phase.IDLE).instant(Checkpoint.WATERMARK, window.end()).clearWindow()
                    .n(Checkpoint.WINDOWS_COMPLETED, checkpoint.windowsCompleted() + 1);
            kind = Kind.ADVANCED;
        } else if (checkpoint.attempts() < config.maxRunAttempts()) {
            next.phase(Phase.RETRY).remove(Checkpoint.RUN_ID, Checkpoint.RUN_STARTED_AT);
            kind = Kind.RETRY_SCHEDULED;
        } else {
            deadLetter(checkpoint, window, runId, state, message, now);
            next.phase(Phase.IDLE).instant(Checkpoint.WATERMARK, window.end()).clearWindow()
                    .n(Checkpoint.WINDOWS_DEAD_LETTERED, checkpoint.windowsDeadLettered() + 1);
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
        fields.put("state", state.toString());
        fields.put("attempts", checkpoint.attempts());
        fields.put("outcome", kind.name());
        if (kind == Kind.ADVANCED) {
            log.info("run succeeded; watermark advanced", fields);
        } else {
            fields.put("message", message);
            log.error(kind == Kind.DEAD_LETTERED ? "window dead-lettered" : "run failed; window will be retried",
                    fields);
        }
        return Outcome.of(kind, window.id(), runId, state.toString());
    }

    /** Starts a run for the pending window (retry) or a new one, under a lease. */
    private Outcome startNext(Optional<Checkpoint> current, Metrics metrics) {
        Instant now = clock.instant();
        Checkpoint found = current.orElse(null);
        if (found != null && found.phase() == Phase.STARTING
                && found.leaseExpiresAt().map(now::isBefore).orElse(false)) {
            metrics.increment(LeaseContention);
            return Outcome.of(Kind.LEASE_HELD, found.window().map(Window::id).orElse(null), null,
                    "lease held until " + found.leaseExpiresAt().orElseThrow());
        }
        Window window;
        Map<String, String> arguments;
        boolean newWindow;
        if (found != null && (found.phase() == Phase.RETRY || found.phase() == Phase.STARTING)) {
            // A retry, or a lease that expired before its run was recorded: the same window, the same arguments.
            window = found.window().orElseThrow(() ->
                    new OrchestratorException("checkpoint is " + found.phase() + " without a window"));
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
        Checkpoint.Builder leased = (found == null ? Checkpoint.first(config.glueJobName()) : found.with())
                .phase(Phase.STARTING)
                .s(Checkpoint.LEASE_OWNER, owner)
                .instant(Checkpoint.LEASE_EXPIRES_AT, now.plus(config.leaseDuration()))
                .instant(Checkpoint.UPDATED_AT, now);
        if (newWindow) {
            leased.window(window, arguments).n(Checkpoint.ATTEMPTS, 0).instant(Checkpoint.WATERMARK, window.start());
        }
        if (!checkpoints.replace(current, leased.build())) {
            metrics.increment(LeaseContention);
            return Outcome.of(Kind.LEASE_LOST, window.id(), null, "another invocation took the lease");
        }

        String runId;
        try {
            if (newWindow && arguments.containsKey(GlueRunArguments.MANIFEST_URI)) {
                writeManifest(window);
            }
            runId = glue.startJobRun(b -> b.jobName(config.glueJobName()).arguments(arguments)).jobRunId();
        } catch (RuntimeException e) {
            boolean restored = checkpoints.restore(config.glueJobName(), current, owner);
            String reason = e instanceof ConcurrentRunsExceededException ? "concurrent runs exceeded" : null;
            if (reason != null) {
                metrics.increment(ConcurrentRunsExceeded);
            } else if (e instanceof AwsServiceException || e instanceof SdkClientException) {
                if (countRetryable(e, metrics)) {
                    reason = e instanceof AwsServiceException s && s.isThrottlingException() ? "throttled" : "transient";
                }
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("window_id", window.id());
            fields.put("error", e.toString());
            fields.put("checkpoint_restored", restored);
            if (reason == null) {
                metrics.increment(StartFailures);
                log.error("could not start a run", fields);
                throw e;
            }
            fields.put("reason", reason);
            log.warn("run not started; the window stays for the next tick", fields);
            return Outcome.of(Kind.REFUSED, window.id(), null, reason);
        }

        int attempts = (newWindow ? 0 : found.attempts()) + 1;
        Instant started = clock.instant();
        Checkpoint.Builder running = new Checkpoint(leased.build()).with()
                .phase(Phase.RUNNING)
                .s(Checkpoint.RUN_ID, runId)
                .instant(Checkpoint.RUN_STARTED_AT, started)
                .n(Checkpoint.ATTEMPTS, attempts)
                .remove(Checkpoint.LEASE_OWNER, Checkpoint.LEASE_EXPIRES_AT)
                .instant(Checkpoint.UPDATED_AT, started);
        if (!checkpoints.replaceLeased(owner, running.build())) {
            // The lease expired and another tick took over while StartJobRun was in flight: that tick owns the
            // window now; this run's end will not match the checkpoint and is only logged.
            log.error("run started but the lease was lost; the run is not tracked",
                    Map.of("window_id", window.id(), "run_id", runId));
            metrics.increment(LeaseContention);
            return Outcome.of(Kind.LEASE_LOST, window.id(), runId, "lease lost while starting");
        }
        metrics.increment(RunsStarted);
        log.info("run started", Map.of("window_id", window.id(), "run_id", runId, "attempt", attempts,
                "window_start", window.start().toString(), "window_end", window.end().toString(),
                "objects", window.objects(), "partitions", found == null || newWindow
                        ? window.partitions().size() : found.windowPartitions()));
        return Outcome.of(Kind.STARTED, window.id(), runId, "attempt " + attempts);
    }

    /** The Glue job arguments naming exactly the window's input (docs/contracts.md, "Glue job arguments"). */
    Map<String, String> arguments(Window window) {
        return GlueRunArguments.of(config.glueJobName(), config.curatedBucket(), window,
                window.partitions().size() > config.manifestThreshold());
    }

    String manifestKey(String windowId) {
        return GlueRunArguments.manifestKey(config.glueJobName(), windowId);
    }

    private void writeManifest(Window window) {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("window_id", window.id());
        manifest.put("input_paths", window.partitions());
        String json = Json.mapper().valueToTree(manifest).toString();
        s3.putObject(b -> b.bucket(config.curatedBucket()).key(manifestKey(window.id()))
                .contentType("application/json"), RequestBody.fromString(json));
    }

    private void deadLetter(Checkpoint checkpoint, Window window, String runId, JobRunState state, String message,
            Instant now) {
        GlueDeadLetter letter = new GlueDeadLetter(config.glueJobName(), window.id(), window.start().toString(),
                window.end().toString(), window.objects(), checkpoint.windowPartitions(), checkpoint.attempts(), runId,
                state.toString(), message, checkpoint.runArguments(), now.toString());
        sqs.sendMessage(b -> b.queueUrl(config.deadLetterQueueUrl())
                .messageBody(letter.toJson().toString())
                .messageAttributes(Map.of(
                        "kind", MessageAttributeValue.builder().dataType("String").stringValue(DEAD_LETTER_KIND).build(),
                        "window_id", MessageAttributeValue.builder().dataType("String").stringValue(window.id()).build())));
    }

    /** Counts a throttling or transient error; false when the error is neither. */
    private static boolean countRetryable(RuntimeException e, Metrics metrics) {
        if (e instanceof AwsServiceException service) {
            if (service.isThrottlingException()) {
                metrics.increment(Throttled);
                return true;
            }
            if (service instanceof InternalServiceException || service instanceof OperationTimeoutException
                    || service.statusCode() >= 500) {
                metrics.increment(TransientErrors);
                return true;
            }
            return false;
        }
        if (e instanceof SdkClientException) {
            metrics.increment(TransientErrors);
            return true;
        }
        return false;
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }
}
