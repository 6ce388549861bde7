package dev.tributary.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.common.config.Env;
import dev.tributary.common.logging.StructuredLogger;
import dev.tributary.orchestrator.Checkpoint.Phase;
import dev.tributary.orchestrator.Outcome.Kind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The state machine's decisions against in-memory ports: which window it cuts, what it records, when it retries,
 * dead-letters or leaves the checkpoint alone. What Glue, DynamoDB and SQS do with those calls is checked on the
 * emulator by {@code GlueOrchestratorIT}; the fakes here model only the ports' contracts.
 */
class GlueOrchestratorTest {
    static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    static final String PROCESSED = "processed/event_type=page_view/dt=2026-11-22/hr=11/";

    final FakeCheckpoints checkpoints = new FakeCheckpoints();
    final List<ProcessedObject> processed = new ArrayList<>();
    final FakeGlue glue = new FakeGlue();
    final List<Window> manifests = new ArrayList<>();
    final List<GlueDeadLetter> deadLetters = new ArrayList<>();
    final Metrics metrics = new Metrics();

    GlueOrchestrator orchestrator(int maxRunAttempts) {
        Map<String, String> env = new HashMap<>(OrchestratorConfigTest.COMPLETE);
        env.put("MAX_RUN_ATTEMPTS", Integer.toString(maxRunAttempts));
        ProcessedObjects index = (after, upTo) -> processed.stream()
                .filter(o -> o.processedAt().isAfter(after) && !o.processedAt().isAfter(upTo))
                .toList();
        return new GlueOrchestrator(
                OrchestratorConfig.fromEnv(new Env(env)),
                checkpoints,
                index,
                glue,
                manifests::add,
                deadLetters::add,
                Clock.fixed(NOW, ZoneOffset.UTC),
                new StructuredLogger(
                        "glue-orchestrator",
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                        Clock.fixed(NOW, ZoneOffset.UTC)));
    }

    ProcessedObject processedAgo(Duration ago) {
        ProcessedObject object = new ProcessedObject("raw/x", NOW.minus(ago), "processed", PROCESSED + ago + ".gz");
        processed.add(object);
        return object;
    }

    static OrchestratorEvent.JobStateChange ended(String runId, String state, String message) {
        return new OrchestratorEvent.JobStateChange("MyJob", runId, state, message);
    }

    @Nested
    class Tick {
        @Test
        void tick_whenNothingWasProcessed_startsNothingAndWritesNoCheckpoint() {
            assertThat(orchestrator(3).tick(metrics)).extracting(Outcome::kind).containsExactly(Kind.NO_NEW_DATA);

            assertThat(checkpoints.stored).isEmpty();
            assertThat(glue.started).isEmpty();
            assertThat(metrics.get(Metrics.Counter.NoNewData)).isEqualTo(1);
        }

        @Test
        void tick_whenObjectsWereProcessed_startsOneRunForTheWindowAndRecordsItRunning() {
            ProcessedObject object = processedAgo(Duration.ofMinutes(5));

            List<Outcome> outcomes = orchestrator(3).tick(metrics);

            assertThat(outcomes).extracting(Outcome::kind).containsExactly(Kind.STARTED);
            assertThat(glue.started)
                    .singleElement()
                    .satisfies(arguments -> assertThat(arguments)
                            .containsEntry(GlueRunArguments.INPUT_PATHS, object.partitionPrefix()));
            Checkpoint checkpoint = checkpoints.stored.orElseThrow();
            assertThat(checkpoint.phase()).isEqualTo(Phase.RUNNING);
            assertThat(checkpoint.runId()).contains("jr_1");
            assertThat(checkpoint.attempts()).isEqualTo(1);
            assertThat(checkpoint.leaseOwner()).isEmpty();
            assertThat(checkpoint.window().orElseThrow().end()).isEqualTo(object.processedAt());
            assertThat(checkpoint.runArguments()).isEqualTo(glue.started.getFirst());
            assertThat(manifests).isEmpty();
        }

