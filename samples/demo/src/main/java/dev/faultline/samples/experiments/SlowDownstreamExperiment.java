package dev.faultline.samples.experiments;

import dev.faultline.samples.control.AgentControl;
import dev.faultline.samples.fleet.Fleet;
import dev.faultline.samples.fleet.Replica;
import dev.faultline.samples.gateway.RoundRobinGateway;
import dev.faultline.samples.load.LoadGenerator;
import dev.faultline.samples.load.LoadReport;
import dev.faultline.samples.report.ExperimentTable;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * In-process faults through JMX on the replicas' calls to their shared downstream, with a
 * {@link RoundRobinGateway} in front of two replicas: which faults its timeout and one retry absorb
 * (success stays, latency may not) and which get through to the callers.
 */
public final class SlowDownstreamExperiment {

    /** Which replicas a phase arms its fault on. */
    public enum Target {
        NONE,
        FIRST,
        ALL
    }

    /** One step: a fault (a spec with {@code %d} for the downstream port) armed on some replicas, or none. */
    public record Phase(String name, String spec, Target target, boolean clears, String why) {}

    /** What one phase measured. */
    /** What one phase measured; {@code cleared} is what {@code clear()} returned before it (0 if not called). */
    public record Outcome(
            Phase phase,
            String spec,
            LoadReport load,
            long gatewayRetries,
            long gatewayTimeouts,
            long injected,
            boolean armedDuring,
            int cleared) {}

    public static final Duration GATEWAY_TIMEOUT = Duration.ofMillis(250);
    /** Added to every downstream connect in the second phase: well under the gateway's timeout. */
    public static final int SMALL_DELAY_MS = 100;
    /** Added on one replica in the third phase: well over the gateway's timeout. */
    public static final int LARGE_DELAY_MS = 1_000;
    /** Chance that a downstream connect fails on each replica in the fifth phase. */
    public static final double CONNECT_ERROR_PROBABILITY = 0.5;

    public static List<Phase> phases() {
        return List.of(
                new Phase("before", null, Target.NONE, false, "no fault: the steady state"),
                new Phase(
                        "latency, all replicas",
                        "latency on=connect port=%d delay=" + SMALL_DELAY_MS + "ms",
                        Target.ALL,
                        false,
                        "under the gateway timeout: every call pays it"),
                new Phase(
                        "latency, replica-1",
                        "latency on=connect port=%d delay=" + LARGE_DELAY_MS + "ms",
                        Target.FIRST,
                        false,
                        "over the timeout: the gateway gives up and retries on replica-2"),
                new Phase(
                        "error on read, replica-1",
                        "error on=read port=%d",
                        Target.FIRST,
                        false,
                        "replica-1 answers 502, the retry on replica-2 succeeds"),
                new Phase(
                        "connect errors, all replicas",
                        "error on=connect port=%d probability=" + CONNECT_ERROR_PROBABILITY,
                        Target.ALL,
                        false,
                        "a request fails only if both tries fail: 1 in 4"),
                new Phase("after clear()", null, Target.NONE, true, "kill switch pulled: back to the steady state"));
    }

    private final Fleet fleet;
    private final int rate;
    private final Duration perPhase;
    private final PrintStream log;

    public SlowDownstreamExperiment(Fleet fleet, int ratePerSecond, Duration perPhase, PrintStream log) {
        if (fleet.replicas().size() < 2) {
            throw new IllegalArgumentException("the retry needs another replica: give the experiment at least 2");
        }
        this.fleet = fleet;
        this.rate = ratePerSecond;
        this.perPhase = perPhase;
        this.log = log;
    }

