package dev.faultline.sidecar.cli;

import dev.faultline.common.sidecar.Verb;
import dev.faultline.sidecar.experiment.Experiment;
import dev.faultline.sidecar.network.NetemSpec;
import dev.faultline.sidecar.network.RateSpec;
import dev.faultline.sidecar.network.TcPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code netem [--duration D] [--interface eth0] [--target CIDR]… [--ingress] delay|loss|duplicate|corrupt|rate …}. */
@Command(name = "netem", description = "Emulate network conditions inside containers' network namespaces (tc).", mixinStandardHelpOptions = true,
        subcommands = {NetemCommand.Delay.class, NetemCommand.Loss.class, NetemCommand.Duplicate.class, NetemCommand.Corrupt.class, NetemCommand.Rate.class})
final class NetemCommand {
    @ParentCommand SidecarCli cli;

    @Option(names = {"--duration", "-d"}, required = true, converter = SidecarCli.DurationConverter.class, description = "how long the change lasts (e.g. 2m); then it is reverted")
    Duration duration;

    @Option(names = {"--interface", "-i"}, defaultValue = "eth0", description = "network interface in the container (default eth0)")
    String iface;

    @Option(names = {"--target", "-t"}, description = "only traffic to this CIDR (IPv4 or IPv6; repeatable); default all")
    List<String> cidrs = new ArrayList<>();

    @Option(names = "--ingress", description = "shape incoming traffic (ingress qdisc redirected through an IFB device) instead of outgoing")
    boolean ingress;

    void validate() {
        if (!iface.matches("[A-Za-z0-9_.-]{1,15}")) throw new IllegalArgumentException("--interface " + iface + ": not an interface name");
        cidrs.forEach(c -> dev.faultline.sidecar.network.Cidr.check("--target", c));
    }

    /**
     * Nothing we are about to add may exist yet, so a failed or finished change can revert all of its pieces
     * without touching the target's own: egress needs the kernel's default root (handle 0:; a target's own root
     * qdisc, or another Faultline change, is refused), ingress needs no ingress qdisc and no IFB device yet.
     */
    List<List<String>> precheck() {
        List<List<String>> checks = new ArrayList<>();
        // constant scripts; the interface and the device are arguments ($1, $2), never parsed by the shell
        checks.add(List.of("sh", "-c", "ip link show dev \"$1\" >/dev/null 2>&1 || { echo \"no interface $1 in the target network namespace (see --interface)\"; exit 1; }",
                "precheck", iface));
        if (ingress) {
            checks.add(List.of("sh", "-c", "! tc qdisc show dev \"$1\" | grep -q 'qdisc ingress ffff:' || { echo \"$1 already has an ingress qdisc "
                    + "(the target own, or another Faultline change); the sidecar never replaces it\"; exit 1; }", "precheck", iface));
            checks.add(List.of("sh", "-c", "! ip link show dev \"$1\" >/dev/null 2>&1 || { echo \"another Faultline ingress change is active here "
                    + "($1 exists); stop it first\"; exit 1; }", "precheck", TcPlan.IFB));
        } else {
            checks.add(List.of("sh", "-c", "tc qdisc show dev \"$1\" root | grep -Eq ' 0: ' || { tc qdisc show dev \"$1\" root; echo \"the root qdisc on $1 "
                    + "is not the kernel default (the target own, or another Faultline change: handle fa17:); the sidecar never replaces it\"; exit 1; }",
                    "precheck", iface));
        }
        return checks;
    }

    abstract static class Effect extends TargetedCommand.Shaping {
        @ParentCommand NetemCommand netem;

        SidecarCli cli() { return netem.cli; }
        boolean runningOnly() { return true; }
        String verb() { return Verb.NETEM.word(); }

        abstract List<String> qdisc();

        String describe() {
            return "netem --duration " + netem.duration.toMillis() + "ms --interface " + netem.iface
                    + (netem.ingress ? " --ingress" : "") + netem.cidrs.stream().map(c -> " --target " + c).reduce("", String::concat)
                    + " " + String.join(" ", qdisc());
        }

