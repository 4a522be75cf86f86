package dev.faultline.sidecar.jmx;

import io.prometheus.jmx.JmxCollector;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** {@code /metrics}: the Prometheus JMX exporter's collector over the Sidecar MBean. */
final class SidecarMetrics {
    static final String CONFIG = """
            lowercaseOutputName: true
            includeObjectNames: ["dev.faultline:type=Sidecar"]
            rules:
              - pattern: 'dev.faultline<type=Sidecar><>ActionsRun'
                name: faultline_sidecar_actions_total
                type: COUNTER
                help: Actions run (one per tick of an experiment)
              - pattern: 'dev.faultline<type=Sidecar><>ContainersAffected'
                name: faultline_sidecar_containers_affected_total
                type: COUNTER
                help: Containers acted on
              - pattern: 'dev.faultline<type=Sidecar><>RulesActive'
                name: faultline_sidecar_rules_active
                type: GAUGE
                help: Network changes in force (journalled, not yet reverted)
              - pattern: 'dev.faultline<type=Sidecar><>ExperimentsRunning'
                name: faultline_sidecar_experiments_running
                type: GAUGE
            """;

    private SidecarMetrics() {
    }

    static void start(String host, int port) throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        new JmxCollector(CONFIG).register(registry);
        ServerSocket socket = new ServerSocket(port, 50, InetAddress.getByName(host));
        Thread t = new Thread(() -> {
            while (true) {
                try (Socket c = socket.accept()) {
                    c.setSoTimeout(5000);
                    var in = new java.io.BufferedReader(new java.io.InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII));
                    for (String l = in.readLine(); l != null && !l.isEmpty(); l = in.readLine()) {
                        // request line and headers: every path answers the metrics
                    }
                    ByteArrayOutputStream body = new ByteArrayOutputStream();
                    new PrometheusTextFormatWriter(false).write(body, registry.scrape());
                    OutputStream out = c.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + PrometheusTextFormatWriter.CONTENT_TYPE + "\r\nContent-Length: " + body.size()
                            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    body.writeTo(out);
                } catch (IOException | RuntimeException e) {
                    if (socket.isClosed()) return;
                }
            }
        }, "faultline-metrics");
        t.setDaemon(true);
        t.start();
    }
}