        @Test
        void tick_whenGlueRefusesTheStart_restoresTheCheckpointAndCountsTheReason() {
            processedAgo(Duration.ofMinutes(5));
            glue.startFailure = arguments -> new RetryLaterException(
                    RetryLaterException.Reason.THROTTLED, new RuntimeException("Rate exceeded"));

            assertThat(orchestrator(3).tick(metrics)).singleElement().satisfies(o -> {
                assertThat(o.kind()).isEqualTo(Kind.REFUSED);
                assertThat(o.detail()).isEqualTo("throttled");
            });

            assertThat(checkpoints.stored).isEmpty();
            assertThat(metrics.get(Metrics.Counter.Throttled)).isEqualTo(1);
        }

        @Test
        void tick_whenStartFailsOtherwise_restoresTheCheckpointAndFailsTheInvocation() {
            processedAgo(Duration.ofMinutes(5));
            glue.startFailure = arguments -> new IllegalStateException("AccessDenied");

            assertThatThrownBy(() -> orchestrator(3).tick(metrics)).hasMessage("AccessDenied");

            assertThat(checkpoints.stored).isEmpty();
            assertThat(metrics.get(Metrics.Counter.StartFailures)).isEqualTo(1);
        }

        @Test
        void tick_whenGlueNoLongerKnowsTheRunInFlight_treatsItAsFailedAndRetriesTheWindow() {
            processedAgo(Duration.ofMinutes(5));
            orchestrator(3).tick(metrics);
            Window window = checkpoints.stored.orElseThrow().window().orElseThrow();
            glue.lookups.put("jr_1", new GlueJobs.RunLookup.NotFound("run jr_1 not found"));

            List<Outcome> outcomes = orchestrator(3).tick(metrics);

            assertThat(outcomes).extracting(Outcome::kind).containsExactly(Kind.RETRY_SCHEDULED, Kind.STARTED);
            Checkpoint checkpoint = checkpoints.stored.orElseThrow();
            assertThat(checkpoint.lastRunState()).contains("FAILED");
            assertThat(checkpoint.lastRunMessage()).contains("GetJobRun does not know the run: run jr_1 not found");
            assertThat(checkpoint.window()).contains(window);
            assertThat(checkpoint.attempts()).isEqualTo(2);
            assertThat(glue.started.get(1)).isEqualTo(glue.started.get(0));
        }

        @Test
        void tick_whenGetJobRunIsThrottled_keepsTheRunInFlightUntouched() {
            processedAgo(Duration.ofMinutes(5));
            orchestrator(3).tick(metrics);
            Checkpoint before = checkpoints.stored.orElseThrow();
            glue.lookupFailure = new RetryLaterException(
                    RetryLaterException.Reason.TRANSIENT, new RuntimeException("connection reset"));

            assertThat(orchestrator(3).tick(metrics)).extracting(Outcome::kind).containsExactly(Kind.RUN_IN_FLIGHT);

            assertThat(checkpoints.stored).contains(before);
            assertThat(metrics.get(Metrics.Counter.TransientErrors)).isEqualTo(1);
        }
    }

    @Nested
    class StateChange {
        @Test
        void onStateChange_whenTheRunSucceeded_advancesTheWatermarkToTheWindowsEnd() {
            ProcessedObject object = processedAgo(Duration.ofMinutes(5));
            orchestrator(3).tick(metrics);

            Outcome outcome = orchestrator(3).onStateChange(ended("jr_1", "SUCCEEDED", null), metrics);

            assertThat(outcome.kind()).isEqualTo(Kind.ADVANCED);
            Checkpoint checkpoint = checkpoints.stored.orElseThrow();
            assertThat(checkpoint.phase()).isEqualTo(Phase.IDLE);
            assertThat(checkpoint.watermark()).contains(object.processedAt());
            assertThat(checkpoint.window()).isEmpty();
            assertThat(checkpoint.runId()).isEmpty();
            assertThat(checkpoint.windowsCompleted()).isEqualTo(1);
            assertThat(checkpoint.lastRunMessage()).contains("");
        }

