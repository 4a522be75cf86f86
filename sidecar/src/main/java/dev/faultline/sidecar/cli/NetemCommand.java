package dev.faultline.sidecar.cli;

import dev.faultline.common.sidecar.Verb;
import dev.faultline.sidecar.cli.NetworkEffects.PercentEffect;
import dev.faultline.sidecar.network.NetemPreflight;
import dev.faultline.sidecar.network.Ports;
import dev.faultline.sidecar.network.RateSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code netem [--duration D] [--interface eth0] [--target CIDR]… [--egress-port P] [--ingress-port P] [--ingress]
 * delay|loss|loss-state|loss-gemodel|duplicate|corrupt|rate …}.
 */
@Command(
        name = Verb.NETEM_WORD,
        description = "Emulate network conditions inside containers' network namespaces (tc).",
        mixinStandardHelpOptions = true,
        subcommands = {
            NetemCommand.Delay.class,
            NetemCommand.Loss.class,
            NetemCommand.LossState.class,
            NetemCommand.LossGemodel.class,
            NetemCommand.Duplicate.class,
            NetemCommand.Corrupt.class,
            NetemCommand.Rate.class
        })
final class NetemCommand {
    @ParentCommand
    SidecarCli cli;

    @Option(
            names = {"--duration", "-d"},
            converter = SidecarCli.DurationConverter.class,
            description = "how long the change lasts (e.g. 2m; required); then it is reverted")
    Duration duration;

    @Option(
            names = {"--interface", "-i"},
            defaultValue = "eth0",
            description = "network interface in the container (default eth0)")
    String iface;

    @Option(
            names = {"--target", "-t"},
            description = "only traffic to this CIDR (IPv4 or IPv6; repeatable); default all")
    List<String> cidrs = new ArrayList<>();

    @Option(
            names = "--ingress",
            description = "shape incoming traffic (ingress qdisc redirected through an IFB device) instead of outgoing")
    boolean ingress;

    @Option(
            names = "--egress-port",
            paramLabel = "PORTS",
            description = "only packets from these source ports: a port or a comma list (80,443), as Pumba's")
    String egressPorts;

    @Option(
            names = "--ingress-port",
            paramLabel = "PORTS",
            description = "only packets to these destination ports: a port or a comma list (80,443), as Pumba's")
    String ingressPorts;

    @Option(
            names = {"--limit", "-l"},
            paramLabel = "N",
            defaultValue = "0",
            description = "act on at most this many of the matching containers, a random few (0: all)")
    int atMost;

    @Option(
            names = "--tc-image",
            paramLabel = "IMAGE",
            description = "Pumba's helper image: accepted, not needed (no image is pulled)")
    String tcImage;

    @Option(
            names = "--pull-image",
            paramLabel = "BOOL",
            arity = "0..1",
            fallbackValue = "true",
            description = "Pumba's: accepted, not needed (no image is pulled)")
    Boolean pullImage;

    /** An effect's words: the netem verb's flags, then its own; what they make is a {@link NetworkEffects.Netem}. */
    abstract static class Effect extends TargetedCommand {
        @ParentCommand
        NetemCommand netem;

        SidecarCli cli() {
            return netem.cli;
        }

        boolean runningOnly() {
            return true;
        }

        Verb verb() {
            return Verb.NETEM;
        }

        abstract NetworkEffects.Qdisc qdisc();

        @Override
        int atMost() {
            return NetworkEffects.atMost(netem.atMost);
        }

        ExperimentPlan.Effect effect() {
            NetworkEffects.noImageNeeded("--tc-image", netem.tcImage, netem.pullImage);
            return new NetworkEffects.Netem(
                    Durations.required(netem.duration),
                    netem.iface,
                    netem.cidrs,
                    Ports.parse("--egress-port", netem.egressPorts),
                    Ports.parse("--ingress-port", netem.ingressPorts),
                    netem.ingress,
                    qdisc());
        }
    }

    /** The effects that need sch_netem: each may bring the others along in the same qdisc. */
    abstract static class NetemEffect extends Effect {
        @Option(names = "--loss", description = "also drop this percentage of packets (one qdisc)")
        Double alsoLoss;

        @Option(names = "--duplicate", description = "also duplicate this percentage (one qdisc)")
        Double alsoDuplicate;

        @Option(names = "--corrupt", description = "also corrupt this percentage (one qdisc)")
        Double alsoCorrupt;

        NetworkEffects.Also also() {
            return new NetworkEffects.Also(alsoLoss, alsoDuplicate, alsoCorrupt);
        }
    }

    @Command(
            name = Verb.DELAY_WORD,
            description = "Delay packets (needs the kernel's sch_netem).",
            mixinStandardHelpOptions = true)
    static final class Delay extends NetemEffect {
        @Option(
                names = {"--time", "-t"},
                defaultValue = "100",
                description = "delay time in ms (default 100)")
        long time;

        @Option(
                names = {"--jitter", "-j"},
                defaultValue = "0",
                description = "jitter in ms")
        long jitter;

        @Option(
                names = {"--correlation", "-c"},
                description = "delay correlation in percent")
        Double correlation;

        @Option(
                names = {"--distribution", "-f"},
                description = "uniform, normal, pareto or paretonormal")
        String distribution;

        NetworkEffects.Qdisc qdisc() {
            return new NetworkEffects.Delay(time, jitter, correlation, distribution, also());
        }
    }

