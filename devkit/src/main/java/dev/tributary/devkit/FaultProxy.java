package dev.tributary.devkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A loopback HTTP proxy in front of the emulator that breaks chosen requests the way AWS and the network do: a
 * service error instead of an answer (S3 {@code SlowDown}, DynamoDB throttling), a connection reset, a request that
 * is never answered, or a request the service executes whose answer never comes back.
 *
 * <p>Point the code under test at {@link #endpoint()} through {@code AWS_ENDPOINT_URL}: nothing in it changes, and the
 * faults go through the SDK's real error parsing, retry policy, backoff and socket timeouts, which an interceptor
 * throwing exceptions would skip. Which request meets which fault is the fault language's business
 * ({@link FaultRules}, {@link FaultSchedule}: a pure function of the seed and the request), so a scenario is
 * reproducible and can say how many faults it injected; this class only moves bytes.
 *
 * <p>It speaks just enough HTTP/1.1 to find request boundaries (head, then a {@code Content-Length} or chunked body);
 * responses are copied through byte for byte. It answers {@code Expect: 100-continue} itself. Plain HTTP only, which
 * is what the emulators serve.
 */
public final class FaultProxy implements AutoCloseable {
    private static final int MAX_HEAD = 64 * 1024;

    /** What happens to a request a rule fires on. */
    public enum Action {
        /** Answer with {@link Response#status} and body; the service never sees the request. */
        ANSWER,
        /** Reset the connection (TCP RST) before the service sees the request: "connection reset", "unavailable". */
        RESET,
        /** Never answer and never forward: the client's socket timeout decides. */
        HANG,
        /** Forward the request (the service executes it) and throw the answer away: an ambiguous timeout. */
        DROP_RESPONSE
    }

    /** The parsed head of one request. */
    public record Request(String method, String path, Map<String, String> headers) {
        /** The {@code X-Amz-Target} header (JSON protocols: DynamoDB, SQS, Kinesis, Glue), or "". */
        public String target() {
            return headers.getOrDefault("x-amz-target", "");
        }

        /** The S3 object key of a path-style request ({@code /bucket/key}), or "" when there is none. */
        public String s3Key() {
            if (!target().isEmpty() || path.length() < 2) {
                return "";
            }
            String withoutQuery = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
            int slash = withoutQuery.indexOf('/', 1);
            return slash < 0
                    ? ""
                    : java.net.URLDecoder.decode(withoutQuery.substring(slash + 1), StandardCharsets.UTF_8);
        }
    }

    /** What the proxy does instead of forwarding. */
    public record Response(Action action, int status, String contentType, String body) {
        /** S3's throttling answer (503 SlowDown), which the SDK retries with backoff. */
        public static Response s3SlowDown() {
            return new Response(
                    Action.ANSWER,
                    503,
                    "application/xml",
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                            + "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message>"
                            + "<RequestId>FAULTPROXY</RequestId></Error>");
        }

        /** S3's 500 InternalError. */
        public static Response s3InternalError() {
            return new Response(
                    Action.ANSWER,
                    500,
                    "application/xml",
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                            + "<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again."
                            + "</Message><RequestId>FAULTPROXY</RequestId></Error>");
        }

        /** DynamoDB's {@code ProvisionedThroughputExceededException} (400), a throttling error the SDK retries. */
        public static Response dynamoDbThrottling() {
            return new Response(
                    Action.ANSWER,
                    400,
                    "application/x-amz-json-1.0",
                    "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\","
                            + "\"message\":\"The level of configured provisioned throughput for the table was exceeded."
                            + " Consider increasing your provisioning level with the UpdateTable API.\"}");
        }

        /** A JSON-protocol service's 503 (SQS, Kinesis, Glue): {@code ServiceUnavailable}. */
        public static Response jsonServiceUnavailable() {
            return new Response(
                    Action.ANSWER,
                    503,
                    "application/x-amz-json-1.0",
                    "{\"__type\":\"ServiceUnavailable\",\"message\":\"Service is unable to handle request.\"}");
        }

        /** A TCP reset instead of an answer. */
        public static Response reset() {
            return new Response(Action.RESET, 0, "", "");
        }

        /** No answer at all. */
        public static Response hang() {
            return new Response(Action.HANG, 0, "", "");
        }

        /** The service executes the request; its answer is lost. */
        public static Response dropAfterForwarding() {
            return new Response(Action.DROP_RESPONSE, 0, "", "");
        }
    }

    /**
     * A check every request passes before the fault rules: the local IAM gate ({@code IamGate}) answers a request its
     * caller may not make, as AWS would, and lets the rest through.
     */
    @FunctionalInterface
    public interface Gate {
        /** The answer instead of forwarding, or {@code null} to let the request through. */
        Response check(Request request, byte[] body);
    }

    private final URI upstream;
    private final ServerSocket server;
    private final FaultRules rules;
    private final Map<Socket, Boolean> open = new ConcurrentHashMap<>();
    private final AtomicLong forwarded = new AtomicLong();
    private volatile Gate gate = (request, body) -> null;
    private volatile boolean closed;

    private FaultProxy(URI upstream, long seed) throws IOException {
        this.upstream = upstream;
        this.rules = new FaultRules(seed);
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("fault-proxy-accept").start(this::accept);
    }

    /** Starts a proxy with seed 0 (see {@link #start(URI, long)}). */
    public static FaultProxy start(URI upstream) {
        return start(upstream, 0);
    }

    /**
     * Starts a proxy on a free loopback port in front of {@code upstream} (an {@code http://host:port} emulator);
     * {@code seed} is what its rules' schedules decide from ({@link FaultSchedule}).
     */
    public static FaultProxy start(URI upstream, long seed) {
        if (!"http".equals(upstream.getScheme())) {
            throw new IllegalArgumentException("the fault proxy speaks plain HTTP only, not " + upstream);
        }
        try {
            return new FaultProxy(upstream, seed);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a loopback port for the fault proxy", e);
        }
    }

    /** Where clients should connect ({@code AWS_ENDPOINT_URL}). */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /**
     * Adds a rule ({@link FaultRules#add}): requests that {@code matches} accepts get {@code response} when the
     * schedule fires for them. Rules are tried in the order they were added; the first that fires wins.
     */
    public FaultProxy inject(String name, Predicate<Request> matches, Response response, FaultSchedule schedule) {
        rules.add(name, matches, response, schedule);
        return this;
    }

    /** Puts {@code gate} in front of the rules: what it answers never reaches the service. */
    public FaultProxy gate(Gate gate) {
        this.gate = gate;
        return this;
    }

    /** Removes every rule: from now on every request is forwarded. */
    public void heal() {
        rules.clear();
    }

    /** Faults injected so far, per rule name. */
    public Map<String, Long> injected() {
        return rules.injected();
    }

    /** Faults injected so far by all rules. */
    public long injectedTotal() {
        return injected().values().stream().mapToLong(Long::longValue).sum();
    }

    /** Requests passed through to the emulator (including those whose answer was dropped). */
    public long forwarded() {
        return forwarded.get();
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        open.keySet().forEach(FaultProxy::quietlyClose);
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                open.put(client, Boolean.TRUE);
                Thread.ofVirtual().name("fault-proxy-conn").start(() -> serve(client));
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("fault proxy: accept failed: " + e);
                }
            }
        }
    }

    /** One client connection: request by request, forward or break. */
    private void serve(Socket client) {
        Socket service = null;
        Pump pump = null;
        try (client) {
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream toClient = client.getOutputStream();
            while (true) {
                byte[] head = readHead(in);
                if (head == null) {
                    return; // the client closed the connection
                }
                Request request = parse(head);
                if ("100-continue".equalsIgnoreCase(request.headers().get("expect"))) {
                    // Answer it here: the body must arrive before the proxy can forward or break the request.
                    synchronized (toClient) {
                        toClient.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        toClient.flush();
                    }
                }
                byte[] body = readBody(in, request);
                Response refused = gate.check(request, body);
                Response fault = refused != null ? refused : rules.decide(request, body);
                if (fault != null && fault.action() != Action.DROP_RESPONSE) {
                    switch (fault.action()) {
                        case ANSWER -> answer(toClient, fault);
                        case RESET -> client.setSoLinger(true, 0);
                        case HANG -> hang(in);
                        default ->
                            throw new IllegalStateException(fault.action().toString());
                    }
                    return; // every broken request ends its connection, as it would in the wild
                }
                if (service == null) {
                    service = new Socket();
                    service.connect(new InetSocketAddress(upstream.getHost(), upstream.getPort()), 2000);
                    open.put(service, Boolean.TRUE);
                    pump = new Pump(service.getInputStream(), toClient);
                    Thread.ofVirtual().name("fault-proxy-pump").start(pump);
                }
                if (fault != null) {
                    pump.discard = true; // the service answers; the client never hears it
                }
                OutputStream toService = service.getOutputStream();
                toService.write(withoutExpect(head));
                toService.write(body);
                toService.flush();
                forwarded.incrementAndGet();
            }
        } catch (IOException e) {
            // the client or the service went away: the connection ends, as a real one would
        } finally {
            open.remove(client);
            if (service != null) {
                open.remove(service);
                quietlyClose(service);
            }
        }
    }

    private static void answer(OutputStream toClient, Response response) throws IOException {
        byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + response.status() + " Refused\r\nContent-Type: " + response.contentType()
                + "\r\nContent-Length: " + body.length
                + "\r\nx-amzn-RequestId: FAULTPROXY\r\nConnection: close\r\n\r\n";
        synchronized (toClient) {
            toClient.write(head.getBytes(StandardCharsets.US_ASCII));
            toClient.write(body);
            toClient.flush();
        }
    }

    /** Holds the connection silent until the client gives up (its socket timeout), at most a minute. */
    private static void hang(InputStream in) throws IOException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        byte[] sink = new byte[1024];
        while (System.nanoTime() < deadline) {
            if (in.read(sink) < 0) {
                return;
            }
        }
    }

    /** Copies the service's answers to the client, or swallows them once {@link #discard} is set. */
    private static final class Pump implements Runnable {
        private final InputStream from;
        private final OutputStream to;
        volatile boolean discard;

        Pump(InputStream from, OutputStream to) {
            this.from = from;
            this.to = to;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[64 * 1024];
            try {
                for (int n; (n = from.read(buffer)) >= 0; ) {
                    if (!discard) {
                        synchronized (to) {
                            to.write(buffer, 0, n);
                            to.flush();
                        }
                    }
                }
            } catch (IOException e) {
                // either side closed
            }
        }
    }

    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(1024);
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new SocketException("connection closed inside a request head");
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1
                    : (b == '\r' ? 1 : 0);
            if (head.size() > MAX_HEAD) {
                throw new SocketException("request head over " + MAX_HEAD + " bytes");
            }
        }
        return head.toByteArray();
    }

    private static Request parse(byte[] head) {
        String[] lines = new String(head, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] requestLine = lines[0].split(" ");
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(
                        lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).strip());
            }
        }
        return new Request(requestLine[0], requestLine.length > 1 ? requestLine[1] : "/", Map.copyOf(headers));
    }

    private static byte[] readBody(InputStream in, Request request) throws IOException {
        if ("chunked".equalsIgnoreCase(request.headers().get("transfer-encoding"))) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = readLine(in, body);
                int size = Integer.parseInt(sizeLine.split(";")[0].strip(), 16);
                if (size == 0) {
                    while (!readLine(in, body).isEmpty()) {
                        // trailers, up to the empty line
                    }
                    return body.toByteArray();
                }
                body.write(in.readNBytes(size + 2)); // the chunk and its CRLF
            }
        }
        long length = Long.parseLong(request.headers().getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(Math.toIntExact(length));
        if (body.length < length) {
            throw new SocketException("connection closed inside a request body");
        }
        return body;
    }

    /** Reads one CRLF-terminated line, copying its raw bytes to {@code raw}; returns it without the CRLF. */
    private static String readLine(InputStream in, ByteArrayOutputStream raw) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) >= 0; ) {
            raw.write(b);
            if (b == '\n') {
                return line.toString().strip();
            }
            line.append((char) b);
        }
        throw new SocketException("connection closed inside a chunked body");
    }

    private static byte[] withoutExpect(byte[] head) {
        String text = new String(head, StandardCharsets.ISO_8859_1);
        return text.replaceAll("(?im)^expect:[^\r\n]*\r\n", "").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void quietlyClose(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