        @Test
        void onStateChange_whenTheLastAttemptFailed_deadLettersTheWindowWithItsArgumentsAndMovesOn() {
            ProcessedObject object = processedAgo(Duration.ofMinutes(5));
            orchestrator(1).tick(metrics);
            Map<String, String> arguments = checkpoints.stored.orElseThrow().runArguments();

            Outcome outcome = orchestrator(1).onStateChange(ended("jr_1", "FAILED", "SystemExit: 1"), metrics);

            assertThat(outcome.kind()).isEqualTo(Kind.DEAD_LETTERED);
            assertThat(deadLetters).singleElement().satisfies(letter -> {
                assertThat(letter.glueArguments()).isEqualTo(arguments);
                assertThat(letter.attempts()).isEqualTo(1);
                assertThat(letter.lastRunState()).isEqualTo("FAILED");
                assertThat(letter.lastRunMessage()).isEqualTo("SystemExit: 1");
            });
            Checkpoint checkpoint = checkpoints.stored.orElseThrow();
            assertThat(checkpoint.watermark()).contains(object.processedAt());
            assertThat(checkpoint.windowsDeadLettered()).isEqualTo(1);
            assertThat(metrics.get(Metrics.Counter.WindowsDeadLettered)).isEqualTo(1);
        }

        @Test
        void onStateChange_whenTheStateIsNotFinal_isIgnored() {
            processedAgo(Duration.ofMinutes(5));
            orchestrator(3).tick(metrics);
            Checkpoint before = checkpoints.stored.orElseThrow();

            Outcome outcome = orchestrator(3).onStateChange(ended("jr_1", "RUNNING", null), metrics);

            assertThat(outcome.kind()).isEqualTo(Kind.IGNORED);
            assertThat(checkpoints.stored).contains(before);
        }
    }

    /** The compare-and-set conditions {@link Checkpoints} documents, on one job's checkpoint in memory. */
    static final class FakeCheckpoints implements Checkpoints {
        Optional<Checkpoint> stored = Optional.empty();

        @Override
        public Optional<Checkpoint> read(String jobName) {
            return stored;
        }

        @Override
        public boolean replace(Optional<Checkpoint> current, Checkpoint next) {
            boolean unchanged = current.isEmpty()
                    ? stored.isEmpty()
                    : stored.isPresent()
                            && stored.get().version() == current.get().version();
            return unchanged && store(next);
        }

        @Override
        public boolean replaceRun(Checkpoint current, String runId, Checkpoint next) {
            return stored.flatMap(Checkpoint::runId).filter(runId::equals).isPresent()
                    && stored.get().version() == current.version()
                    && store(next);
        }

        @Override
        public boolean replaceLeased(String leaseOwner, Checkpoint next) {
            return stored.flatMap(Checkpoint::leaseOwner)
                            .filter(leaseOwner::equals)
                            .isPresent()
                    && store(next);
        }

        @Override
        public boolean restore(String jobName, Optional<Checkpoint> before, String leaseOwner) {
            if (stored.flatMap(Checkpoint::leaseOwner)
                    .filter(leaseOwner::equals)
                    .isEmpty()) {
                return false;
            }
            stored = before;
            return true;
        }

        private boolean store(Checkpoint next) {
            stored = Optional.of(next);
            return true;
        }
    }

    /** Runs get ids {@code jr_1}, {@code jr_2}, …; a run nobody finished is RUNNING. */
    static final class FakeGlue implements GlueJobs {
        final List<Map<String, String>> started = new ArrayList<>();
        final Map<String, RunLookup> lookups = new HashMap<>();
        Function<Map<String, String>, RuntimeException> startFailure = arguments -> null;
        RuntimeException lookupFailure;

        @Override
        public String startJobRun(Map<String, String> arguments) {
            RuntimeException failure = startFailure.apply(arguments);
            if (failure != null) {
                throw failure;
            }
            started.add(Map.copyOf(arguments));
            return "jr_" + started.size();
        }

        @Override
        public RunLookup getJobRun(String runId) {
            if (lookupFailure != null) {
                throw lookupFailure;
            }
            return lookups.getOrDefault(runId, new RunLookup.Found("RUNNING", null));
        }
    }
}
