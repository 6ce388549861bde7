package dev.tributary.devtools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.common.json.Json;
import dev.tributary.devkit.LambdaLayers;
import dev.tributary.devkit.TemplateResolver;
import dev.tributary.toolkit.SamTemplate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code AWS::Serverless::Function} of the SAM template, read the way {@code sam local invoke} reads it: handler,
 * code (the shaded jar {@code CodeUri} names, relative to the template), its layers' content zips ({@code Layers},
 * each a {@code !Ref} to a LayerVersion of the template), memory, timeout and environment.
 *
 * @param functionName  the physical name ({@code FunctionName}), for {@code AWS_LAMBDA_FUNCTION_NAME}
 * @param environment   the function's variables: the template's, then the {@code --env-vars} file's (see
 *                      {@link #withEnvVars}); what the runtime process is given, plus what {@link InvokeCommand} adds
 * @param ignoredEnvVars variables of the {@code --env-vars} file the template does not declare (SAM ignores them too)
 */
record TemplateFunction(
        String logicalId,
        String functionName,
        String handler,
        Path jar,
        List<Path> layers,
        int memoryMb,
        int timeoutSeconds,
        Map<String, String> environment,
        List<String> ignoredEnvVars) {
    /** SAM's defaults when a function (and Globals) sets none. */
    static final int DEFAULT_MEMORY_MB = 128;

    static final int DEFAULT_TIMEOUT_SECONDS = 3;
    /**
     * The account id {@code sam local} gives {@code AWS::AccountId} (and moto's default account, which
     * devkit's LocalDeployment uses too), so names built from it match a local deployment's.
     */
    static final String LOCAL_ACCOUNT = "123456789012";
    /**
     * The execution role's session, which Lambda itself puts in every function's environment: taken from the
     * function's section of {@code --env-vars} though the template cannot declare them, so a local run can run as the
     * function's role (devkit's IAM gate authorizes it) instead of as whoever runs the command.
     */
    static final List<String> SESSION_VARIABLES =
            List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN");

    /**
     * Reads {@code logicalId} from the template at {@code templatePath}, its environment resolved with the parameter
     * defaults and each resource's own name where a variable refers to one.
     *
     * @throws IllegalArgumentException when there is no such function, naming the ones there are
     */
    static TemplateFunction read(Path templatePath, String logicalId, String region) {
        SamTemplate template = SamTemplate.load(templatePath);
        List<SamTemplate.Resource> functions = template.resources("AWS::Serverless::Function");
        SamTemplate.Resource function = functions.stream()
                .filter(f -> f.logicalId().equals(logicalId))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no function " + logicalId + " in " + templatePath
                        + " (functions: "
                        + String.join(
                                ", ",
                                functions.stream()
                                        .map(SamTemplate.Resource::logicalId)
                                        .toList()) + ")"));
        TemplateResolver resolver = resolver(template, region);
        Map<String, Object> p = function.properties();
        String codeUri = resolver.string(p.get("CodeUri"));
        String handler = resolver.string(p.get("Handler"));
        if (codeUri == null || handler == null) {
            throw new IllegalArgumentException(logicalId + " has no CodeUri or Handler in the template");
        }
        Map<String, String> environment = new LinkedHashMap<>();
        Object variables = map(map(p.get("Environment")).get("Variables"));
        map(resolver.resolve(variables)).forEach((k, v) -> environment.put(k, String.valueOf(v)));
        // Declared but resolved to AWS::NoValue (AWS_ENDPOINT_URL in AWS): still declared, so --env-vars may set it.
        map(variables).keySet().forEach(k -> environment.putIfAbsent(k, null));
        return new TemplateFunction(
                logicalId,
                String.valueOf(resolver.string(p.getOrDefault("FunctionName", logicalId))),
                handler,
                templatePath.toAbsolutePath().getParent().resolve(codeUri).normalize(),
                LambdaLayers.contentZips(template, templatePath, logicalId),
                Integer.parseInt(String.valueOf(resolver.string(p.getOrDefault("MemorySize", DEFAULT_MEMORY_MB)))),
                Integer.parseInt(String.valueOf(resolver.string(p.getOrDefault("Timeout", DEFAULT_TIMEOUT_SECONDS)))),
                environment,
                List.of());
    }

    /** This function with {@code environment} as its variables (e.g. a local deployment's). */
    TemplateFunction withEnvironment(Map<String, String> replacement) {
        Map<String, String> merged = new LinkedHashMap<>();
        environment.keySet().forEach(k -> merged.put(k, null));
        merged.putAll(replacement);
        return new TemplateFunction(
                logicalId, functionName, handler, jar, layers, memoryMb, timeoutSeconds, merged, ignoredEnvVars);
    }

    /**
     * Applies an {@code --env-vars} file in SAM's format: {@code {"Parameters": {"VAR": "v"}, "<LogicalId>": {"VAR":
     * "v"}}}, the function's own section winning. As in {@code sam local invoke}, only variables the template declares
     * on the function are overridden, and the role session's ({@link #SESSION_VARIABLES}); the others are listed in
     * {@link #ignoredEnvVars}.
     *
     * @throws IllegalArgumentException when the file is not such a JSON object
     */
    TemplateFunction withEnvVars(Path file) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read --env-vars " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(
                    "--env-vars " + file + " is not a JSON object like {\"" + logicalId + "\": {\"VAR\": \"value\"}}");
        }
        Map<String, String> merged = new LinkedHashMap<>(environment);
        List<String> ignored = new ArrayList<>(ignoredEnvVars);
        for (String section : List.of("Parameters", logicalId)) {
            JsonNode values = root.path(section);
            if (values.isMissingNode()) {
                continue;
            }
            if (!values.isObject()) {
                throw new IllegalArgumentException("--env-vars " + file + ": \"" + section + "\" is not an object");
            }
            values.properties().forEach(entry -> {
                if (environment.containsKey(entry.getKey())
                        || (section.equals(logicalId) && SESSION_VARIABLES.contains(entry.getKey()))) {
                    merged.put(
                            entry.getKey(),
                            entry.getValue().isNull() ? null : entry.getValue().asText());
                } else if (section.equals(logicalId)) {
                    ignored.add(entry.getKey());
                }
            });
        }
        return new TemplateFunction(
                logicalId, functionName, handler, jar, layers, memoryMb, timeoutSeconds, merged, ignored);
    }

    /** The variables with a value (a declared variable without one is not set, as in Lambda). */
    Map<String, String> resolvedEnvironment() {
        Map<String, String> set = new LinkedHashMap<>();
        environment.forEach((k, v) -> {
            if (v != null) {
                set.put(k, v);
            }
        });
        return set;
    }

    private static TemplateResolver resolver(SamTemplate template, String region) {
        Map<String, String> parameters = new LinkedHashMap<>(template.parameterDefaults());
        parameters.put("AWS::Region", region);
        parameters.put("AWS::AccountId", LOCAL_ACCOUNT);
        parameters.put("AWS::Partition", "aws");
        parameters.put("AWS::URLSuffix", "amazonaws.com");
        parameters.put("AWS::StackName", parameters.getOrDefault("NamePrefix", "local"));
        TemplateResolver[] self = new TemplateResolver[1];
        self[0] = new TemplateResolver(
                parameters,
                template.conditions(),
                logicalId -> physicalName(template, self[0], logicalId),
                (logicalId, attribute) -> logicalId + "." + attribute);
        return self[0];
    }

    /** A resource's own name property (bucket, table, queue, job, function), else its logical id, as SAM does. */
    private static String physicalName(SamTemplate template, TemplateResolver resolver, String logicalId) {
        String id = logicalId.endsWith(".Alias")
                ? logicalId.substring(0, logicalId.length() - ".Alias".length())
                : logicalId;
        Map<String, Object> p = template.resource(id).properties();
        for (String property : List.of("BucketName", "TableName", "QueueName", "Name", "FunctionName")) {
            if (p.containsKey(property)) {
                return resolver.string(p.get(property));
            }
        }
        return id;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
