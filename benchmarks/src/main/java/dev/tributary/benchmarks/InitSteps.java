package dev.tributary.benchmarks;

import dev.tributary.common.aws.AwsClientFactory;
import dev.tributary.common.aws.AwsSettings;
import dev.tributary.common.config.Env;
import dev.tributary.common.event.EventSchemas;
import dev.tributary.common.json.Json;
import java.lang.management.ManagementFactory;
import java.security.KeyStore;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.ServiceMetadata;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The kinesis-processor's init, one step at a time, in a fresh JVM: what each part of the handler's constructor costs
 * when it is the first to need its classes. Run it with the function's class path (its jar, then the layer's
 * {@code java/lib} jars) and Lambda's flags; each step's time includes the classes it is the first to load, so the
 * order matters and is the constructor's own (JSON, schemas, trust store, HTTP client, clients).
 *
 * <pre>java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp benchmarks/target/classes:FUNCTION_CLASS_PATH \
 *     dev.tributary.benchmarks.InitSteps</pre>
 *
 * <p>Needs the processor's environment ({@code AWS_REGION} and the processor's variables; no call is made).
 */
public final class InitSteps {
    private InitSteps() {}

    public static void main(String[] args) throws Exception {
        System.out.printf(
                "JVM up, main called: %d ms of JVM uptime%n",
                ManagementFactory.getRuntimeMXBean().getUptime());
        AwsClientFactory[] factory = new AwsClientFactory[1];
        step("Jackson ObjectMapper (Json.mapper)", Json::mapper);
        step("event schemas (envelope, networknt)", EventSchemas::new);
        step("trust store (cacerts, for TLS)", () -> {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init((KeyStore) null);
            return trust;
        });
        step(
                "URL-connection HTTP client",
                () -> UrlConnectionHttpClient.builder().build());
        step("settings and credentials", () -> factory[0] = new AwsClientFactory(AwsSettings.fromEnv(Env.system())));
        step("SDK service metadata (every service)", () -> ServiceMetadata.of("s3"));
        step("S3 client", () -> factory[0].s3());
        step("DynamoDB client", () -> factory[0].dynamoDb());
        step("SQS client", () -> factory[0].configure(SqsClient.builder()).build());
        step(
                "the handler's constructor, all of the above done",
                () -> Class.forName("dev.tributary.processor.KinesisProcessorHandler")
                        .getConstructor()
                        .newInstance());
    }

    private interface Step {
        Object run() throws Exception;
    }

    private static void step(String name, Step step) throws Exception {
        long started = System.nanoTime();
        step.run();
        System.out.printf("%-50s %6.0f ms%n", name, (System.nanoTime() - started) / 1e6);
    }
}
