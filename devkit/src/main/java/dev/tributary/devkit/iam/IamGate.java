package dev.tributary.devkit.iam;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.devkit.FaultProxy;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The emulator's front door for functions: a loopback proxy that authorizes every request signed with a function's
 * credentials against that function's template role, the resource's policy (bucket, queue, key policy) and the
 * request context, with AWS's policy evaluation logic ({@link IamPolicyEvaluator}), and answers a refused request
 * the way the service does ({@code 403 AccessDenied} from S3, {@code AccessDeniedException} from the JSON
 * services). The emulator itself trusts everyone; behind this gate the functions do not get what their role does
 * not grant.
 *
 * <p>Requests signed with any other key (the harness: producers, deployment, inventory) pass unchecked: they stand
 * for the stack's operator, not for a function. The caller is named by the access key in the SigV4 credential scope;
 * signatures are not re-verified, since authentication is not what a local run tests.
 */
public final class IamGate implements FaultProxy.Gate, AutoCloseable {
    /** Access keys of function sessions start with this, so a stale or forged one is refused, not waved through. */
    public static final String SESSION_KEY_PREFIX = "ASIATRIBUTARY";

    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/,\\s]+)/\\d{8}/([^/]+)/");
    private static final Map<URI, IamGate> GATES = new ConcurrentHashMap<>();

    /** A refused call: who, what, on which resource, and why. */
    public record Denial(
            String function, String role, IamAction action, IamPolicyEvaluator.Decision decision, String reason) {
        @Override
        public String toString() {
            return "IAM denied " + action.action() + " on " + action.resource() + " to role " + role + " (" + function
                    + ")" + (action.viaService().isEmpty() ? "" : " via " + action.viaService()) + ": "
                    + (decision == IamPolicyEvaluator.Decision.EXPLICITLY_DENIED ? "explicitly denied" : "not allowed")
                    + (reason.isEmpty() ? "" : ", " + reason);
        }
    }

    private final FaultProxy proxy;
    private final Map<String, RolePrincipal> principals = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> resourcePolicies = new ConcurrentHashMap<>();
    private final Map<String, String> bucketKeys = new ConcurrentHashMap<>();
    private final Map<String, String> queueKeys = new ConcurrentHashMap<>();
    private final Map<String, IamPolicyEvaluator.Verdict> decisions = new ConcurrentHashMap<>();
    private final List<Denial> denials = new CopyOnWriteArrayList<>();
    private final AtomicLong evaluated = new AtomicLong();
    private final Map<String, java.util.concurrent.atomic.LongAdder> calls = new ConcurrentHashMap<>();
    private final String account;

    private IamGate(URI upstream, String account) {
        this.account = account;
        this.proxy = FaultProxy.start(upstream).gate(this);
    }

    /** The gate in front of {@code upstream} in this JVM, started on first use. */
    public static IamGate in(URI upstream, String account) {
        return GATES.computeIfAbsent(upstream, u -> new IamGate(u, account));
    }

    /** Where functions connect ({@code AWS_ENDPOINT_URL}). */
    public URI endpoint() {
        return proxy.endpoint();
    }

    /** Makes {@code principal}'s credentials known: its requests are authorized against its role from now on. */
    public void register(RolePrincipal principal) {
        principals.put(principal.credentials().accessKeyId(), principal);
    }

    /** A resource-based policy: of a bucket ({@code arn:aws:s3:::NAME}), queue or key (by ARN). */
    public void resourcePolicy(String resourceArn, JsonNode policy) {
        resourcePolicies.put(resourceArn, policy);
    }

    /** A bucket's default SSE-KMS key: writes and reads of its objects need the key too. */
    public void bucketKey(String bucket, String keyArn) {
        bucketKeys.put(bucket, keyArn);
    }

    /** A queue's SSE-KMS key. */
    public void queueKey(String queueArn, String keyArn) {
        queueKeys.put(queueArn, keyArn);
    }

    /** Every refused call so far. */
    public List<Denial> denials() {
        return List.copyOf(denials);
    }

    /** Authorizations evaluated so far (cached decisions included). */
    public long evaluated() {
        return evaluated.get();
    }

    /**
     * Whether {@code principal} may do {@code action}: the same evaluation a request gets, for tests that state a
     * permission the functions never exercise (e.g. that the Glue job cannot replace its own code).
     */
    public IamPolicyEvaluator.Verdict authorize(RolePrincipal principal, IamAction action) {
        evaluated.incrementAndGet();
        return decisions.computeIfAbsent(
                principal.sessionArn() + "|" + action,
                k -> IamPolicyEvaluator.get()
                        .evaluate(
                                principal.sessionArn(),
                                action.action(),
                                action.resource(),
                                account,
                                principal.identityPolicies(),
                                resourcePolicyOf(action.resource()),
                                context(principal, action)));
    }

    @Override
    public FaultProxy.Response check(FaultProxy.Request request, byte[] body) {
        Matcher credential = CREDENTIAL.matcher(request.headers().getOrDefault("authorization", ""));
        if (!credential.find()) {
            return null; // unsigned: the emulator's health checks, never a function's SDK
        }
        String accessKey = credential.group(1);
        RolePrincipal principal = principals.get(accessKey);
        if (principal == null) {
            return accessKey.startsWith(SESSION_KEY_PREFIX)
                    ? refuse(request, "InvalidClientTokenId", "The security token included in the request is invalid.")
                    : null;
        }
        List<IamAction> actions;
        try {
            actions = new RequestActions(
                            credential.group(2),
                            account,
                            bucket -> Optional.ofNullable(bucketKeys.get(bucket)),
                            queue -> Optional.ofNullable(queueKeys.get(queue)))
                    .of(request, body);
        } catch (UnmappedRequestException e) {
            Denial denial = new Denial(
                    principal.function(),
                    principal.roleName(),
                    IamAction.direct("?", request.method() + " " + request.path()),
                    IamPolicyEvaluator.Decision.IMPLICITLY_DENIED,
                    e.getMessage());
            denials.add(denial);
            System.err.println(denial);
            return refuse(request, "AccessDenied", e.getMessage());
        }
        // Counted before the verdict: a refused call is still a request the service bills (the cost model's counters).
        for (IamAction action : actions) {
            String via = action.viaService().isEmpty()
                    ? ""
                    : " via " + action.viaService().split("\\.")[0];
            calls.computeIfAbsent(
                            principal.function() + "\t" + action.action() + via,
                            k -> new java.util.concurrent.atomic.LongAdder())
                    .increment();
        }
        for (IamAction action : actions) {
            IamPolicyEvaluator.Verdict verdict = authorize(principal, action);
            if (verdict.decision() != IamPolicyEvaluator.Decision.ALLOWED) {
                Denial denial = new Denial(
                        principal.function(), principal.roleName(), action, verdict.decision(), verdict.reason());
                denials.add(denial);
                System.err.println(denial);
                return refuse(
                        request,
                        "AccessDenied",
                        "User: " + principal.sessionArn()
                                + " is not authorized to perform: " + action.action() + " on resource: "
                                + action.resource()
                                + (verdict.decision() == IamPolicyEvaluator.Decision.EXPLICITLY_DENIED
                                        ? " with an explicit deny"
                                        : " because no policy allows the " + action.action() + " action"));
            }
        }
        return null;
    }

    private JsonNode resourcePolicyOf(String resourceArn) {
        if (resourceArn.startsWith("arn:aws:s3:::")) {
            int slash = resourceArn.indexOf('/');
            return resourcePolicies.get(slash < 0 ? resourceArn : resourceArn.substring(0, slash));
        }
        return resourcePolicies.get(resourceArn);
    }

    private Map<String, String> context(RolePrincipal principal, IamAction action) {
        Map<String, String> context = new java.util.LinkedHashMap<>();
        // In AWS the functions' SDK calls go over HTTPS (the SDK's default endpoints); the plain HTTP between the
        // function and this gate is an artefact of the local run, so the buckets' DenyInsecureTransport statements
        // are evaluated as they would be in AWS.
        context.put("aws:SecureTransport", "true");
        context.put("aws:PrincipalArn", principal.roleArn());
        context.put("aws:PrincipalAccount", account);
        if (!action.viaService().isEmpty()) {
            context.put("kms:ViaService", action.viaService());
            context.put("kms:CallerAccount", account);
        }
        return context;
    }

    private static FaultProxy.Response refuse(FaultProxy.Request request, String code, String message) {
        if (request.target().isEmpty()) {
            // S3 answers 403 with an XML error; a HEAD answer has no body.
            String body = request.method().equals("HEAD")
                    ? ""
                    : "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>"
                            + xml(message) + "</Message><RequestId>IAMGATE</RequestId></Error>";
            return new FaultProxy.Response(FaultProxy.Action.ANSWER, 403, "application/xml", body);
        }
        String type = code.equals("AccessDenied") ? "AccessDeniedException" : code;
        return new FaultProxy.Response(
                FaultProxy.Action.ANSWER,
                400,
                "application/x-amz-json-1.0",
                "{\"__type\":\"" + type + "\",\"message\":" + jsonString(message) + "}");
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String jsonString(String text) {
        return dev.tributary.common.json.Json.mapper()
                .getNodeFactory()
                .textNode(text)
                .toString();
    }

    /**
     * Every call a function (or service-role session) made through the gate so far, by {@code function TAB action}:
     * the API action itself ({@code s3:PutObject}) and what the service does on the caller's behalf
     * ({@code kms:GenerateDataKey via s3} for a write to an SSE-KMS bucket). The counters of a local run the cost model
     * scales ({@code tributary demo --cost-counters}).
     */
    public Map<String, Long> calls() {
        Map<String, Long> snapshot = new java.util.TreeMap<>();
        calls.forEach((k, v) -> snapshot.put(k, v.sum()));
        return snapshot;
    }

    /** Denials of {@code principals}' sessions only (one deployment's functions). */
    public List<Denial> denialsOf(List<RolePrincipal> of) {
        return denials.stream()
                .filter(d -> of.stream()
                        .anyMatch(p ->
                                p.roleName().equals(d.role()) && p.function().equals(d.function())))
                .toList();
    }

    @Override
    public void close() {
        proxy.close();
        GATES.values().remove(this);
    }
}
