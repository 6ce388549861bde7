package dev.tributary.orchestrator;

import java.util.Map;

/**
 * The curation job in Glue as the state machine uses it (a port; {@link AwsGlueJobs} calls Glue). A call that may
 * succeed later (throttled, transient, the job at its concurrency limit) throws {@link RetryLaterException}; any
 * other failure is thrown as it came.
 */
public interface GlueJobs {
    /**
     * {@code StartJobRun} with exactly {@code arguments}.
     *
     * @return the new run's id
     */
    String startJobRun(Map<String, String> arguments);

    /** {@code GetJobRun}: the run's state now. */
    RunLookup getJobRun(String runId);

    /** What Glue says of a run. */
    sealed interface RunLookup {
        /**
         * Glue knows the run.
         *
         * @param state        Glue's {@code JobRunState} as text ({@code RUNNING}, {@code SUCCEEDED}, …)
         * @param errorMessage the run's error message, or null
         */
        record Found(String state, String errorMessage) implements RunLookup {}

        /** Glue does not know the run ({@code EntityNotFoundException}); {@code detail} is its message. */
        record NotFound(String detail) implements RunLookup {}
    }
}
