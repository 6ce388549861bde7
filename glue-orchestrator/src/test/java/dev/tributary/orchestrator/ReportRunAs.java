package dev.tributary.orchestrator;

import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.glue.model.GetJobRunResponse;
import software.amazon.awssdk.services.glue.model.JobRunState;

/**
 * Rewrites the state in moto's {@code GetJobRun} answers. moto's job runs can only end SUCCEEDED; this stands in
 * for Glue reporting a failed run, and is used only where the test checks what the orchestrator does with such an
 * answer (never to check Glue's behaviour). Everything else in the response is moto's.
 */
final class ReportRunAs implements ExecutionInterceptor {
    private final JobRunState state;
    private final String errorMessage;

    ReportRunAs(JobRunState state, String errorMessage) {
        this.state = state;
        this.errorMessage = errorMessage;
    }

    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        if (context.response() instanceof GetJobRunResponse response) {
            return response.toBuilder()
                    .jobRun(response.jobRun().toBuilder()
                            .jobRunState(state)
                            .errorMessage(errorMessage)
                            .build())
                    .build();
        }
        return context.response();
    }
}
