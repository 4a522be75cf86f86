package dev.faultline.samples.experiments;

import dev.faultline.samples.control.SidecarChaos;
import dev.faultline.samples.fleet.DockerFleet;
import dev.faultline.samples.fleet.Replica;
import dev.faultline.samples.gateway.RoundRobinGateway;
import dev.faultline.samples.load.LoadGenerator;
import dev.faultline.samples.load.LoadReport;
import dev.faultline.samples.report.ExperimentTable;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The classic experiment from the Principles of Chaos Engineering: with the steady state defined as
 * "at least 99 % of requests succeed", crash a random replica every few seconds for a fixed time while
 * the load generator runs through the gateway; once with 1 replica, once with 5. Replicas run with a
 * restart policy, so each crash is followed by a restart, as under Kubernetes.
 */
public final class ReplicasExperiment {

    /** What one run measured; every number comes from the load generator or the engine, none is assumed. */
    public record Run(
            int replicas,
            LoadReport steadyState,
            LoadReport underChaos,
            int kills,
            int restarts,
            long gatewayRetries,
            String sidecarCommand,
            String sidecarOutput) {
        public boolean held() {
            return HYPOTHESIS.heldBy(underChaos);
        }
    }

    public static final SteadyStateHypothesis HYPOTHESIS = SteadyStateHypothesis.NINETY_NINE_PERCENT;
    public static final Duration GATEWAY_TIMEOUT = Duration.ofMillis(500);

    private final Path sidecarJar;
    private final Duration chaos;
    private final Duration killInterval;
    private final int rate;
    private final PrintStream log;

    public ReplicasExperiment(
            Path sidecarJar, Duration chaos, Duration killInterval, int ratePerSecond, PrintStream log) {
        this.sidecarJar = sidecarJar;
        this.chaos = chaos;
        this.killInterval = killInterval;
        this.rate = ratePerSecond;
        this.log = log;
    }

    public List<Run> run(int... replicaCounts) throws IOException {
        List<Run> runs = new ArrayList<>();
        for (int n : replicaCounts) {
            runs.add(runWith(n));
        }
        return runs;
    }

    private Run runWith(int replicas) throws IOException {
        log.printf("%n== %d replica%s: starting containers ...%n", replicas, replicas == 1 ? "" : "s");
        try (DockerFleet fleet = DockerFleet.start(replicas, false);
                RoundRobinGateway gateway = new RoundRobinGateway(
                        fleet.replicas().stream().map(Replica::http).toList(), GATEWAY_TIMEOUT);
                LoadGenerator load = new LoadGenerator(
                        URI.create(gateway.uri() + "/hello?name=chaos"), rate, Duration.ofSeconds(3))) {
            load.run(Duration.ofSeconds(1)); // warm-up, not measured
            LoadReport steady = load.run(Duration.ofSeconds(5));
            log.printf(
                    "steady state (%s) before chaos: %s -> %s%n",
                    HYPOTHESIS, steady, HYPOTHESIS.heldBy(steady) ? "held" : "NOT held");
            long retriesBefore = gateway.retries();
            Instant start = Instant.now();
            LoadReport underChaos;
            String command;
            String output;
            SidecarChaos sidecar = SidecarChaos.crashRandomly(
                    sidecarJar,
                    killInterval,
                    (int) (chaos.toMillis() / killInterval.toMillis()) + 1,
                    fleet.replicaPattern());
            try {
                command = sidecar.commandLine();
                log.printf("chaos for %d s: %s%n", chaos.toSeconds(), command);
                underChaos = load.run(chaos);
            } finally {
                sidecar.close();
            }
            output = sidecar.output();
            Instant end = Instant.now();
            // Restarts counted once every replica is back: the restart policy may still be backing off.
            fleet.awaitRecovered(Duration.ofSeconds(60));
            int kills = fleet.deaths(start, end).size();
            int restarts = fleet.restarts();
            log.printf(
                    "under chaos: %s; %d kills, %d restarts, gateway retries %d%n",
                    underChaos, kills, restarts, gateway.retries() - retriesBefore);
            log.print(underChaos
                    .perSecondTable("per second, " + replicas + " replica(s) under chaos")
                    .render());
            return new Run(
                    replicas, steady, underChaos, kills, restarts, gateway.retries() - retriesBefore, command, output);
        }
    }

    public static ExperimentTable table(List<Run> runs) {
        ExperimentTable table = new ExperimentTable(
                "replicas: a random replica crashed (SIGKILL to its main process) every few seconds; restart policy always",
                "replicas",
                "kills",
                "restarts",
                "requests",
                "success",
                "p50 ms",
                "p99 ms",
                "gateway retries",
                "hypothesis: " + HYPOTHESIS);
        for (Run r : runs) {
            table.row(
                    r.replicas(),
                    r.kills(),
                    r.restarts(),
                    r.underChaos().requests(),
                    ExperimentTable.percent(r.underChaos().successRate()),
                    ExperimentTable.ms(r.underChaos().p50Millis()),
                    ExperimentTable.ms(r.underChaos().p99Millis()),
                    r.gatewayRetries(),
                    r.held() ? "held" : "BROKEN");
        }
        return table;
    }
}
