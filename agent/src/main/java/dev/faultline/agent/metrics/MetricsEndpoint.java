package dev.faultline.agent.metrics;

import io.prometheus.jmx.JmxCollector;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * Prometheus endpoint on {@code metrics.port}: the JMX exporter's own collector reads our MBeans, so what an
 * operator sees over JMX and what Prometheus scrapes are the same numbers. The HTTP side is a few lines
 * over a plain server socket because the agent lives in the bootstrap loader, which cannot see the
 * {@code jdk.httpserver} module the exporter's own server needs.
 */
public final class MetricsEndpoint {
    private static final Logger log = LoggerFactory.getLogger(MetricsEndpoint.class);

    static final String CONFIG = """
            lowercaseOutputName: true
            includeObjectNames: ["dev.faultline:*"]
            rules:
              - pattern: 'dev.faultline<type=Fault, id=(.+), action=(.+), on=(.+)><>Injected'
                name: faultline_fault_injections_total
                type: COUNTER
                help: Injections by one armed fault
                labels: {"fault": "$1", "action": "$2", "on": "$3"}  # quoted: YAML 1.1 reads a bare on as true
              - pattern: 'dev.faultline<type=Action, name=(.+)><>Injected'
                name: faultline_action_injections_total
                type: COUNTER
                help: Injections per action since start
                labels: {"action": "$1"}
              - pattern: 'dev.faultline<type=Agent><>InjectedTotal'
                name: faultline_injections_total
                type: COUNTER
                help: Injections since start
              - pattern: 'dev.faultline<type=Agent><>ActiveFaults'
                name: faultline_active_faults
                type: GAUGE
                help: Faults armed now
              - pattern: 'dev.faultline<type=Agent><>(InternalErrors|TransformErrors)'
                name: faultline_agent_$1
                type: GAUGE
            """;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ServerSocket socket;

    private MetricsEndpoint(ServerSocket socket) throws Exception {
        this.socket = socket;
        new JmxCollector(CONFIG).register(registry);
    }

    public static MetricsEndpoint start(String host, int port) throws IOException {
        ServerSocket socket = new ServerSocket(port, 50, InetAddress.getByName(host));
        MetricsEndpoint endpoint;
        try {
            endpoint = new MetricsEndpoint(socket);
        } catch (Exception e) {
            socket.close();
            throw new IOException("metrics collector: " + e.getMessage(), e);
        }
        Thread t = new Thread(endpoint::serve, "faultline-metrics");
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
                if (!socket.isClosed()) log.debug("metrics request failed: {}", e.toString());
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
