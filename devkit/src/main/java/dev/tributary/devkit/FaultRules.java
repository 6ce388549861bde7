package dev.tributary.devkit;

import dev.tributary.devkit.FaultProxy.Request;
import dev.tributary.devkit.FaultProxy.Response;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The fault language of the {@link FaultProxy}, without the proxy: named rules (which requests, what answer, on which
 * {@link FaultSchedule}) and the decision for one request. Each request is numbered per (operation, key) as it
 * arrives ({@link FaultCalls}), and a rule fires as its schedule says for (seed, rule, operation, key, attempt), so
 * the decisions do not depend on how parallel callers interleave.
 */
public final class FaultRules {
    private static final Pattern DYNAMODB = Pattern.compile("^DynamoDB_\\d+\\.");

    private record Rule(
            String name, Predicate<Request> matches, Response response, FaultSchedule schedule, AtomicLong fired) {}

    private final long seed;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final Map<FaultCalls.Identity, AtomicLong> seen = new ConcurrentHashMap<>();

    public FaultRules(long seed) {
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }

    /** Adds a rule; rules are tried in the order they were added, and the first that fires wins. */
    public void add(String name, Predicate<Request> matches, Response response, FaultSchedule schedule) {
        rules.add(new Rule(name, matches, response, schedule, new AtomicLong()));
    }

    /** Removes every rule (what was seen stays counted: a retry after the heal is still a later attempt). */
    public void clear() {
        rules.clear();
    }

    /** The fault for this request, or {@code null} to forward it. Counts the request as one attempt of its key. */
    public Response decide(Request request, byte[] body) {
        FaultCalls.Identity identity = FaultCalls.of(request, body);
        long attempt = seen.computeIfAbsent(identity, k -> new AtomicLong()).getAndIncrement();
        for (Rule rule : rules) {
            if (rule.matches().test(request)
                    && rule.schedule()
                            .fires(
                                    seed,
                                    new FaultSchedule.Call(
                                            rule.name(), identity.operation(), identity.key(), attempt))) {
                rule.fired().incrementAndGet();
                return rule.response();
            }
        }
        return null;
    }

    /** Faults injected so far, per rule name (rules still in place). */
    public Map<String, Long> injected() {
        Map<String, Long> counts = new TreeMap<>();
        rules.forEach(rule -> counts.merge(rule.name(), rule.fired().get(), Long::sum));
        return counts;
    }

    /** Matches S3 object writes ({@code PUT}, not a copy) whose key matches {@code keyRegex}. */
    public static Predicate<Request> s3Put(String keyRegex) {
        Pattern key = Pattern.compile(keyRegex);
        return request -> request.method().equals("PUT")
                && !request.headers().containsKey("x-amz-copy-source")
                && key.matcher(request.s3Key()).matches();
    }

    /** Matches S3 reads ({@code GET} of an object) whose key matches {@code keyRegex}. */
    public static Predicate<Request> s3Get(String keyRegex) {
        Pattern key = Pattern.compile(keyRegex);
        return request -> request.method().equals("GET")
                && !request.s3Key().isEmpty()
                && key.matcher(request.s3Key()).matches();
    }

    /** Matches JSON-protocol calls whose {@code X-Amz-Target} starts with {@code prefix}, e.g. "AmazonSQS.". */
    public static Predicate<Request> target(String prefix) {
        return request -> request.target().startsWith(prefix);
    }

    /** Matches one DynamoDB operation, e.g. "UpdateItem", whatever the API version in the target. */
    public static Predicate<Request> dynamoDb(String operation) {
        return request ->
                DYNAMODB.matcher(request.target()).find() && request.target().endsWith("." + operation);
    }
}
