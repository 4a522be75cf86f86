package dev.faultline.samples.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP gateway on loopback in front of N replicas: each request goes to the next replica in turn,
 * with a per-attempt timeout; a failed attempt (no answer in time, connection refused or reset,
 * or a 5xx) is retried once on the next replica. What it cannot absorb it answers with a 502/504.
 */
public final class RoundRobinGateway implements AutoCloseable {

    private final List<URI> replicas;
    private final Duration timeout;
    private final HttpServer server;
    private final ExecutorService handlers;
    private final HttpClient client;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLong attempts = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong timeouts = new AtomicLong();

    /** @param replicas base URIs, e.g. {@code http://127.0.0.1:8081} */
    public RoundRobinGateway(List<URI> replicas, Duration timeout) throws IOException {
        if (replicas.isEmpty()) {
            throw new IllegalArgumentException("a gateway needs at least one replica");
        }
        this.replicas = List.copyOf(replicas);
        this.timeout = timeout;
        this.handlers = Executors.newFixedThreadPool(128, r -> {
            Thread t = new Thread(r, "gateway");
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder()
                .executor(handlers)
                .connectTimeout(timeout)
                .build();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.setExecutor(handlers);
        server.createContext("/", this::forward);
        server.start();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public Duration timeout() {
        return timeout;
    }

    /** Calls made to replicas, first tries and retries. */
    public long attempts() {
        return attempts.get();
    }

    public long retries() {
        return retries.get();
    }

    /** Attempts that got no answer within the timeout. */
    public long timeouts() {
        return timeouts.get();
    }

    private void forward(HttpExchange ex) throws IOException {
        String pathAndQuery = ex.getRequestURI().getRawPath()
                + (ex.getRequestURI().getRawQuery() == null
                        ? ""
                        : "?" + ex.getRequestURI().getRawQuery());
        int first = Math.floorMod(next.getAndIncrement(), replicas.size());
        Attempt a = attempt(first, pathAndQuery);
        if (!a.ok()) {
            retries.incrementAndGet();
            // "Another replica": the next one in turn (with a single replica that is itself again).
            a = attempt((first + 1) % replicas.size(), pathAndQuery);
        }
        reply(ex, a.status(), a.body());
    }

    private record Attempt(int status, String body) {
        boolean ok() {
            return status < 500;
        }
    }

    private Attempt attempt(int replica, String pathAndQuery) {
        attempts.incrementAndGet();
        URI uri = URI.create(replicas.get(replica) + pathAndQuery);
        try {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(uri).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
            return new Attempt(response.statusCode(), response.body());
        } catch (HttpTimeoutException e) {
            timeouts.incrementAndGet();
            return new Attempt(504, "replica " + replica + " did not answer within " + timeout.toMillis() + " ms\n");
        } catch (IOException e) {
            return new Attempt(502, "replica " + replica + " failed: " + e + "\n");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Attempt(503, "gateway shutting down\n");
        }
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        try (ex) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
