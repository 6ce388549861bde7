package dev.tributary.orchestrator;

import static dev.tributary.orchestrator.Metrics.Counter.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.orchestrator.Checkpoint.Phase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.glue.model.JobRun;
import software.amazon.awssdk.services.glue.model.JobRunState;
import software.amazon.awssdk.services.sqs.model.Message;

/** The orchestrator against moto's Glue, DynamoDB, S3 and SQS. See docs/orchestrator.md for the transitions. */
class GlueOrchestratorIT {
    private final OrchestratorTestBed bed = new OrchestratorTestBed();

    @AfterEach
    void close() {
        bed.close();
    }

    private Instant ago(Duration duration) {
        return bed.clock.instant().minus(duration);
    }

    private JobRun onlyRun() {
        List<JobRun> runs = bed.runs();
        assertThat(runs).hasSize(1);
        return runs.getFirst();
    }

    @Test
    void tick_whenFirstRun_startsOneRunNamingExactlyTheNewPartitions() {
        Instant early = ago(Duration.ofMinutes(50));
        Instant latest = ago(Duration.ofMinutes(5));
        String pageViews = bed.seedProcessed("page_view", early);
        bed.seedProcessed("page_view", early.plusSeconds(1));
        String payments = bed.seedProcessed("payment", latest);
        bed.seed("payment", ago(Duration.ofMinutes(20)), "FAILED"); // not processed: not input
        bed.seedProcessed("sensor_reading", ago(Duration.ofHours(30))); // before the initial lookback
        bed.seedProcessed("sensor_reading", ago(Duration.ofSeconds(10))); // inside the settle delay

        assertThat(bed.tick()).containsExactly("STARTED");

        JobRun run = onlyRun();
        Checkpoint checkpoint = bed.requireCheckpoint();
        Window window = checkpoint.window().orElseThrow();
        assertThat(window.start()).isEqualTo(ago(Duration.ofHours(24)));
        assertThat(window.end()).isEqualTo(latest);
        assertThat(window.objects()).isEqualTo(3);
        assertThat(run.arguments())
                .containsEntry("--window_id", window.id())
                .containsEntry("--input_paths", pageViews + "," + payments)
                .containsEntry("--curated_path", "s3://" + bed.curatedBucket + "/curated/")
                .containsEntry("--aggregates_path", "s3://" + bed.curatedBucket + "/aggregates/")
                .containsEntry(
                        "--summary_uri",
                        "s3://" + bed.curatedBucket + "/glue/runs/" + bed.jobName + "/" + window.id() + "/summary.json")
                .doesNotContainKey("--manifest_uri");
        assertThat(checkpoint.phase()).isEqualTo(Phase.RUNNING);
        assertThat(checkpoint.runId()).contains(run.id());
        assertThat(checkpoint.attempts()).isEqualTo(1);
        assertThat(checkpoint.watermark()).contains(window.start());
        assertThat(checkpoint.leaseOwner()).isEmpty();
        assertThat(bed.metric(RunsStarted)).isEqualTo(1);
    }

    @Test
    void tick_whenPartitionsExceedManifestThreshold_passesAManifestObject() throws Exception {
        bed.env("MANIFEST_THRESHOLD", "2");
        List<String> partitions = new ArrayList<>();
        for (String type : List.of("page_view", "payment", "sensor_reading")) {
            partitions.add(bed.seedProcessed(type, ago(Duration.ofMinutes(10))));
        }

        assertThat(bed.tick()).containsExactly("STARTED");

        Map<String, String> arguments = onlyRun().arguments();
        String windowId = arguments.get("--window_id");
        String manifestKey = "glue/manifests/" + bed.jobName + "/" + windowId + ".json";
        assertThat(arguments)
                .doesNotContainKey("--input_paths")
                .containsEntry("--manifest_uri", "s3://" + bed.curatedBucket + "/" + manifestKey);
        JsonNode manifest = OrchestratorTestBed.parse(bed.s3
                .getObjectAsBytes(b -> b.bucket(bed.curatedBucket).key(manifestKey))
                .asUtf8String());
        assertThat(manifest.get("window_id").asText()).isEqualTo(windowId);
        List<String> paths = new ArrayList<>();
        manifest.get("input_paths").forEach(p -> paths.add(p.asText()));
        assertThat(paths).containsExactlyElementsOf(partitions.stream().sorted().toList());
    }

