package dev.tributary.benchmarks.processor;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.tributary.common.aws.AwsClientFactory;
import dev.tributary.common.aws.AwsSettings;
import dev.tributary.common.config.Env;
import dev.tributary.common.logging.StructuredLogger;
import dev.tributary.processor.KinesisProcessorConfig;
import dev.tributary.processor.KinesisProcessorHandler;
import java.time.Clock;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Cold-start variant: the kinesis-processor with every client on the AWS CRT HTTP client instead of URLConnection. */
public final class CrtKinesisProcessorHandler implements RequestHandler<KinesisEvent, StreamsEventResponse> {
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
    public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
        return handler.handleRequest(event, context);
    }
}
