package dev.tributary.benchmarks.processor;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.tributary.common.config.Env;
import dev.tributary.processor.KinesisProcessorConfig;
import dev.tributary.processor.KinesisProcessorHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Cold-start variant: the deployed handler, plus the SnapStart priming work run at init. Without a CRaC JVM the
 * checkpoint hook never fires, so this is how its effect on the first invocation is measured: under SnapStart the
 * same work happens before the snapshot and costs a restored environment nothing.
 */
public final class PrimedAtInitKinesisProcessorHandler implements RequestStreamHandler {
    private final KinesisProcessorHandler handler = new KinesisProcessorHandler();

    public PrimedAtInitKinesisProcessorHandler() {
        KinesisProcessorHandler.prime(KinesisProcessorConfig.fromEnv(Env.system()));
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        handler.handleRequest(input, output, context);
    }

    /** Runs the priming once in this JVM (the smoke test checks it completes). */
    public static void prime(KinesisProcessorConfig config) {
        KinesisProcessorHandler.prime(config);
    }
}
