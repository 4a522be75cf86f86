package dev.faultline.agent.metrics;

import io.prometheus.jmx.JmxCollector;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Prometheus endpoint on {@code metrics.port}: the JMX exporter's own collector, reading our MBeans, so
 * what an operator sees over JMX and what Prometheus scrapes are the same numbers.
 */
public final class MetricsEndpoint {
    static final String CONFIG = """
            lowercaseOutputName: true
            includeObjectNames: ["dev.faultline:*"]
            rules:
              - pattern: 'dev.faultline<type=Fault, id=(.+), action=(.+), on=(.+)><>Injected'
                name: faultline_fault_injections_total
                type: COUNTER
                help: Injections by one armed fault
                labels: {fault: "$1", action: "$2", on: "$3"}
              - pattern: 'dev.faultline<type=Action, name=(.+)><>Injected'
                name: faultline_action_injections_total
                type: COUNTER
                help: Injections per action since start
                labels: {action: "$1"}
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

    private MetricsEndpoint() {
    }

    public static HTTPServer start(String host, int port) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        try {
            new JmxCollector(CONFIG).register(registry);
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IOException("bad metrics configuration", e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(1, r -> {
            Thread t = new Thread(r, "faultline-metrics");
            t.setDaemon(true);
            return t;
        });
        return HTTPServer.builder()
                .inetAddress(InetAddress.getByName(host))
                .port(port)
                .registry(registry)
                .executorService(executor)
                .buildAndStart();
    }
}
