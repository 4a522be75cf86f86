package dev.faultline.sidecar.cli;

import dev.faultline.common.sidecar.Verb;
import dev.faultline.sidecar.experiment.Experiment;
import dev.faultline.sidecar.network.Cidr;
import dev.faultline.sidecar.network.IptablesRule;
import dev.faultline.sidecar.network.NetemPreflight;
import dev.faultline.sidecar.network.NetemSpec;
import dev.faultline.sidecar.network.RateSpec;
import dev.faultline.sidecar.network.TcPlan;
import dev.faultline.sidecar.runtime.ContainerRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What netem and iptables change in a target's network namespace, as values of their flags: the qdisc tc adds, or
 * the rule iptables inserts, for a duration. As for {@link ContainerEffects}, a flag is checked where picocli's
 * verbs always checked it: the qdisc's or the rule's values when the effect is described, the rest when it acts.
 */
final class NetworkEffects {
    private NetworkEffects() {}

    private static final Logger log = LoggerFactory.getLogger("faultline.netem");

    /** Pumba's per-verb {@code --limit}, checked. */
    static int atMost(int n) {
        if (n < 0) throw new IllegalArgumentException("--limit must not be negative, got " + n);
        return n;
    }

    /**
     * Pumba's helper-image words ({@code --tc-image}, {@code --iptables-image}, {@code --pull-image}): accepted, and
     * said to be unneeded: tc and iptables run from the sidecar itself (nsenter, or its own image), nothing is pulled.
     */
    static void noImageNeeded(String flag, String image, Boolean pull) {
        if (image == null && pull == null) return;
        log.info(
                "{}{}{}: not needed, tc and iptables run from the sidecar itself; no image is pulled",
                image == null ? "" : flag + " " + image,
                image != null && pull != null ? " " : "",
                pull == null ? "" : "--pull-image=" + pull);
    }

    /**
     * {@code netem}: one qdisc on {@code iface}, on outgoing traffic or (with {@code ingress}) incoming traffic
     * redirected through an IFB device; for all traffic, or only to (from) the {@code targets} CIDRs.
     */
    record Netem(
            Duration duration,
            String iface,
            List<String> targets,
            List<Integer> sourcePorts,
            List<Integer> destinationPorts,
            boolean ingress,
            Qdisc qdisc)
            implements ExperimentPlan.Effect {
        Netem {
            targets = List.copyOf(targets);
            sourcePorts = List.copyOf(sourcePorts);
            destinationPorts = List.copyOf(destinationPorts);
        }

        Netem(Duration duration, String iface, List<String> targets, boolean ingress, Qdisc qdisc) {
            this(duration, iface, targets, List.of(), List.of(), ingress, qdisc);
        }

        public String describe() {
            return Verb.NETEM.word() + " --duration " + duration.toMillis() + "ms --interface " + iface
                    + (ingress ? " --ingress" : "")
                    + targets.stream().map(c -> " --target " + c).reduce("", String::concat)
                    + ports(" --egress-port ", sourcePorts)
                    + ports(" --ingress-port ", destinationPorts)
                    + " " + String.join(" ", qdisc.args());
        }

        private static String ports(String flag, List<Integer> ports) {
            if (ports.isEmpty()) return "";
            return flag + String.join(",", ports.stream().map(String::valueOf).toList());
        }

        public Experiment.Action action(Runner runner, Supplier<ContainerRuntime> runtime, boolean pod) {
            // refused up front on a kernel without sch_netem: nothing journalled, nothing applied
            if (qdisc.needsNetem()) NetemPreflight.require();
            if (!iface.matches("[A-Za-z0-9_.-]{1,15}")) {
                throw new IllegalArgumentException("--interface " + iface + ": not an interface name");
            }
            targets.forEach(c -> Cidr.check("--target", c));
            List<String> q = qdisc.args();
            return NetworkShaping.action(
                    runner,
                    runtime,
                    duration,
                    (id, ns) -> TcPlan.of(
                                    iface,
                                    q,
                                    new TcPlan.Filters(targets, sourcePorts, destinationPorts),
                                    ingress,
                                    TcPlan.txQueueLen(ns.run(List.of("ip", "-o", "link", "show", "dev", iface))
                                            .output()))
                            .plan(),
                    precheck());
        }

        /**
         * Nothing we are about to add may exist yet, so a failed or finished change can revert all of its pieces
         * without touching the target's own: egress needs the kernel's default root (handle 0:; a target's own root
         * qdisc, or another Faultline change, is refused), ingress needs no ingress qdisc and no IFB device yet.
         */
        List<List<String>> precheck() {
            List<List<String>> checks = new ArrayList<>();
            // constant scripts; the interface and the device are arguments ($1, $2), never parsed by the shell
            checks.add(List.of(
                    "sh",
                    "-c",
                    "ip link show dev \"$1\" >/dev/null 2>&1 || "
                            + "{ echo \"no interface $1 in the target network namespace (see --interface)\"; exit 1; }",
                    "precheck",
                    iface));
            if (ingress) {
                checks.add(List.of(
                        "sh",
                        "-c",
                        "! tc qdisc show dev \"$1\" | grep -q 'qdisc ingress ffff:' || "
                                + "{ echo \"$1 already has an ingress qdisc "
                                + "(the target own, or another Faultline change); the sidecar never replaces it\"; exit 1; }",
                        "precheck",
                        iface));
                checks.add(List.of(
                        "sh",
                        "-c",
                        "! ip link show dev \"$1\" >/dev/null 2>&1 || "
                                + "{ echo \"another Faultline ingress change is active here "
                                + "($1 exists); stop it first\"; exit 1; }",
                        "precheck",
                        TcPlan.IFB));
            } else {
                checks.add(List.of(
                        "sh",
                        "-c",
                        "tc qdisc show dev \"$1\" root | grep -Eq ' 0: ' || "
                                + "{ tc qdisc show dev \"$1\" root; echo \"the root qdisc on $1 is not the kernel default "
                                + "(the target own, or another Faultline change: handle fa17:); "
                                + "the sidecar never replaces it\"; exit 1; }",
                        "precheck",
                        iface));
            }
            return checks;
        }
    }

