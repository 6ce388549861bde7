package dev.tributary.transformer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.aws.AwsClientFactory;
import dev.tributary.common.aws.AwsSettings;
import dev.tributary.common.config.Env;
import dev.tributary.common.event.EventSchemas;
import dev.tributary.common.json.Json;
import dev.tributary.common.layout.ObjectKeys;
import dev.tributary.common.logging.EmbeddedMetrics;
import dev.tributary.common.logging.StructuredLogger;
import dev.tributary.common.metadata.DynamoDbMetadataStore;
import dev.tributary.transformer.enrich.PiiPolicy;
import dev.tributary.transformer.enrich.RecordEnricher;
import dev.tributary.transformer.enrich.ReferenceData;
import dev.tributary.transformer.enrich.UserAgentClassifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Lambda entry point for S3 {@code ObjectCreated} notifications on the raw bucket, delivered by S3 directly
 * (asynchronous invocation) or through an SQS queue (event source mapping).
 *
 * <p>A stream handler: the event JSON is read with Jackson, so one handler takes both shapes (an S3 event, or an SQS
 * event whose bodies are S3 events) without shipping aws-lambda-java-events and joda-time. Deletes, test events and
 * objects outside {@code RAW_BUCKET/raw/…jsonl.gz} are logged and ignored. Each object-created record goes to
 * {@link ObjectTransformer}; the invocation fails (so Lambda's retries and then the dead-letter queue, or SQS's
 * redrive, take over) when any of them failed, after the others were done. The error names every failed object.
 */
public final class S3TransformerHandler implements RequestStreamHandler {
    /** CloudWatch namespace of the transformer's embedded metrics (one line per invocation). */
    static final String METRICS_NAMESPACE = "Tributary/S3Transformer";
    /** How long an invocation without a Lambda context (a local runner) may take. */
    static final Duration LOCAL_DEADLINE = Duration.ofMinutes(15);

    private final ObjectTransformer objects;
    private final TransformerConfig config;
    private final Clock clock;
    private final StructuredLogger log;

    /** Used by the Lambda runtime: configuration and clients from the environment. */
    public S3TransformerHandler() {
        this(Env.system());
    }

    /** Configuration and clients from {@code env}: for local runners hosting the handler in their own JVM. */
    public S3TransformerHandler(Env env) {
        this(env, System.out);
    }

    /** As {@link #S3TransformerHandler(Env)}, logging to {@code logs} instead of standard output. */
    public S3TransformerHandler(Env env, java.io.PrintStream logs) {
        this(TransformerConfig.fromEnv(env), new AwsClientFactory(AwsSettings.fromEnv(env)), logs);
    }

    private S3TransformerHandler(TransformerConfig config, AwsClientFactory clients, java.io.PrintStream logs) {
        this(
                config,
                clients.s3(),
                clients.dynamoDb(),
                new PiiKeys(
                        config,
                        new SsmParameterReader(
                                UrlConnectionHttpClient.create(),
                                DefaultCredentialsProvider.builder().build(),
                                clients.settings().region(),
                                clients.settings().endpoint())::read),
                new EventSchemas(),
                Clock.systemUTC(),
                new StructuredLogger("s3-transformer", logs, Clock.systemUTC()),
                ObjectTransformerSleeper.REAL);
    }

