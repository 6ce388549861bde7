package dev.tributary.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The Lambda Runtime API (the protocol between Lambda and a runtime's client), enough for one cold invocation per
 * process: the first {@code GET /invocation/next} gets the event, the runtime client posts the response, and any
 * later {@code next} is held open until the process is gone. Timestamps are taken as the requests arrive.
 *
 * <p>It stands in for the Runtime Interface Emulator (aws-lambda-rie), whose Go module ({@code go.amzn.com}) the
 * Go module proxy here does not serve; the process under test is the real Runtime Interface Client either way.
 */
final class RuntimeApiServer implements AutoCloseable {
    private static final String PREFIX = "/2018-06-01/runtime/";

    /** One cold invocation, as seen from the Runtime API. */
    record Invocation(long initDoneNanos, long respondedNanos, String response) {}

    private final HttpServer server;
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile Run current;

    private static final class Run {
        final byte[] event;
        final String requestId = UUID.randomUUID().toString();
        volatile long initDoneNanos;
        boolean delivered;
        final CompletableFuture<Invocation> outcome = new CompletableFuture<>();

        Run(byte[] event) {
            this.event = event;
        }
    }

    RuntimeApiServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor()); // held `next` calls must not block others
        server.createContext(PREFIX, this::handle);
        server.start();
    }

    /** {@code host:port}, the value of {@code AWS_LAMBDA_RUNTIME_API}. */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Arms the server for the next process: its first {@code next} gets {@code event}. */
    CompletableFuture<Invocation> expect(byte[] event) {
        Run run = new Run(event);
        current = run;
        return run.outcome;
    }

    private void handle(HttpExchange exchange) throws IOException {
        long now = System.nanoTime();
        String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
        byte[] body = exchange.getRequestBody().readAllBytes();
        Run run = current;
        if (path.equals("invocation/next")) {
            boolean first;
            synchronized (run) {
                first = !run.delivered;
                run.delivered = true;
            }
            if (!first) {
                hold(exchange);
                return;
            }
            run.initDoneNanos = now;
            exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", run.requestId);
            exchange.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms",
                    Long.toString(System.currentTimeMillis() + 900_000));
            exchange.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn",
                    "arn:aws:lambda:us-east-1:123456789012:function:tributary-cold-start");
            exchange.getResponseHeaders().add("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000");
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            send(exchange, 200, run.event);
        } else if (path.endsWith("/response")) {
            send(exchange, 202, "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8));
            run.outcome.complete(new Invocation(run.initDoneNanos, now, new String(body, StandardCharsets.UTF_8)));
        } else if (path.endsWith("/error")) {
            send(exchange, 202, "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8));
            run.outcome.completeExceptionally(new IllegalStateException(
                    "runtime reported an error at " + path + ": " + new String(body, StandardCharsets.UTF_8)));
        } else {
            send(exchange, 404, new byte[0]);
        }
    }

    private void hold(HttpExchange exchange) throws IOException {
        try {
            closing.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        send(exchange, 500, new byte[0]);
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        } catch (IOException ignored) {
            // the process under test may already be gone
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
    }
}
