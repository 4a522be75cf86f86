package dev.faultline.sidecar.jmx;

/** What the Prometheus JMX exporter's collector reads from the Sidecar MBean for {@code /metrics}. */
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
              - pattern: 'dev.faultline<type=Sidecar><>RevertFailures'
                name: faultline_sidecar_revert_failures_total
                type: COUNTER
                help: Revert attempts that did not leave the target verified clean (each is retried)
              - pattern: 'dev.faultline<type=Sidecar><>RevertsPending'
                name: faultline_sidecar_reverts_pending
                type: GAUGE
                help: Changes whose revert failed and is being retried
              - pattern: 'dev.faultline<type=Sidecar><>ExperimentsRunning'
                name: faultline_sidecar_experiments_running
                type: GAUGE
              - pattern: 'dev.faultline<type=Sidecar><>NetemAvailable'
                name: faultline_sidecar_netem_available
                type: GAUGE
                help: 1 when this kernel runs netem delay/loss/duplicate/corrupt, else 0
            """;

    private SidecarMetrics() {}
}
