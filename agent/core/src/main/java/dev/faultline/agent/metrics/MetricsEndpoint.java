package dev.faultline.agent.metrics;

import dev.faultline.common.PrometheusEndpoint;
import java.io.IOException;

/** The agent's Prometheus endpoint on {@code metrics.port}: what the exporter's collector reads from our MBeans. */
public final class MetricsEndpoint {
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

    private MetricsEndpoint() {}

    public static PrometheusEndpoint start(String host, int port) throws IOException {
        return PrometheusEndpoint.start(host, port, CONFIG, "faultline-metrics");
    }
}