    @Test
    void tick_whenNoNewData_startsNoRunAndWritesNothing() {
        bed.seedProcessed("page_view", ago(Duration.ofHours(30))); // older than the initial lookback

        assertThat(bed.tick()).containsExactly("NO_NEW_DATA");

        assertThat(bed.runs()).isEmpty();
        assertThat(bed.checkpoint()).isEmpty();
        assertThat(bed.metric(NoNewData)).isEqualTo(1);
    }

    @Test
    void tick_whenTicksRace_startsExactlyOneRunForTheWindow() throws Exception {
        bed.seedProcessed("page_view", ago(Duration.ofMinutes(10)));
        int ticks = 4;
        List<GlueOrchestratorHandler> handlers =
                Stream.generate(bed::handler).limit(ticks).toList();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<String>>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(ticks)) {
            for (GlueOrchestratorHandler handler : handlers) {
                Callable<List<String>> tick = () -> {
                    go.await();
                    return OrchestratorTestBed.outcomes(
                            handler.handleRequest(Events.load("scheduled-event.json"), null));
                };
                results.add(pool.submit(tick));
            }
            go.countDown();
            List<String> outcomes = new ArrayList<>();
            for (Future<List<String>> result : results) {
                outcomes.addAll(result.get());
            }

            assertThat(outcomes).filteredOn("STARTED"::equals).hasSize(1);
        }
        assertThat(bed.runs()).hasSize(1);
        assertThat(bed.requireCheckpoint().runId())
                .contains(bed.runs().getFirst().id());
    }

    @Test
    void stateChange_whenSucceeded_advancesWatermarkToWindowEndAndNextTickStartsAfterIt() {
        Instant end = ago(Duration.ofMinutes(5));
        bed.seedProcessed("page_view", ago(Duration.ofMinutes(30)));
        bed.seedProcessed("page_view", end);
        assertThat(bed.tick()).containsExactly("STARTED");
        String runId = onlyRun().id();
        bed.finishInGlue(runId);

        assertThat(bed.stateChange("glue-job-state-change-succeeded.json", runId))
                .containsExactly("ADVANCED");

        Checkpoint checkpoint = bed.requireCheckpoint();
        assertThat(checkpoint.phase()).isEqualTo(Phase.IDLE);
        assertThat(checkpoint.watermark()).contains(end);
        assertThat(checkpoint.window()).isEmpty();
        assertThat(checkpoint.runId()).isEmpty();
        assertThat(checkpoint.lastRunId()).contains(runId);
        assertThat(checkpoint.lastRunState()).contains("SUCCEEDED");
        assertThat(checkpoint.windowsCompleted()).isEqualTo(1);
        assertThat(bed.metric(RunsSucceeded)).isEqualTo(1);

        assertThat(bed.tick()).containsExactly("NO_NEW_DATA"); // the object at the watermark is not taken again

        bed.clock.advance(Duration.ofMinutes(10));
        String later = bed.seedProcessed("payment", end.plusMillis(1));
        assertThat(bed.tick()).containsExactly("STARTED");
        Window next = bed.requireCheckpoint().window().orElseThrow();
        assertThat(next.start()).isEqualTo(end);
        assertThat(next.end()).isEqualTo(end.plusMillis(1));
        String nextRun = bed.requireCheckpoint().runId().orElseThrow();
        assertThat(bed.runs())
                .filteredOn(r -> r.id().equals(nextRun))
                .singleElement()
                .satisfies(r -> assertThat(r.arguments()).containsEntry("--input_paths", later));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "glue-job-state-change-failed.json",
                "glue-job-state-change-timeout.json",
                "glue-job-state-change-stopped.json"
            })
    void stateChange_whenRunFails_retriesTheSameWindowOnTheNextTick(String fixture) {
        Instant end = ago(Duration.ofMinutes(5));
        bed.seedProcessed("page_view", end);
        assertThat(bed.tick()).containsExactly("STARTED");
        Checkpoint started = bed.requireCheckpoint();
        String firstRun = started.runId().orElseThrow();

        assertThat(bed.stateChange(fixture, firstRun)).containsExactly("RETRY_SCHEDULED");

        Checkpoint failed = bed.requireCheckpoint();
        assertThat(failed.phase()).isEqualTo(Phase.RETRY);
        assertThat(failed.runId()).isEmpty();
        assertThat(failed.attempts()).isEqualTo(1);
        assertThat(failed.window()).isEqualTo(started.window());
        assertThat(failed.watermark()).isEqualTo(started.watermark());
        assertThat(failed.lastRunState()).isPresent().get().isNotEqualTo("SUCCEEDED");
        assertThat(bed.metric(RunsFailed)).isEqualTo(1);

        // moto cannot end a run as FAILED: its run still counts against MaxConcurrentRuns until it ends there.
        bed.finishInGlue(firstRun);
        bed.clock.advance(Duration.ofMinutes(10));
        bed.seedProcessed("payment", end.plusSeconds(60)); // newer data is not added to the retry

        assertThat(bed.tick()).containsExactly("STARTED");

        Checkpoint retried = bed.requireCheckpoint();
        String secondRun = retried.runId().orElseThrow();
        assertThat(secondRun).isNotEqualTo(firstRun);
        assertThat(retried.attempts()).isEqualTo(2);
        assertThat(retried.window()).isEqualTo(started.window());
        JobRun first = bed.runs().stream()
                .filter(r -> r.id().equals(firstRun))
                .findFirst()
                .orElseThrow();
        JobRun second = bed.runs().stream()
                .filter(r -> r.id().equals(secondRun))
                .findFirst()
                .orElseThrow();
        assertThat(second.arguments()).isEqualTo(first.arguments());

        bed.finishInGlue(secondRun);
        assertThat(bed.stateChange("glue-job-state-change-succeeded.json", secondRun))
                .containsExactly("ADVANCED");
        assertThat(bed.requireCheckpoint().watermark()).contains(end);
        assertThat(bed.tick()).containsExactly("STARTED"); // now the newer object
    }

    @Test
    void stateChange_whenAttemptsExhausted_deadLettersTheWindowAndMovesOn() {
        bed.env("MAX_RUN_ATTEMPTS", "2");
        Instant end = ago(Duration.ofMinutes(5));
        String partition = bed.seedProcessed("sensor_reading", end);
        assertThat(bed.tick()).containsExactly("STARTED");
        Window window = bed.requireCheckpoint().window().orElseThrow();
        String firstRun = bed.requireCheckpoint().runId().orElseThrow();
        assertThat(bed.stateChange("glue-job-state-change-failed.json", firstRun))
                .containsExactly("RETRY_SCHEDULED");
        bed.finishInGlue(firstRun);
        assertThat(bed.tick()).containsExactly("STARTED");
        String secondRun = bed.requireCheckpoint().runId().orElseThrow();

        assertThat(bed.stateChange("glue-job-state-change-timeout.json", secondRun))
                .containsExactly("DEAD_LETTERED");

        List<Message> messages = bed.drainDeadLetterQueue();
        assertThat(messages).hasSize(1);
        Message message = messages.getFirst();
        assertThat(message.messageAttributes().get("kind").stringValue()).isEqualTo("glue_window");
        JsonNode body = OrchestratorTestBed.parse(message.body());
        assertThat(body.get("job_name").asText()).isEqualTo(bed.jobName);
        assertThat(body.get("window_id").asText()).isEqualTo(window.id());
        assertThat(body.get("window_start").asText()).isEqualTo(window.start().toString());
        assertThat(body.get("window_end").asText()).isEqualTo(end.toString());
        assertThat(body.get("attempts").asInt()).isEqualTo(2);
        assertThat(body.get("last_run_id").asText()).isEqualTo(secondRun);
        assertThat(body.get("last_run_state").asText()).isEqualTo("TIMEOUT");
        assertThat(body.get("last_run_message").asText()).isEqualTo("Job run timed out");
        assertThat(body.get("glue_arguments").get("--input_paths").asText()).isEqualTo(partition);
        assertThat(body.get("glue_arguments").get("--window_id").asText()).isEqualTo(window.id());

        Checkpoint checkpoint = bed.requireCheckpoint();
        assertThat(checkpoint.phase()).isEqualTo(Phase.IDLE);
        assertThat(checkpoint.watermark()).contains(end);
        assertThat(checkpoint.attempts()).isZero();
        assertThat(checkpoint.windowsDeadLettered()).isEqualTo(1);
        assertThat(bed.metric(WindowsDeadLettered)).isEqualTo(1);
        assertThat(bed.metric(RunsFailed)).isEqualTo(2);

        bed.finishInGlue(secondRun);
        assertThat(bed.tick()).containsExactly("NO_NEW_DATA");
    }

    @Test
    void tick_whenStateChangeEventLost_reconcilesTheRunWithGetJobRun() {
        Instant end = ago(Duration.ofMinutes(5));
        bed.seedProcessed("page_view", end);
        assertThat(bed.tick()).containsExactly("STARTED");
        String runId = bed.requireCheckpoint().runId().orElseThrow(); // (reading runs from Glue would move it on)

        assertThat(bed.tick()).containsExactly("RUN_IN_FLIGHT"); // GetJobRun: RUNNING
        assertThat(bed.requireCheckpoint().phase()).isEqualTo(Phase.RUNNING);

        assertThat(bed.tick()).containsExactly("ADVANCED", "NO_NEW_DATA"); // GetJobRun: SUCCEEDED, no event came

        assertThat(onlyRun().jobRunState()).isEqualTo(JobRunState.SUCCEEDED);
        Checkpoint checkpoint = bed.requireCheckpoint();
        assertThat(checkpoint.phase()).isEqualTo(Phase.IDLE);
        assertThat(checkpoint.watermark()).contains(end);
        assertThat(checkpoint.lastRunId()).contains(runId);
        assertThat(bed.metric(MissedEventsReconciled)).isEqualTo(1);

        // The event arrives after all: a duplicate, changes nothing.
        Map<String, AttributeValue> before = bed.requireCheckpointItem();
        assertThat(bed.stateChange("glue-job-state-change-succeeded.json", runId))
                .containsExactly("IGNORED");
        assertThat(bed.requireCheckpointItem()).isEqualTo(before);
        assertThat(bed.metric(UnmatchedStateChanges)).isEqualTo(1);
    }

    @Test
    void tick_whenFailureEventLost_reconcilesTheFailureAndRetries() {
        bed.seedProcessed("page_view", ago(Duration.ofMinutes(5)));
        assertThat(bed.tick()).containsExactly("STARTED");
        Checkpoint started = bed.requireCheckpoint();
        String runId = started.runId().orElseThrow();
        // moto cannot fail a run: its GetJobRun answer (RUNNING) is rewritten to FAILED, see ReportRunAs.
        var reconciling = bed.handler(List.of(new ReportRunAs(JobRunState.FAILED, "SystemExit: 1")), List.of());

        var response = reconciling.handleRequest(Events.load("scheduled-event.json"), null);

        // The window is released for a retry; the same tick's retry is refused: moto's run is still RUNNING.
        assertThat(OrchestratorTestBed.outcomes(response)).containsExactly("RETRY_SCHEDULED", "REFUSED");
        Checkpoint failed = bed.requireCheckpoint();
        assertThat(failed.phase()).isEqualTo(Phase.RETRY);
        assertThat(failed.window()).isEqualTo(started.window());
        assertThat(failed.attempts()).isEqualTo(1);
        assertThat(failed.lastRunId()).contains(runId);
        assertThat(failed.lastRunState()).contains("FAILED");
        assertThat(failed.lastRunMessage()).contains("SystemExit: 1");
        assertThat(bed.metric(MissedEventsReconciled)).isEqualTo(1);
        assertThat(bed.metric(ConcurrentRunsExceeded)).isEqualTo(1);

        bed.finishInGlue(runId);
        assertThat(bed.tick()).containsExactly("STARTED");
        assertThat(bed.requireCheckpoint().attempts()).isEqualTo(2);
        assertThat(bed.requireCheckpoint().window()).isEqualTo(started.window());
    }

    @Test
    void tick_whenConcurrentRunsExceeded_leavesCheckpointUntouchedAndRetriesNextTick() {
        Instant first = ago(Duration.ofMinutes(30));
        bed.seedProcessed("page_view", first);
        assertThat(bed.tick()).containsExactly("STARTED");
        String runId = bed.requireCheckpoint().runId().orElseThrow();
        bed.finishInGlue(runId);
        assertThat(bed.stateChange("glue-job-state-change-succeeded.json", runId))
                .containsExactly("ADVANCED");
        Instant second = ago(Duration.ofMinutes(5));
        String partition = bed.seedProcessed("payment", second);
        String outsideRun = bed.startOutsideRun(); // someone runs the job from the console
        Map<String, AttributeValue> before = bed.requireCheckpointItem();

        assertThat(bed.tick()).containsExactly("REFUSED");

        assertThat(bed.requireCheckpointItem()).isEqualTo(before);
        assertThat(bed.metric(ConcurrentRunsExceeded)).isEqualTo(1);
        assertThat(bed.runs()).hasSize(2);

        bed.finishInGlue(outsideRun);
        assertThat(bed.tick()).containsExactly("STARTED");
        Checkpoint checkpoint = bed.requireCheckpoint();
        assertThat(checkpoint.window().orElseThrow().start()).isEqualTo(first);
        assertThat(checkpoint.window().orElseThrow().end()).isEqualTo(second);
        assertThat(checkpoint.attempts()).isEqualTo(1);
        String newRun = checkpoint.runId().orElseThrow();
        assertThat(bed.runs())
                .filteredOn(r -> r.id().equals(newRun))
                .singleElement()
                .satisfies(r -> assertThat(r.arguments()).containsEntry("--input_paths", partition));
    }

    @Test
    void tick_whenFirstRunRefused_leavesNoCheckpoint() {
        bed.seedProcessed("page_view", ago(Duration.ofMinutes(5)));
        bed.startOutsideRun();

        assertThat(bed.tick()).containsExactly("REFUSED");

        assertThat(bed.checkpoint()).isEmpty();
        assertThat(bed.runs()).hasSize(1);
    }

    @Test
    void tick_whenGlueThrottlesOrIsUnreachable_leavesCheckpointUntouchedAndCountsIt() {
        bed.seedProcessed("page_view", ago(Duration.ofMinutes(30)));
        assertThat(bed.tick()).containsExactly("STARTED");
        String runId = bed.requireCheckpoint().runId().orElseThrow();
        bed.finishInGlue(runId);
        assertThat(bed.stateChange("glue-job-state-change-succeeded.json", runId))
                .containsExactly("ADVANCED");
        bed.seedProcessed("payment", ago(Duration.ofMinutes(5)));
        Map<String, AttributeValue> before = bed.requireCheckpointItem();

        var throttled = bed.handler(List.of(GlueFault.throttling("StartJobRun", 1)), List.of())
                .handleRequest(Events.load("scheduled-event.json"), null);
        var unreachable = bed.handler(List.of(GlueFault.unreachable("StartJobRun", 1)), List.of())
                .handleRequest(Events.load("scheduled-event.json"), null);

        assertThat(OrchestratorTestBed.outcomes(throttled)).containsExactly("REFUSED");
        assertThat(OrchestratorTestBed.outcomes(unreachable)).containsExactly("REFUSED");
        assertThat(bed.requireCheckpointItem()).isEqualTo(before);
        assertThat(bed.metric(Throttled)).isEqualTo(1);
        assertThat(bed.metric(TransientErrors)).isEqualTo(1);
        assertThat(bed.runs()).hasSize(1);

        assertThat(bed.tick()).containsExactly("STARTED");
    }

    @Test
    void tick_whenGetJobRunThrottled_keepsTheRunInFlight() {
        bed.seedProcessed("page_view", ago(Duration.ofMinutes(5)));
        assertThat(bed.tick()).containsExactly("STARTED");
        Map<String, AttributeValue> before = bed.requireCheckpointItem();

        var response = bed.handler(List.of(GlueFault.throttling("GetJobRun", 1)), List.of())
                .handleRequest(Events.load("scheduled-event.json"), null);

        assertThat(OrchestratorTestBed.outcomes(response)).containsExactly("RUN_IN_FLIGHT");
        assertThat(bed.requireCheckpointItem()).isEqualTo(before);
        assertThat(bed.metric(Throttled)).isEqualTo(1);
    }

    @Test
    void tick_whenATickDiedHoldingTheLease_waitsForItThenRetakesTheSameWindow() {
        bed.seedProcessed("page_view", ago(Duration.ofMinutes(5)));
        // The tick takes the lease and starts the run, then cannot record it (DynamoDB unreachable) and dies.
        var dying = bed.handler(List.of(), List.of(new FailNthPut(2)));
        assertThatThrownBy(() -> dying.handleRequest(Events.load("scheduled-event.json"), null))
                .isInstanceOf(SdkClientException.class);
        Checkpoint leased = bed.requireCheckpoint();
        Map<String, AttributeValue> leasedItem = bed.requireCheckpointItem();
        assertThat(leased.phase()).isEqualTo(Phase.STARTING);
        String orphan = onlyRun().id();

        assertThat(bed.tick()).containsExactly("LEASE_HELD");

        bed.clock.advance(Duration.ofMinutes(16));
        assertThat(bed.tick()).containsExactly("REFUSED"); // the orphan run still occupies the job
        assertThat(bed.requireCheckpointItem()).isEqualTo(leasedItem);

        bed.finishInGlue(orphan);
        assertThat(bed.tick()).containsExactly("STARTED");
        Checkpoint running = bed.requireCheckpoint();
        assertThat(running.window()).isEqualTo(leased.window());
        assertThat(running.attempts()).isEqualTo(1);
        assertThat(bed.stateChange("glue-job-state-change-succeeded.json", orphan))
                .containsExactly("IGNORED");
    }

    @Test
    void stateChange_whenRunIsNotTheOneInFlight_isIgnored() {
        bed.seedProcessed("page_view", ago(Duration.ofMinutes(5)));
        assertThat(bed.tick()).containsExactly("STARTED");
        Map<String, AttributeValue> before = bed.requireCheckpointItem();

        // The documented event's own run id: not a run of this checkpoint.
        assertThat(bed.stateChange(
                        "glue-job-state-change-failed.json",
                        "jr_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"))
                .containsExactly("IGNORED");

        assertThat(bed.requireCheckpointItem()).isEqualTo(before);
        assertThat(bed.metric(UnmatchedStateChanges)).isEqualTo(1);
    }
}