    /** Tests and local runners pass their own clients. */
    S3TransformerHandler(
            TransformerConfig config,
            S3Client s3,
            DynamoDbClient dynamoDb,
            PiiKeys piiKeys,
            EventSchemas schemas,
            Clock clock,
            StructuredLogger log,
            ObjectTransformer.Sleeper sleeper) {
        this.config = config;
        this.clock = clock;
        this.log = log;
        ReferenceData referenceData = new ReferenceData(
                config.enrichment().referenceData(),
                (uri, maxBytes) -> readSmallObject(s3, uri, maxBytes),
                config.referenceDataMaxBytes());
        RecordEnricher enricher = new RecordEnricher(
                config.enrichment(),
                new UserAgentClassifier(config.userAgentCacheSize()),
                referenceData,
                new PiiPolicy.Bundled());
        StreamTransformer transformer = new StreamTransformer(enricher, config.limits(), config.gzipLevel());
        this.objects = new ObjectTransformer(
                new DynamoDbMetadataLedger(new DynamoDbMetadataStore(dynamoDb, config.metadataTable())),
                new S3RawSource(s3, config.rawBucket()),
                new S3ProcessedSink(s3, config),
                transformer,
                schemas,
                piiKeys,
                config,
                clock,
                sleeper,
                log);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        long started = System.nanoTime();
        JsonNode event = Json.mapper().readTree(input);
        String requestId = context == null ? null : context.getAwsRequestId();
        Instant deadline = context == null
                ? clock.instant().plus(LOCAL_DEADLINE)
                : clock.instant().plusMillis(context.getRemainingTimeInMillis());
        List<S3Notifications.Notice> notices = S3Notifications.parse(event);
        List<String> failures = new ArrayList<>();
        int processed = 0;
        int skipped = 0;
        for (S3Notifications.Notice notice : notices) {
            switch (notice) {
                case S3Notifications.Notice.Ignored ignored -> {
                    skipped++;
                    log.info("notification ignored", fields(requestId, notice, "why", ignored.why()));
                }
                case S3Notifications.Notice.Created created -> {
                    String why = outOfScope(created);
                    if (why != null) {
                        skipped++;
                        log.info("notification ignored", fields(requestId, notice, "why", why));
                        continue;
                    }
                    try {
                        ObjectTransformer.Outcome outcome = objects.process(created, deadline, requestId);
                        if (outcome == ObjectTransformer.Outcome.PROCESSED) {
                            processed++;
                        } else {
                            skipped++;
                            log.info(
                                    "notification needs no work",
                                    fields(
                                            requestId,
                                            notice,
                                            "outcome",
                                            outcome.name().toLowerCase(java.util.Locale.ROOT)));
                        }
                    } catch (TransformFailure e) {
                        failures.add("s3://" + created.bucket() + "/" + created.key() + " FAILED " + e.describe());
                        log.error(
                                "raw object cannot be transformed; marked FAILED",
                                fields(requestId, notice, "failure_reason", e.describe()));
                    } catch (IOException | RuntimeException e) {
                        failures.add("s3://" + created.bucket() + "/" + created.key() + " will be retried: "
                                + e.getMessage());
                        log.warn(
                                "raw object not transformed; the invocation fails so it is retried",
                                fields(requestId, notice, "error", String.valueOf(e)));
                    }
                }
            }
        }
        log.info(
                "invocation done",
                Map.of(
                        "request_id",
                        String.valueOf(requestId),
                        "notices",
                        notices.size(),
                        "processed",
                        processed,
                        "skipped",
                        skipped,
                        "failed",
                        failures.size()));
        Map<String, EmbeddedMetrics.Metric> metrics = new LinkedHashMap<>();
        metrics.put("ObjectsProcessed", EmbeddedMetrics.Metric.count(processed));
        metrics.put("ObjectsSkipped", EmbeddedMetrics.Metric.count(skipped));
        metrics.put("ObjectsFailed", EmbeddedMetrics.Metric.count(failures.size()));
        metrics.put("InvocationLatency", EmbeddedMetrics.Metric.millis((System.nanoTime() - started) / 1_000_000));
        EmbeddedMetrics.publish(
                log, clock, METRICS_NAMESPACE, metrics, requestId == null ? Map.of() : Map.of("request_id", requestId));
        if (!failures.isEmpty()) {
            throw new TransformInvocationException(String.join("; ", failures));
        }
        output.write("{}".getBytes(StandardCharsets.UTF_8));
    }

    /** Why a created object is not ours to transform, or null when it is. */
    private String outOfScope(S3Notifications.Notice.Created created) {
        if (!created.bucket().equals(config.rawBucket())) {
            return "bucket " + created.bucket() + " is not RAW_BUCKET";
        }
        if (!created.key().startsWith(ObjectKeys.RAW_PREFIX) || !created.key().endsWith(ObjectKeys.JSONL_GZ)) {
            return "key is not under " + ObjectKeys.RAW_PREFIX + "…" + ObjectKeys.JSONL_GZ;
        }
        if (ObjectKeys.parse(created.key()).filter(k -> k.area().equals("raw")).isEmpty()) {
            return "key does not follow the raw layout";
        }
        return null;
    }

    private static Map<String, Object> fields(
            String requestId, S3Notifications.Notice notice, String name, Object value) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("request_id", requestId);
        if (notice.messageId() != null) {
            fields.put("sqs_message_id", notice.messageId());
        }
        if (notice instanceof S3Notifications.Notice.Created created) {
            fields.put("bucket", created.bucket());
            fields.put("raw_key", created.key());
            fields.put("event_name", created.eventName());
            fields.put("sequencer", created.sequencer());
        }
        fields.put(name, value);
        return fields;
    }

    private static byte[] readSmallObject(S3Client s3, URI uri, long maxBytes) throws IOException {
        String key = uri.getPath().substring(1);
        try (ResponseInputStream<GetObjectResponse> in =
                s3.getObject(b -> b.bucket(uri.getHost()).key(key))) {
            Long length = in.response().contentLength();
            if (length != null && length > maxBytes) {
                in.abort();
                throw new IOException("object is " + length + " bytes; REFERENCE_DATA_MAX_BYTES is " + maxBytes);
            }
            return in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes));
        }
    }

    /** The invocation failed for at least one object; the message lists them. Lambda retries, then dead-letters. */
    public static final class TransformInvocationException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public TransformInvocationException(String message) {
            super(message);
        }
    }

    /** Real sleeping, for the runtime constructor. */
    static final class ObjectTransformerSleeper {
        static final ObjectTransformer.Sleeper REAL = duration -> Thread.sleep(duration.toMillis());

        private ObjectTransformerSleeper() {}
    }
}
