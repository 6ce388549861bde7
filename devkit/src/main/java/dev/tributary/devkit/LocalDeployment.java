package dev.tributary.devkit;

import dev.tributary.common.aws.AwsClientFactory;
import dev.tributary.devkit.iam.IamGate;
import dev.tributary.devkit.iam.RolePrincipal;
import dev.tributary.devkit.iam.TemplateRoles;
import dev.tributary.toolkit.SamTemplate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The SAM template's data resources, created in an emulator under a name prefix: the stream, buckets, tables,
 * queues and Glue job the template defines, with the names, keys and settings it gives them. This class interprets
 * the template (parameters, names, intrinsic functions, the functions' settings and roles); {@link ResourceCreator}
 * makes each resource from its resolved properties. Functions are not
 * deployed; their environment is resolved from the template so a local runner can host the handlers.
 *
 * <p>Each function gets the credentials of a session of <em>its own role as the template defines it</em>, and an
 * endpoint at the emulator's {@link IamGate}, which authorizes every call against that role, the resource's policy
 * and the key that encrypts it: a call the deployed stack would be refused is refused here ({@link #denials()}).
 *
 * <p>One local difference: an S3 notification to a Lambda function becomes a notification to an SQS queue
 * ({@link #notificationQueueUrl}) that the runner reads and hands to the function, since emulators cannot invoke a
 * Java handler living in the runner's JVM.
 */
public final class LocalDeployment {
    private static final String ACCOUNT = "123456789012";

    private final SamTemplate template;
    private final AwsEmulator emulator;
    private final AwsClientFactory clients;
    private final TemplateResolver resolver;
    private final Map<String, String> parameters;
    private final Map<String, String> physicalIds = new HashMap<>();
    private final Map<String, String> arns = new HashMap<>();
    private final Map<String, String> notificationQueues = new HashMap<>();
    private final List<String> notes = new ArrayList<>();
    private final IamGate gate;
    private Map<String, RolePrincipal> sessions = Map.of();
    private final List<RolePrincipal> serviceSessions = new java.util.concurrent.CopyOnWriteArrayList<>();

    private LocalDeployment(
            SamTemplate template, AwsEmulator emulator, String namePrefix, Map<String, String> overrides) {
        this.template = template;
        this.emulator = emulator;
        this.clients = emulator.clients();
        Map<String, String> parameters = new LinkedHashMap<>(template.parameterDefaults());
        parameters.putAll(overrides);
        parameters.put("NamePrefix", namePrefix);
        if (template.parameterDefaults().containsKey("GlueDatabaseName")
                && !overrides.containsKey("GlueDatabaseName")) {
            // One emulator serves many deployments: a catalog database of its own per deployment, as its buckets
            // are its own through NamePrefix (the job's Iceberg tables are found by database and name).
            parameters.put(
                    "GlueDatabaseName", namePrefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_"));
        }
        parameters.put("AwsEndpointUrl", ""); // functions run in the runner's JVM, which sets the endpoint itself
        parameters.put("AWS::Region", emulator.region().id());
        parameters.put("AWS::AccountId", ACCOUNT);
        parameters.put("AWS::StackName", namePrefix);
        parameters.put("AWS::Partition", "aws");
        parameters.put("AWS::URLSuffix", "amazonaws.com");
        this.parameters = parameters;
        this.resolver = new TemplateResolver(parameters, template.conditions(), this::ref, this::getAtt);
        this.gate = iamGate(emulator);
    }

    /**
     * Creates the template's stream, buckets, tables, queues and Glue job in {@code emulator}.
     *
     * @param namePrefix the {@code NamePrefix} parameter; use a fresh one per run
     * @param overrides  parameter values other than the defaults (e.g. {@code ShardCount})
     */
    public static LocalDeployment deploy(
            SamTemplate template, AwsEmulator emulator, String namePrefix, Map<String, String> overrides) {
        LocalDeployment deployment =
                new LocalDeployment(template, emulator, namePrefix.toLowerCase(Locale.ROOT), overrides);
        deployment.create();
        return deployment;
    }

    private void create() {
        try (KinesisClient kinesis = clients.configure(KinesisClient.builder()).build();
                S3Client s3 = clients.s3();
                DynamoDbClient dynamoDb = clients.dynamoDb();
                SqsClient sqs = clients.configure(SqsClient.builder()).build()) {
            for (SamTemplate.Resource queue : template.resources("AWS::SQS::Queue")) {
                String name = name(queue);
                physicalIds.put(queue.logicalId(), ResourceCreator.queue(sqs, name));
                arns.put(queue.logicalId(), "arn:aws:sqs:" + emulator.region().id() + ":" + ACCOUNT + ":" + name);
            }
            for (SamTemplate.Resource stream : template.resources("AWS::Kinesis::Stream")) {
                String name = name(stream);
                physicalIds.put(stream.logicalId(), name);
                arns.put(stream.logicalId(), ResourceCreator.stream(kinesis, name, shardCount()));
            }
            for (SamTemplate.Resource table : template.resources("AWS::DynamoDB::Table")) {
                String name = name(table);
                ResourceCreator.table(dynamoDb, name, props(table));
                physicalIds.put(table.logicalId(), name);
                arns.put(
                        table.logicalId(),
                        "arn:aws:dynamodb:" + emulator.region().id() + ":" + ACCOUNT + ":table/" + name);
            }
            for (SamTemplate.Resource bucket : template.resources("AWS::S3::Bucket")) {
                String name = name(bucket);
                ResourceCreator.bucket(s3, sqs, name, props(bucket))
                        .ifPresent(queue -> notificationQueues.put(bucket.logicalId(), queue));
                physicalIds.put(bucket.logicalId(), name);
                arns.put(bucket.logicalId(), "arn:aws:s3:::" + name);
            }
            for (SamTemplate.Resource table : template.resources("AWS::DynamoDB::Table")) {
                dynamoDb.waiter().waitUntilTableExists(b -> b.tableName(physicalIds.get(table.logicalId())));
            }
        }
        createGlueJobs();
        sessions = TemplateRoles.register(
                template,
                gate,
                this::resolvedProperties,
                this::arn,
                url -> "arn:aws:sqs:" + region() + ":" + ACCOUNT + ":" + url.substring(url.lastIndexOf('/') + 1),
                ACCOUNT);
    }

    private int shardCount() {
        return Integer.parseInt(resolver.string(Map.of("Ref", "ShardCount")));
    }

    /** A further instance of a template stream: its name and ARN. */
    public record StreamInstance(String name, String arn) {}

    /**
     * Creates a further instance of the template stream {@code logicalId}, named {@code <its name>-<suffix>}, with
     * the template's shard count, and waits until it is active: for a run that needs fresh shards (the soak takes
     * one per round, as an emulator's shards slow down as they fill). The function roles' grants name the template's
     * own stream, so read an instance with the operator's clients; delete it when drained.
     */
    public StreamInstance deployStreamInstance(String logicalId, String suffix) {
        if (template.resources("AWS::Kinesis::Stream").stream()
                .noneMatch(r -> r.logicalId().equals(logicalId))) {
            throw new IllegalArgumentException(logicalId + " is no Kinesis stream of the template");
        }
        String name = physicalId(logicalId) + "-" + suffix;
        try (KinesisClient kinesis = clients.configure(KinesisClient.builder()).build()) {
            return new StreamInstance(name, ResourceCreator.stream(kinesis, name, shardCount()));
        }
    }

    private void createGlueJobs() {
        List<SamTemplate.Resource> jobs = template.resources("AWS::Glue::Job");
        if (jobs.isEmpty()) {
            return;
        }
        try (GlueClient glue = clients.configure(GlueClient.builder()).build()) {
            for (SamTemplate.Resource database : template.resources("AWS::Glue::Database")) {
                // The catalog database the job's Iceberg tables are registered in.
                String name = String.valueOf(
                        SamTemplate.map(props(database).get("DatabaseInput")).get("Name"));
                ResourceCreator.glueDatabase(glue, name);
                physicalIds.put(database.logicalId(), name);
            }
            for (SamTemplate.Resource job : jobs) {
                String name = name(job);
                ResourceCreator.glueJob(glue, name, props(job));
                physicalIds.put(job.logicalId(), name);
            }
        } catch (RuntimeException e) {
            // LocalStack's free edition has no Glue: the rest of the pipeline still runs.
            notes.add("Glue jobs not created (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }

    /** The physical id of a resource: bucket, table, stream or job name, queue URL. */
    public String physicalId(String logicalId) {
        String id = physicalIds.get(logicalId);
        if (id == null) {
            throw new IllegalArgumentException(logicalId + " was not deployed locally");
        }
        return id;
    }

    /** The ARN of a deployed resource. */
    public String arn(String logicalId) {
        return getAtt(logicalId, "Arn");
    }

    /** The queue that stands in for a bucket's Lambda notifications, if the template gives it any. */
    public Optional<String> notificationQueueUrl(String bucketLogicalId) {
        return Optional.ofNullable(notificationQueues.get(bucketLogicalId));
    }

    /** A parameter's value in this deployment (its default unless overridden). */
    public String parameter(String name) {
        String value = parameters.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no parameter " + name + " in the template");
        }
        return value;
    }

    /** The region resources were created in. */
    public String region() {
        return emulator.region().id();
    }

    /** What could not be deployed in this emulator. */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    /**
     * A function's environment as the template defines it, plus what Lambda adds: the region, and the credentials
     * of a session of the function's role; the endpoint is the emulator's IAM gate, so every call is authorized.
     */
    public Map<String, String> functionEnvironment(String functionLogicalId) {
        Map<String, Object> environment = SamTemplate.map(
                SamTemplate.map(props(template.resource(functionLogicalId)).get("Environment"))
                        .get("Variables"));
        Map<String, String> env = new LinkedHashMap<>();
        environment.forEach((k, v) -> env.put(k, String.valueOf(v)));
        env.putAll(sessionEnvironment(session(functionLogicalId)));
        return env;
    }

    /** What Lambda (or Glue) gives a process running as {@code session}: the region, the gate, the credentials. */
    private Map<String, String> sessionEnvironment(RolePrincipal session) {
        Map<String, String> env = new LinkedHashMap<>(emulator.functionEnvironment());
        env.put("AWS_ENDPOINT_URL", gate.endpoint().toString());
        env.putAll(session.credentials().environment());
        return env;
    }

    private static AwsClientFactory clientsFor(Map<String, String> environment) {
        return new AwsClientFactory(
                dev.tributary.common.aws.AwsSettings.fromEnv(new dev.tributary.common.config.Env(environment)));
    }

    /**
     * Clients with a function's own session, through the IAM gate: for what Lambda does with the execution role on
     * the function's behalf (reading the Kinesis stream, sending on-failure records).
     */
    public AwsClientFactory functionClients(String functionLogicalId) {
        return clientsFor(functionEnvironment(functionLogicalId));
    }

    /** The session a function runs as: its template role and credentials. */
    public RolePrincipal session(String functionLogicalId) {
        RolePrincipal session = sessions.get(functionLogicalId);
        if (session == null) {
            throw new IllegalArgumentException(functionLogicalId + " is not a function of the template");
        }
        return session;
    }

    /**
     * A session of any role of the template (the Glue job's, say): for asking the gate what that role may do
     * ({@link IamGate#authorize}).
     */
    public RolePrincipal roleSession(String roleLogicalId) {
        return TemplateRoles.session(
                roleLogicalId, arn(roleLogicalId), resolvedProperties(roleLogicalId), "check", ACCOUNT);
    }

    /**
     * The IAM gate in front of {@code emulator}, where every deployment's functions connect: a fault proxy for the
     * functions goes in front of it, so faults and authorization both apply.
     */
    public static IamGate iamGate(AwsEmulator emulator) {
        return IamGate.in(emulator.endpoint(), ACCOUNT);
    }

    /**
     * Clients with a session of a service role of the template (the Glue job's, say), known to the gate: for a local
     * runner that does that service's reads and writes on its behalf, so they are authorized as the role.
     */
    public AwsClientFactory serviceRoleClients(String roleLogicalId, String sessionName) {
        return clientsFor(serviceRoleEnvironment(roleLogicalId, sessionName));
    }

    /**
     * The AWS environment of a new session of a service role (region, {@code AWS_ENDPOINT_URL} = the IAM gate,
     * the session's credentials), known to the gate: for a local runner that starts a process doing that service's
     * calls (the Glue job under local Spark), so they are authorized as the role.
     */
    public Map<String, String> serviceRoleEnvironment(String roleLogicalId, String sessionName) {
        RolePrincipal session = TemplateRoles.session(
                roleLogicalId, arn(roleLogicalId), resolvedProperties(roleLogicalId), sessionName, ACCOUNT);
        gate.register(session);
        serviceSessions.add(session);
        return sessionEnvironment(session);
    }

    /** The gate that authorizes this deployment's functions. */
    public IamGate iamGate() {
        return gate;
    }

    /** Calls of this deployment's functions that their roles did not allow, with action, resource and role. */
    public List<IamGate.Denial> denials() {
        List<RolePrincipal> all = new ArrayList<>(sessions.values());
        all.addAll(serviceSessions);
        return gate.denialsOf(all);
    }

    /** A resource's properties, every intrinsic function resolved as deployed. */
    public Map<String, Object> resolvedProperties(String logicalId) {
        return props(template.resource(logicalId));
    }

    /** The Kinesis event source mapping of a function, as the simulator's settings. */
    public KinesisEventSourceSimulator.Settings kinesisSettings(String functionLogicalId) {
        Map<String, Object> events =
                SamTemplate.map(props(template.resource(functionLogicalId)).get("Events"));
        for (Object event : events.values()) {
            Map<String, Object> definition = SamTemplate.map(event);
            if ("Kinesis".equals(definition.get("Type"))) {
                Map<String, Object> p = SamTemplate.map(definition.get("Properties"));
                return new KinesisEventSourceSimulator.Settings(
                        Integer.parseInt(String.valueOf(p.getOrDefault("BatchSize", "100"))),
                        Integer.parseInt(String.valueOf(p.getOrDefault("MaximumRetryAttempts", "-1"))),
                        Boolean.parseBoolean(String.valueOf(p.getOrDefault("BisectBatchOnFunctionError", "false"))),
                        Integer.parseInt(String.valueOf(p.getOrDefault("MaximumRecordAgeInSeconds", "-1"))));
            }
        }
        throw new IllegalArgumentException(functionLogicalId + " has no Kinesis event source in the template");
    }

    /** The asynchronous invocation settings ({@code EventInvokeConfig}) of a function, as the simulator's settings. */
    public AsyncInvocationSimulator.Settings asyncSettings(String functionLogicalId) {
        Map<String, Object> config = SamTemplate.map(
                props(template.resource(functionLogicalId)).getOrDefault("EventInvokeConfig", Map.of()));
        // Lambda's defaults when the template sets none: 2 retries, 6 hours.
        return new AsyncInvocationSimulator.Settings(
                Integer.parseInt(String.valueOf(config.getOrDefault("MaximumRetryAttempts", "2"))),
                Integer.parseInt(String.valueOf(config.getOrDefault("MaximumEventAgeInSeconds", "21600"))));
    }

    private Map<String, Object> props(SamTemplate.Resource resource) {
        return SamTemplate.map(resolver.resolve(resource.properties()));
    }

    private String name(SamTemplate.Resource resource) {
        Map<String, Object> raw = resource.properties();
        for (String property : List.of("TableName", "BucketName", "QueueName", "Name", "FunctionName")) {
            if (raw.containsKey(property)) {
                return resolver.string(raw.get(property));
            }
        }
        return resolver.string(
                Map.of("Fn::Sub", "${NamePrefix}-" + resource.logicalId().toLowerCase(Locale.ROOT)));
    }

    private String ref(String logicalId) {
        if (logicalId.endsWith(".Alias")) { // SAM: the function's alias
            return ref(logicalId.substring(0, logicalId.length() - ".Alias".length())) + ":live";
        }
        String id = physicalIds.get(logicalId);
        if (id != null) {
            return id;
        }
        SamTemplate.Resource resource = template.resource(logicalId);
        return switch (resource.type()) {
            case "AWS::Serverless::Function",
                    "AWS::Glue::Job",
                    "AWS::S3::Bucket",
                    "AWS::DynamoDB::Table",
                    "AWS::Kinesis::Stream" -> name(resource);
            default -> "local-" + logicalId;
        };
    }

    private String getAtt(String logicalId, String attribute) {
        if (attribute.equals("Arn") && arns.containsKey(logicalId)) {
            return arns.get(logicalId);
        }
        if (attribute.equals("Arn")) {
            // ARNs of what is not created locally but is named in policies, in the formats AWS gives them.
            SamTemplate.Resource resource = template.resource(logicalId);
            String region = emulator.region().id();
            switch (resource.type()) {
                case "AWS::IAM::Role" -> {
                    Object name = resource.properties().get("RoleName");
                    return "arn:aws:iam::" + ACCOUNT + ":role/"
                            + (name != null ? resolver.string(name) : parameters.get("NamePrefix") + "-" + logicalId);
                }
                case "AWS::KMS::Key" -> {
                    return "arn:aws:kms:" + region + ":" + ACCOUNT + ":key/"
                            + java.util.UUID.nameUUIDFromBytes((parameters.get("NamePrefix") + "/" + logicalId)
                                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
                case "AWS::Logs::LogGroup" -> {
                    Object name = resource.properties().get("LogGroupName");
                    return "arn:aws:logs:" + region + ":" + ACCOUNT + ":log-group:"
                            + (name != null ? resolver.string(name) : logicalId) + ":*";
                }
                default -> {}
            }
        }
        return "arn:aws:local:" + emulator.region().id() + ":" + ACCOUNT + ":" + logicalId + "/" + attribute;
    }
}