    public List<Outcome> run() throws IOException {
        List<AgentControl> agents = new ArrayList<>();
        List<URI> uris = fleet.replicas().stream().map(Replica::http).toList();
        try (RoundRobinGateway gateway = new RoundRobinGateway(uris, GATEWAY_TIMEOUT);
                LoadGenerator load = new LoadGenerator(
                        URI.create(gateway.uri() + "/hello?name=faultline"), rate, Duration.ofSeconds(3))) {
            for (Replica r : fleet.replicas()) {
                agents.add(AgentControl.connect(
                        fleet.jmxHost(), r.jmxPort(), fleet.jmxCredentials(), Duration.ofSeconds(30)));
            }
            log.printf(
                    "agent %s on %d replicas, JMX %s; gateway %s (timeout %d ms, 1 retry)%n",
                    agents.get(0).version(),
                    agents.size(),
                    AgentControl.serviceUrl(
                            fleet.jmxHost(), fleet.replicas().get(0).jmxPort()),
                    gateway.uri(),
                    GATEWAY_TIMEOUT.toMillis());
            load.run(Duration.ofSeconds(3)); // warm-up: class loading, JIT and first connections, not measured
            List<Outcome> outcomes = new ArrayList<>();
            Runnable disarmPrevious = () -> {};
            for (Phase phase : phases()) {
                int cleared = 0;
                if (phase.clears()) {
                    // The last fault is still armed: the kill switch, clear(), takes it off every replica at once.
                    for (AgentControl a : agents) {
                        cleared += a.clear();
                    }
                    log.printf("clear(): %d faults disarmed%n", cleared);
                } else {
                    disarmPrevious.run(); // remove(id): one fault at a time
                }
                List<String> ids = new ArrayList<>();
                List<AgentControl> armedOn = armedOn(phase, agents);
                outcomes.add(runPhase(phase, armedOn, ids, agents, gateway, load, cleared));
                disarmPrevious = () -> {
                    for (int i = 0; i < ids.size(); i++) {
                        armedOn.get(i).remove(ids.get(i));
                    }
                };
            }
            return outcomes;
        } finally {
            for (AgentControl a : agents) {
                try {
                    a.clear();
                } catch (RuntimeException ignored) {
                    // the replica may be gone; its faults went with it
                }
                a.close();
            }
        }
    }

    private static List<AgentControl> armedOn(Phase phase, List<AgentControl> agents) {
        return switch (phase.target()) {
            case NONE -> List.of();
            case FIRST -> agents.subList(0, 1);
            case ALL -> agents;
        };
    }

    private Outcome runPhase(
            Phase phase,
            List<AgentControl> armedOn,
            List<String> ids,
            List<AgentControl> agents,
            RoundRobinGateway gateway,
            LoadGenerator load,
            int cleared) {
        String spec = phase.spec() == null ? null : String.format(phase.spec(), fleet.downstreamPort());
        for (AgentControl a : armedOn) {
            ids.add(a.add(spec));
        }
        long injectedBefore = injected(agents);
        long retriesBefore = gateway.retries();
        long timeoutsBefore = gateway.timeouts();
        boolean armed = agents.stream().anyMatch(AgentControl::armed);
        if (spec != null) {
            log.printf("armed on %s: %s%n", phase.target() == Target.ALL ? "all replicas" : "replica-1", spec);
        }
        LoadReport report = load.run(perPhase);
        Outcome outcome = new Outcome(
                phase,
                spec,
                report,
                gateway.retries() - retriesBefore,
                gateway.timeouts() - timeoutsBefore,
                injected(agents) - injectedBefore,
                armed,
                cleared);
        log.printf("%-28s %s; gateway retries %d%n", phase.name(), report, outcome.gatewayRetries());
        return outcome;
    }

    private static long injected(List<AgentControl> agents) {
        return agents.stream().mapToLong(AgentControl::injectedTotal).sum();
    }

    public static ExperimentTable table(List<Outcome> outcomes) {
        ExperimentTable table = new ExperimentTable(
                "slow-downstream: in-process faults on the replicas' downstream calls, gateway timeout "
                        + GATEWAY_TIMEOUT.toMillis() + " ms + 1 retry",
                "phase",
                "fault (armed through JMX)",
                "on",
                "requests",
                "success",
                "p50 ms",
                "p99 ms",
                "gateway retries",
                "injected",
                SteadyStateHypothesis.NINETY_NINE_PERCENT.toString());
        for (Outcome o : outcomes) {
            table.row(
                    o.phase().name(),
                    o.spec() == null ? (o.phase().clears() ? "clear()" : "-") : o.spec(),
                    switch (o.phase().target()) {
                        case NONE -> "-";
                        case FIRST -> "replica-1";
                        case ALL -> "all";
                    },
                    o.load().requests(),
                    ExperimentTable.percent(o.load().successRate()),
                    ExperimentTable.ms(o.load().p50Millis()),
                    ExperimentTable.ms(o.load().p99Millis()),
                    o.gatewayRetries(),
                    o.injected(),
                    SteadyStateHypothesis.NINETY_NINE_PERCENT.heldBy(o.load()) ? "held" : "BROKEN");
        }
        return table;
    }
}
