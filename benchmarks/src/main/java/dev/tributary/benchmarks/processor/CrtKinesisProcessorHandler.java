package dev.tributary.benchmarks.processor;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.tributary.common.aws.AwsClientFactory;
import dev.tributary.common.aws.AwsSettings;
import dev.tributary.common.config.Env;
import dev.tributary.common.logging.StructuredLogger;
import dev.tributary.processor.KinesisProcessorConfig;
import dev.tributary.processor.KinesisProcessorHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Cold-start variant: the kinesis-processor with every client on the AWS CRT HTTP client instead of URLConnection. */
public final class CrtKinesisProcessorHandler implements RequestStreamHandler {
    private final KinesisProcessorHandler handler;

    public CrtKinesisProcessorHandler() {
        Env env = Env.system();
        AwsClientFactory clients = new AwsClientFactory(
                AwsSettings.fromEnv(env),
                DefaultCredentialsProvider.builder().build(),
                AwsCrtHttpClient.builder().build());
        handler = KinesisProcessorHandler.withClients(
                KinesisProcessorConfig.fromEnv(env),
                clients.s3(),
                clients.dynamoDb(),
                clients.configure(SqsClient.builder()).build(),
                Clock.systemUTC(),
                new StructuredLogger("kinesis-processor"));
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        handler.handleRequest(input, output, context);
    }
}
