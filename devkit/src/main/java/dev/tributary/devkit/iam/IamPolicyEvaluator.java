package dev.tributary.devkit.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.common.json.Json;
import dev.tributary.toolkit.SamTemplate;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * AWS's policy evaluation logic (identity policies, resource policies, explicit denies, conditions), computed by
 * {@code @cloud-copilot/iam-simulate} in one Node.js process per JVM ({@code devkit/iam/authorize.mjs}). Why a
 * real evaluator rather than the emulator's own IAM: moto 5.2.5 checks the Resource element only for S3, SQS, IAM
 * and STS (every DynamoDB, Kinesis, Glue or SSM request is matched against "*", so a policy naming a table denies
 * every call), ignores resource-based policies and evaluates conditions only in trust policies.
 *
 * <p>The package is installed by {@code scripts/lib.sh ensure_iam_simulator} (the test, demo and soak scripts call
 * it) into {@code .tools/iam-simulator}; {@code TRIBUTARY_IAM_SIMULATOR} names another directory. Without it the
 * evaluator fails with that instruction: local runs never fall back to trusting everyone.
 */
public final class IamPolicyEvaluator implements AutoCloseable {
    /** What AWS decided. */
    public enum Decision {
        ALLOWED,
        EXPLICITLY_DENIED,
        IMPLICITLY_DENIED
    }

    /** A decision and the evaluator's short reason. */
    public record Verdict(Decision decision, String reason) {}

    private static volatile IamPolicyEvaluator shared;

    private final Process process;
    private final OutputStream toNode;
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    private IamPolicyEvaluator(Path directory) throws IOException {
        this.process = new ProcessBuilder(
                        "node", directory.resolve("authorize.mjs").toString())
                .directory(directory.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        this.toNode = process.getOutputStream();
        Thread.ofPlatform().daemon().name("iam-evaluator-reader").start(this::readAnswers);
    }

    /** The evaluator of this JVM, started on first use. */
    public static IamPolicyEvaluator get() {
        IamPolicyEvaluator evaluator = shared;
        if (evaluator == null) {
            synchronized (IamPolicyEvaluator.class) {
                evaluator = shared;
                if (evaluator == null) {
                    try {
                        evaluator = new IamPolicyEvaluator(locate());
                    } catch (IOException e) {
                        throw new IllegalStateException(
                                "cannot start the IAM policy evaluator (node): " + e.getMessage()
                                        + "; Node.js 18+ must be on the PATH",
                                e);
                    }
                    shared = evaluator;
                    Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
                }
            }
        }
        return evaluator;
    }

    static Path locate() {
        String configured = System.getenv("TRIBUTARY_IAM_SIMULATOR");
        Path directory = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : SamTemplate.locate().getParent().getParent().resolve(".tools/iam-simulator");
        if (!Files.isRegularFile(directory.resolve("authorize.mjs"))
                || !Files.isDirectory(directory.resolve("node_modules/@cloud-copilot/iam-simulate"))) {
            throw new IllegalStateException("""
                    The local IAM gate's policy evaluator is not installed at %s.
                    Local runs enforce every function's template role; install the evaluator with
                      bash -c 'source scripts/lib.sh && ensure_iam_simulator'
                    (scripts/test.sh, scripts/demo.sh and scripts/soak.sh do it), or point TRIBUTARY_IAM_SIMULATOR at an
                    installed copy.""".formatted(directory));
        }
        return directory;
    }

    /**
     * Evaluates one request.
     *
     * @param principal        the caller's ARN (an assumed-role session)
     * @param identityPolicies the caller's policies: name to policy document
     * @param resourcePolicy   the resource's policy (bucket, queue or key policy), or null
     * @param context          request context keys ({@code aws:SecureTransport}, {@code kms:ViaService}, ...)
     */
    public Verdict evaluate(
            String principal,
            String action,
            String resource,
            String account,
            Map<String, JsonNode> identityPolicies,
            JsonNode resourcePolicy,
            Map<String, String> context) {
        long id = ids.incrementAndGet();
        ObjectNode request = Json.mapper().createObjectNode();
        request.put("id", id);
        request.put("principal", principal);
        request.put("action", action);
        request.put("resource", resource);
        request.put("resourceAccount", account);
        var policies = request.putArray("identityPolicies");
        identityPolicies.forEach(
                (name, policy) -> policies.addObject().put("name", name).set("policy", policy));
        request.set("resourcePolicy", resourcePolicy);
        request.set("context", Json.mapper().valueToTree(context));
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            byte[] line = (Json.mapper().writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8);
            synchronized (toNode) {
                toNode.write(line);
                toNode.flush();
            }
            JsonNode reply = answer.get(30, TimeUnit.SECONDS);
            String result = reply.path("result").asText();
            String detail = reply.path("detail").asText("");
            return switch (result) {
                case "Allowed" -> new Verdict(Decision.ALLOWED, detail);
                case "ExplicitlyDenied" -> new Verdict(Decision.EXPLICITLY_DENIED, detail);
                case "ImplicitlyDenied" -> new Verdict(Decision.IMPLICITLY_DENIED, detail);
                default ->
                    throw new IllegalStateException(
                            "the IAM evaluator could not evaluate " + action + " on " + resource + ": " + detail);
            };
        } catch (IOException e) {
            throw new UncheckedIOException("the IAM evaluator process is gone", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while evaluating " + action, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the IAM evaluator did not answer for " + action + " on " + resource, e);
        } finally {
            pending.remove(id);
        }
    }

    private void readAnswers() {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                JsonNode reply = Json.mapper().readTree(line);
                CompletableFuture<JsonNode> waiting =
                        pending.get(reply.path("id").asLong());
                if (waiting != null) {
                    waiting.complete(reply);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        List.copyOf(pending.values())
                .forEach(f -> f.completeExceptionally(new IllegalStateException("the IAM evaluator process ended")));
    }

    @Override
    public void close() {
        process.destroy();
    }
}
