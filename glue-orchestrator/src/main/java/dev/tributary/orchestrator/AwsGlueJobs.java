package dev.tributary.orchestrator;

import java.util.Map;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.JobRun;

/** {@link GlueJobs} on AWS Glue: {@code StartJobRun} and {@code GetJobRun} of one job. */
public final class AwsGlueJobs implements GlueJobs {
    private final GlueClient glue;
    private final String jobName;

    public AwsGlueJobs(GlueClient glue, String jobName) {
        this.glue = glue;
        this.jobName = jobName;
    }

    @Override
    public String startJobRun(Map<String, String> arguments) {
        return AwsFailures.retryLater(() ->
                glue.startJobRun(b -> b.jobName(jobName).arguments(arguments)).jobRunId());
    }

    @Override
    public RunLookup getJobRun(String runId) {
        return AwsFailures.retryLater(() -> {
            try {
                JobRun run =
                        glue.getJobRun(b -> b.jobName(jobName).runId(runId)).jobRun();
                return new RunLookup.Found(run.jobRunStateAsString(), run.errorMessage());
            } catch (EntityNotFoundException e) {
                return new RunLookup.NotFound(e.awsErrorDetails().errorMessage());
            }
        });
    }
}
