package dev.faultline.agent.protocol;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;

/**
 * A JDK HTTP server on loopback that answers {@code 200 ok <METHOD> <path>} to anything, with an access-log filter
 * (the context's own, as a service would have one) that records the status each request was answered with and the
 * connections they came on: what the server's own logs and metrics see. With a TLS context, an HTTPS server too.
 */
final class HttpPeer implements AutoCloseable {
    private final HttpServer server;
    private final HttpsServer tlsServer; // null without a TLS context
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final AtomicLong handled = new AtomicLong();
    private final Map<Integer, AtomicLong> logged = new ConcurrentHashMap<>();
    private final Set<Integer> connections = ConcurrentHashMap.newKeySet();
    /** Exchanges inside the access-log filter: counted once they leave it. */
    private final AtomicInteger inFlight = new AtomicInteger();

    /** @param tls null for plain HTTP only; else an HTTPS server as well, with the same handler and access log */
    HttpPeer(SSLContext tls) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        serve(server);
        if (tls != null) {
            tlsServer = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            tlsServer.setHttpsConfigurator(new HttpsConfigurator(tls));
            serve(tlsServer);
        } else {
            tlsServer = null;
        }
    }

    private void serve(HttpServer s) {
        s.createContext("/", this::handle).getFilters().add(new Filter() {
            @Override
            public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
                inFlight.incrementAndGet();
                try {
                    connections.add(exchange.getRemoteAddress().getPort());
                    chain.doFilter(exchange);
                    logged.computeIfAbsent(exchange.getResponseCode(), k -> new AtomicLong())
                            .incrementAndGet();
                } finally {
                    inFlight.decrementAndGet();
                }
            }

            @Override
            public String description() {
                return "access log";
            }
        });
        s.setExecutor(executor);
        s.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        handled.incrementAndGet();
        exchange.getRequestBody().readAllBytes();
        byte[] body = ("ok " + exchange.getRequestMethod() + " "
                        + exchange.getRequestURI().getPath())
                .getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    int tlsPort() {
        return tlsServer.getAddress().getPort();
    }

    /**
     * {@code handled=<n> logged=<status>:<n>,… connections=<n>}, then resets the counts. The client has its answer
     * once the response is closed, before this access log has counted it on the server's thread: exchanges still in
     * the filter are waited for (5 s at most), or a loaded machine reads the counts early.
     */
    String takeStats() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        Map<Integer, Long> codes = new TreeMap<>();
        logged.forEach((k, v) -> codes.put(k, v.get()));
        String s = "handled=" + handled.getAndSet(0) + " logged="
                + codes.toString().replace(" ", "") + " connections=" + connections.size();
        logged.clear();
        connections.clear();
        return s;
    }

    @Override
    public void close() {
        server.stop(0);
        if (tlsServer != null) tlsServer.stop(0);
        executor.shutdownNow();
    }
}