    /**
     * {@code loss}, {@code duplicate} and {@code corrupt}: one shape. Each command adds only its words: its name,
     * its description and what {@code --percent} does (picocli's help reads them from annotations, one class each).
     */
    abstract static class PercentCommand extends NetemEffect {
        private final PercentEffect effect;
        double percent;

        @Option(
                names = {"--correlation", "-c"},
                description = "${COMMAND-NAME} correlation in percent")
        Double correlation;

        PercentCommand(PercentEffect effect) {
            this.effect = effect;
        }

        NetworkEffects.Qdisc qdisc() {
            return new NetworkEffects.Percentage(effect, percent, correlation, also());
        }
    }

    @Command(
            name = Verb.LOSS_WORD,
            description = "Drop a percentage of packets (needs sch_netem; see also iptables loss).",
            mixinStandardHelpOptions = true)
    static final class Loss extends PercentCommand {
        Loss() {
            super(PercentEffect.LOSS);
        }

        @Option(
                names = {"--percent", "-p"},
                required = true,
                description = "percentage to drop")
        void percent(double p) {
            percent = p;
        }
    }

    @Command(
            name = Verb.LOSS_STATE_WORD,
            description = "Drop packets by netem's 4-state Markov model (needs sch_netem).",
            mixinStandardHelpOptions = true)
    static final class LossState extends Effect {
        @Option(names = "--p13", defaultValue = "0", description = "probability to go from state 1 to state 3")
        double p13;

        @Option(names = "--p31", defaultValue = "100", description = "probability to go from state 3 to state 1")
        double p31;

        @Option(names = "--p32", defaultValue = "0", description = "probability to go from state 3 to state 2")
        double p32;

        @Option(names = "--p23", defaultValue = "100", description = "probability to go from state 2 to state 3")
        double p23;

        @Option(names = "--p14", defaultValue = "0", description = "probability to go from state 1 to state 4")
        double p14;

        NetworkEffects.Qdisc qdisc() {
            return NetworkEffects.LossModel.state(p13, p31, p32, p23, p14);
        }
    }

    @Command(
            name = Verb.LOSS_GEMODEL_WORD,
            description = "Drop packets by the Gilbert-Elliott model (needs sch_netem).",
            mixinStandardHelpOptions = true)
    static final class LossGemodel extends Effect {
        @Option(
                names = {"--pg", "-p"},
                defaultValue = "0",
                description = "transition probability into the bad state")
        double pg;

        @Option(
                names = {"--pb", "-r"},
                defaultValue = "100",
                description = "transition probability into the good state")
        double pb;

        @Option(names = "--one-h", defaultValue = "100", description = "loss probability in the bad state")
        double oneH;

        @Option(names = "--one-k", defaultValue = "0", description = "loss probability in the good state")
        double oneK;

        NetworkEffects.Qdisc qdisc() {
            return NetworkEffects.LossModel.gemodel(pg, pb, oneH, oneK);
        }
    }

    @Command(
            name = Verb.DUPLICATE_WORD,
            description = "Duplicate a percentage of packets (needs sch_netem).",
            mixinStandardHelpOptions = true)
    static final class Duplicate extends PercentCommand {
        Duplicate() {
            super(PercentEffect.DUPLICATE);
        }

        @Option(
                names = {"--percent", "-p"},
                required = true,
                description = "percentage to duplicate")
        void percent(double p) {
            percent = p;
        }
    }

    @Command(
            name = Verb.CORRUPT_WORD,
            description = "Corrupt a percentage of packets (needs sch_netem).",
            mixinStandardHelpOptions = true)
    static final class Corrupt extends PercentCommand {
        Corrupt() {
            super(PercentEffect.CORRUPT);
        }

        @Option(
                names = {"--percent", "-p"},
                required = true,
                description = "percentage to corrupt")
        void percent(double p) {
            percent = p;
        }
    }

    @Command(
            name = Verb.RATE_WORD,
            description = "Limit bandwidth: netem's rate where the kernel has sch_netem, else tbf (works without it).",
            mixinStandardHelpOptions = true)
    static final class Rate extends Effect {
        private static final Logger log = LoggerFactory.getLogger("faultline.netem");

        @Option(
                names = {"--rate", "-r"},
                defaultValue = RateSpec.DEFAULT,
                description = "e.g. 100kbit, 1mbit (default 100kbit, as Pumba's)")
        String rate;

        @Option(
                names = {"--packetoverhead", "-p"},
                defaultValue = "0",
                description = "per packet overhead in bytes (netem's rate only)")
        long packetOverhead;

        @Option(
                names = {"--cellsize", "-s"},
                defaultValue = "0",
                description = "cell size of the simulated link layer (netem's rate only)")
        long cellSize;

        @Option(
                names = {"--celloverhead", "-c"},
                defaultValue = "0",
                description = "per cell overhead in bytes (netem's rate only)")
        long cellOverhead;

        NetworkEffects.Qdisc qdisc() {
            boolean netem = NetemPreflight.proven();
            RateSpec.Overheads overheads = new RateSpec.Overheads(packetOverhead, cellSize, cellOverhead);
            log.info(
                    "netem rate {} shaped with {}",
                    rate,
                    netem
                            ? "netem's rate (sch_netem present)"
                            : "tbf (no sch_netem known in this kernel)"
                                    + (overheads.none()
                                            ? ""
                                            : "; tbf has no overheads: " + overheads + " not applied"));
            return new NetworkEffects.Rate(rate, netem, overheads);
        }
    }
}