    /** The qdisc netem adds, as tc's words: built, and so checked, each time they are asked for. */
    sealed interface Qdisc permits NetemQdisc, LossModel, Rate {
        List<String> args();

        /** Whether it needs the kernel's sch_netem (rate's tbf does not). */
        boolean needsNetem();
    }

    /** A netem qdisc: one effect, with the others given alongside ({@code --loss} …) in the same qdisc. */
    sealed interface NetemQdisc extends Qdisc permits Delay, Percentage {
        NetemSpec spec();

        Also also();

        default List<String> args() {
            NetemSpec s = spec();
            if (also().loss() != null) s = s.and(NetemSpec.loss(also().loss(), null));
            if (also().duplicate() != null) s = s.and(NetemSpec.duplicate(also().duplicate(), null));
            if (also().corrupt() != null) s = s.and(NetemSpec.corrupt(also().corrupt(), null));
            List<String> q = new ArrayList<>(List.of("netem"));
            q.addAll(s.args());
            return q;
        }

        default boolean needsNetem() {
            return true;
        }
    }

    /** {@code --loss}, {@code --duplicate}, {@code --corrupt} given with another netem effect; null when not. */
    record Also(Double loss, Double duplicate, Double corrupt) {}

    /** {@code delay}: milliseconds as given; a jitter of 0 is none. */
    record Delay(long time, long jitter, Double correlation, String distribution, Also also) implements NetemQdisc {
        public NetemSpec spec() {
            if (time < 0 || jitter < 0) throw new IllegalArgumentException("--time and --jitter must not be negative");
            Duration j = jitter == 0 ? null : Duration.ofMillis(jitter);
            return NetemSpec.delay(Duration.ofMillis(time), j, correlation, distribution);
        }
    }

    /** The netem effects that act on a percentage of packets, each with its own correlation. */
    enum PercentEffect {
        LOSS(NetemSpec::loss),
        DUPLICATE(NetemSpec::duplicate),
        CORRUPT(NetemSpec::corrupt);

