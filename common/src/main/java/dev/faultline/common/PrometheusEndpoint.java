package dev.faultline.common;

import io.prometheus.jmx.JmxCollector;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /metrics}: the Prometheus JMX exporter's own collector over our MBeans, so what an operator sees
 * over JMX and what Prometheus scrapes are the same numbers. The HTTP side is a few lines over a plain server
 * socket: the agent lives in the bootstrap loader, which cannot see the {@code jdk.httpserver} module.
 */
public final class PrometheusEndpoint {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ServerSocket socket;

    private PrometheusEndpoint(ServerSocket socket, String exporterConfig) throws Exception {
        this.socket = socket;
        new JmxCollector(exporterConfig).register(registry);
    }

    /** Serves on a daemon thread named {@code threadName}. */
    public static PrometheusEndpoint start(String host, int port, String exporterConfig, String threadName) throws IOException {
        ServerSocket socket = new ServerSocket(port, 50, InetAddress.getByName(host));
        PrometheusEndpoint endpoint;
        try {
            endpoint = new PrometheusEndpoint(socket, exporterConfig);
        } catch (Exception e) {
            socket.close();
            throw new IOException("metrics collector: " + e.getMessage(), e);
        }
        Thread t = new Thread(endpoint::serve, threadName);
        t.setDaemon(true);
        t.start();
        return endpoint;
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                client.setSoTimeout(5_000);
                answer(client);
            } catch (IOException | RuntimeException e) {
                // one failed scrape; the next one is answered
            }
        }
    }

    private void answer(Socket client) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
        String request = in.readLine();
        for (String header = in.readLine(); header != null && !header.isEmpty(); header = in.readLine()) {
            // headers are not needed
        }
        OutputStream out = client.getOutputStream();
        String[] parts = request == null ? new String[0] : request.split(" ");
        if (parts.length < 2 || !parts[0].equals("GET") || !(parts[1].equals("/metrics") || parts[1].equals("/"))) {
            out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(body, registry.scrape());
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + PrometheusTextFormatWriter.CONTENT_TYPE + "\r\nContent-Length: " + body.size()
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.writeTo(out);
        out.flush();
    }
}