        Experiment.Action action(Runner c) {
            netem.validate();
            List<String> q = qdisc();
            return NetworkShaping.action(cli(), netem.duration, (id, ns) -> TcPlan.of(netem.iface, q, netem.cidrs, netem.ingress,
                    TcPlan.txQueueLen(ns.run(List.of("ip", "-o", "link", "show", "dev", netem.iface)).output())).plan(), netem.precheck());
        }
    }

    abstract static class NetemEffect extends Effect {
        /** Refused up front on a kernel without sch_netem: nothing journalled, nothing applied. */
        @Override
        Experiment.Action action(Runner c) {
            dev.faultline.sidecar.network.NetemPreflight.require();
            return super.action(c);
        }

        @Option(names = "--loss", description = "also drop this percentage of packets (one qdisc)") Double alsoLoss;
        @Option(names = "--duplicate", description = "also duplicate this percentage (one qdisc)") Double alsoDuplicate;
        @Option(names = "--corrupt", description = "also corrupt this percentage (one qdisc)") Double alsoCorrupt;

        abstract NetemSpec spec();

        List<String> qdisc() {
            NetemSpec s = spec();
            if (alsoLoss != null) s = s.and(NetemSpec.loss(alsoLoss, null));
            if (alsoDuplicate != null) s = s.and(NetemSpec.duplicate(alsoDuplicate, null));
            if (alsoCorrupt != null) s = s.and(NetemSpec.corrupt(alsoCorrupt, null));
            List<String> q = new ArrayList<>(List.of("netem"));
            q.addAll(s.args());
            return q;
        }
    }

    @Command(name = "delay", description = "Delay packets (needs the kernel's sch_netem).", mixinStandardHelpOptions = true)
    static final class Delay extends NetemEffect {
        @Option(names = {"--time", "-t"}, defaultValue = "100", description = "delay in ms (default 100)") long time;
        @Option(names = {"--jitter", "-j"}, defaultValue = "0", description = "jitter in ms") long jitter;
        @Option(names = {"--correlation", "-c"}, description = "delay correlation in percent") Double correlation;
        @Option(names = {"--distribution", "-f"}, description = "uniform, normal, pareto or paretonormal") String distribution;

        NetemSpec spec() {
            if (time < 0 || jitter < 0) throw new IllegalArgumentException("--time and --jitter must not be negative");
            return NetemSpec.delay(Duration.ofMillis(time), jitter == 0 ? null : Duration.ofMillis(jitter), correlation, distribution);
        }
    }

    @Command(name = "loss", description = "Drop a percentage of packets (needs sch_netem; see also iptables loss).", mixinStandardHelpOptions = true)
    static final class Loss extends NetemEffect {
        @Option(names = {"--percent", "-p"}, required = true, description = "percentage to drop") double percent;
        @Option(names = {"--correlation", "-c"}, description = "loss correlation in percent") Double correlation;

        NetemSpec spec() { return NetemSpec.loss(percent, correlation); }
    }

    @Command(name = "duplicate", description = "Duplicate a percentage of packets (needs sch_netem).", mixinStandardHelpOptions = true)
    static final class Duplicate extends NetemEffect {
        @Option(names = {"--percent", "-p"}, required = true, description = "percentage to duplicate") double percent;
        @Option(names = {"--correlation", "-c"}, description = "duplicate correlation in percent") Double correlation;

        NetemSpec spec() { return NetemSpec.duplicate(percent, correlation); }
    }

    @Command(name = "corrupt", description = "Corrupt a percentage of packets (needs sch_netem).", mixinStandardHelpOptions = true)
    static final class Corrupt extends NetemEffect {
        @Option(names = {"--percent", "-p"}, required = true, description = "percentage to corrupt") double percent;
        @Option(names = {"--correlation", "-c"}, description = "corrupt correlation in percent") Double correlation;

        NetemSpec spec() { return NetemSpec.corrupt(percent, correlation); }
    }

    @Command(name = "rate", description = "Limit bandwidth (tbf: works without sch_netem).", mixinStandardHelpOptions = true)
    static final class Rate extends Effect {
        @Option(names = {"--rate", "-r"}, required = true, description = "e.g. 100kbit, 1mbit") String rate;

        List<String> qdisc() { return RateSpec.of(rate).args(); }
    }

}
