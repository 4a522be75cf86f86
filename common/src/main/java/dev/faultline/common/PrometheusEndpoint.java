package dev.faultline.common;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.jmx.JmxCollector;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code GET /metrics}: the Prometheus JMX exporter's own collector over our MBeans, so what an operator sees
 * over JMX and what Prometheus scrapes are the same numbers, served by the JDK's own {@code jdk.httpserver}
 * (the agent's core is loaded by a loader whose parent is the platform loader, which sees that module).
 */
public final class PrometheusEndpoint {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final HttpServer server;

    private PrometheusEndpoint(HttpServer server, String exporterConfig) throws Exception {
        this.server = server;
        new JmxCollector(exporterConfig).register(registry);
    }

    /** Serves on daemon threads: requests are answered on one named {@code threadName}. */
    public static PrometheusEndpoint start(String host, int port, String exporterConfig, String threadName)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 50);
        PrometheusEndpoint endpoint;
        try {
            endpoint = new PrometheusEndpoint(server, exporterConfig);
        } catch (Exception e) {
            server.stop(0);
            throw new IOException("metrics collector: " + e.getMessage(), e);
        }
        ExecutorService answering = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(answering);
        server.createContext("/", endpoint::answer);
        // the server's dispatcher thread takes its daemon flag from the thread that starts it: never keep a JVM alive
        Thread starter = new Thread(server::start, threadName + "-start");
        starter.setDaemon(true);
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return endpoint;
    }

    private void answer(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            if (!exchange.getRequestMethod().equals("GET") || !(path.equals("/metrics") || path.equals("/"))) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            new PrometheusTextFormatWriter(false).write(body, registry.scrape());
            exchange.getResponseHeaders().set("Content-Type", PrometheusTextFormatWriter.CONTENT_TYPE);
            exchange.sendResponseHeaders(200, body.size());
            try (OutputStream out = exchange.getResponseBody()) {
                body.writeTo(out);
            }
        } catch (IOException | RuntimeException e) {
            // one failed scrape; the next one is answered
        } finally {
            exchange.close();
        }
    }
}
