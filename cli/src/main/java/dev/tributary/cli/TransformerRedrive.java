package dev.tributary.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.config.Env;
import dev.tributary.common.json.Json;
import dev.tributary.common.lambda.OnFailureRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** {@code tributary redrive transformer}: rerun the s3-transformer on the events on its dead-letter queue. */
@Command(
        name = "transformer",
        mixinStandardHelpOptions = true,
        description = "Reads the s3-transformer's dead-letter queue (Lambda's on-failure records, whose "
                + "requestPayload is the S3 event, or plain S3 events) and runs the transformer on each event in "
                + "this process, with the function's configuration. The transformer is idempotent: an object "
                + "already processed is skipped, one that still cannot be processed stays on the queue.")
final class TransformerRedrive implements Callable<Integer> {
    @Mixin
    AwsOptions aws = new AwsOptions();

    @Option(
            names = "--function-env",
            paramLabel = "NAME=VALUE",
            description = "The transformer's configuration (RAW_BUCKET, PROCESSED_BUCKET, METADATA_TABLE, "
                    + "PII_HMAC_KEY_PARAMETER, ...), repeatable; default: this process's environment.")
    Map<String, String> functionEnv = new java.util.HashMap<>();

    @Option(names = "--queue", required = true, description = "The transformer's dead-letter queue URL.")
    String queue;

    @Mixin
    ReprocessOptions run = new ReprocessOptions();

    @Override
    public Integer call() throws IOException {
        Map<String, String> env = new java.util.HashMap<>(aws.environment());
        env.putAll(functionEnv);
        int redriven = 0;
        int failed = 0;
        int looked = 0;
        try (SqsClient sqs = aws.clients().configure(SqsClient.builder()).build()) {
            dev.tributary.transformer.S3TransformerHandler handler =
                    run.execute ? new dev.tributary.transformer.S3TransformerHandler(new Env(env)) : null;
            for (Message message : run.messages(sqs, queue)) {
                looked++;
                JsonNode body = Json.mapper().readTree(message.body());
                JsonNode event = OnFailureRecord.asyncEvent(body);
                List<String> keys = new ArrayList<>();
                event.path("Records")
                        .forEach(r ->
                                keys.add(r.path("s3").path("object").path("key").asText()));
                if (!run.execute) {
                    System.out.printf(
                            "  would  transform %s (%s)%n",
                            keys, OnFailureRecord.asyncError(body).orElse("no error recorded"));
                    continue;
                }
                try {
                    handler.handleRequest(
                            new java.io.ByteArrayInputStream(
                                    event.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                            java.io.OutputStream.nullOutputStream(),
                            null);
                    sqs.deleteMessage(b -> b.queueUrl(queue).receiptHandle(message.receiptHandle()));
                    redriven++;
                    System.out.printf("  done   %s%n", keys);
                } catch (RuntimeException e) {
                    failed++;
                    System.out.printf("  FAILED %s: %s (message kept)%n", keys, e.getMessage());
                }
            }
        }
        System.out.printf(
                "%nredrive transformer %s: %d messages%s%n",
                run.execute ? "executed" : "dry run",
                looked,
                run.execute ? String.format("; %d redriven, %d failed", redriven, failed) : "; pass --execute to act");
        return failed == 0 ? TributaryCli.EXIT_OK : TributaryCli.EXIT_FINDING;
    }
}