        private final BiFunction<Double, Double, NetemSpec> spec;

        PercentEffect(BiFunction<Double, Double, NetemSpec> spec) {
            this.spec = spec;
        }
    }

    /** {@code loss}, {@code duplicate}, {@code corrupt}: one shape, told apart by {@code effect}. */
    record Percentage(PercentEffect effect, double percent, Double correlation, Also also) implements NetemQdisc {
        public NetemSpec spec() {
            return effect.spec.apply(percent, correlation);
        }
    }

    /**
     * {@code loss-state} and {@code loss-gemodel}: netem's loss models, as Pumba writes them ({@code loss state p13
     * p31 p32 p23 p14}, {@code loss gemodel p r 1-h 1-k}), each a percentage.
     */
    record LossModel(String model, List<String> flags, List<Double> percents) implements Qdisc {
        LossModel {
            flags = List.copyOf(flags);
            percents = List.copyOf(percents);
        }

        static LossModel state(double p13, double p31, double p32, double p23, double p14) {
            return new LossModel(
                    "state", List.of("--p13", "--p31", "--p32", "--p23", "--p14"), List.of(p13, p31, p32, p23, p14));
        }

        static LossModel gemodel(double pg, double pb, double oneH, double oneK) {
            return new LossModel("gemodel", List.of("--pg", "--pb", "--one-h", "--one-k"), List.of(pg, pb, oneH, oneK));
        }

        public List<String> args() {
            List<String> a = new ArrayList<>(List.of("netem", "loss", model));
            for (int i = 0; i < percents.size(); i++) {
                double p = percents.get(i);
                if (p < 0 || p > 100)
                    throw new IllegalArgumentException(flags.get(i) + " " + p + ": a percentage is 0-100");
                a.add(String.format(Locale.ROOT, "%.2f%%", p));
            }
            return a;
        }

        public boolean needsNetem() {
            return true;
        }
    }

    /** {@code rate}: shaped with netem's own rate and overheads (sch_netem present), else with tbf. */
    record Rate(String rate, boolean netem, RateSpec.Overheads overheads) implements Qdisc {
        Rate(String rate, boolean netem) {
            this(rate, netem, RateSpec.Overheads.NONE);
        }

        public List<String> args() {
            return RateSpec.of(rate, netem, overheads).args();
        }

        public boolean needsNetem() {
            return false;
        }
    }

    /**
     * {@code iptables loss}: a DROP rule in INPUT (or OUTPUT with {@code egress}) for a probability or every Nth
     * packet; a port alone implies tcp.
     */
    /**
     * {@code iptables … loss}: its filters as given on {@code iptables} (Pumba's placement) or on {@code loss} (the
     * sidecar's; the loss word wins where both are given); ports one or Pumba's comma list; protocol {@code any} is
     * none.
     */
    record IptablesLoss(
            Duration duration,
            boolean egress,
            String iface,
            String protocol,
            String source,
            String destination,
            String sourcePorts,
            String destinationPorts,
            Double probability,
            Integer every,
            int packet)
            implements ExperimentPlan.Effect {
        /** The rule, checked: each change adds it tagged with its own id. */
        IptablesRule rule() {
            boolean port = sourcePorts != null || destinationPorts != null;
            String given = "any".equals(protocol) ? null : protocol;
            String proto = given == null && port ? "tcp" : given;
            return new IptablesRule(
                    egress ? "OUTPUT" : "INPUT",
                    iface,
                    proto,
                    source,
                    destination,
                    sourcePorts,
                    destinationPorts,
                    probability,
                    every,
                    packet);
        }

        public String describe() {
            return Verb.IPTABLES.word() + " --duration " + duration.toMillis() + "ms " + Verb.LOSS_WORD + " "
                    + String.join(" ", rule().match());
        }

        public Experiment.Action action(Runner runner, Supplier<ContainerRuntime> runtime, boolean pod) {
            IptablesRule rule = rule(); // refuse bad flags before anything runs
            return NetworkShaping.action(runner, runtime, duration, (id, ns) -> rule.plan(id), List.of());
        }
    }
}
