package dev.faultline.sidecar.cli;

import dev.faultline.common.sidecar.Verb;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code iptables [--duration D] [filters] loss [--mode random|nth] --probability P | --every N [--packet K] [filters]}.
 * The filters are Pumba's on {@code iptables} and the sidecar's on {@code loss}: both placements are read; a filter
 * given on {@code loss} wins.
 */
@Command(
        name = Verb.IPTABLES_WORD,
        description = "Drop packets with iptables inside containers' network namespaces (no sch_netem needed).",
        mixinStandardHelpOptions = true,
        subcommands = IptablesCommand.Loss.class)
final class IptablesCommand {
    @ParentCommand
    SidecarCli cli;

    @Option(
            names = {"--duration", "-d"},
            converter = SidecarCli.DurationConverter.class,
            description = "how long the rule lasts (e.g. 2m; required)")
    Duration duration;

    @Option(
            names = {"--interface", "-i"},
            description = "only packets on this interface (default: every interface)")
    String iface;

    @Option(
            names = {"--protocol", "-p"},
            description = "any (the default), tcp, udp or icmp")
    String protocol;

    @Option(
            names = {"--source", "--src", "-s"},
            description = "source IP or CIDR (repeatable)")
    List<String> sources = new ArrayList<>();

    @Option(
            names = {"--destination", "--dest"},
            description = "destination IP or CIDR (repeatable)")
    List<String> destinations = new ArrayList<>();

    @Option(
            names = {"--src-port", "--sport"},
            description = "source port, or ports: 80,443 (tcp or udp)")
    String sport;

    @Option(
            names = {"--dst-port", "--dport"},
            description = "destination port, or ports: 80,443 (tcp or udp; tcp if no protocol)")
    String dport;

    @Option(
            names = {"--limit", "-l"},
            paramLabel = "N",
            defaultValue = "0",
            description = "act on at most this many of the matching containers, a random few (0: all)")
    int atMost;

    @Option(
            names = "--iptables-image",
            paramLabel = "IMAGE",
            description = "Pumba's helper image: accepted, not needed (no image is pulled)")
    String iptablesImage;

    @Option(
            names = "--pull-image",
            paramLabel = "BOOL",
            arity = "0..1",
            fallbackValue = "true",
            description = "Pumba's: accepted, not needed (no image is pulled)")
    Boolean pullImage;

    @Command(
            name = Verb.LOSS_WORD,
            description = "Drop incoming (default) or outgoing packets at random or every Nth.",
            mixinStandardHelpOptions = true)
    static final class Loss extends TargetedCommand {
        @ParentCommand
        IptablesCommand ipt;

        @Option(
                names = "--mode",
                description = "random (with --probability) or nth (with --every); default: as the value given")
        String mode;

        @Option(names = "--probability", description = "drop with this probability (0-1]")
        Double probability;

        @Option(names = "--every", description = "drop every Nth packet")
        Integer every;

        @Option(names = "--packet", description = "nth mode: the counter's start, 0 to every-1 (default 0)")
        Integer packet;

        @Option(
                names = {"--protocol", "-p"},
                description = "tcp, udp, icmp or all")
        String protocol;

        @Option(
                names = {"--source", "--src", "-s"},
                description = "source address or CIDR")
        String source;

        @Option(
                names = {"--destination", "--dst", "--dest", "-d"},
                description = "destination address or CIDR")
        String destination;

        @Option(
                names = {"--src-port", "--sport"},
                description = "source port, or ports: 80,443 (with --protocol)")
        String sport;

        @Option(
                names = {"--dst-port", "--dport"},
                description = "destination port, or ports: 80,443 (with --protocol; implies tcp if no protocol)")
        String dport;

        @Option(names = "--egress", description = "drop outgoing packets (OUTPUT chain) instead of incoming (INPUT)")
        boolean egress;

        SidecarCli cli() {
            return ipt.cli;
        }

        Verb verb() {
            return Verb.IPTABLES;
        }

        boolean runningOnly() {
            return true;
        }

        @Override
        int atMost() {
            return NetworkEffects.atMost(ipt.atMost);
        }

        ExperimentPlan.Effect effect() {
            NetworkEffects.noImageNeeded("--iptables-image", ipt.iptablesImage, ipt.pullImage);
            Duration d = Durations.required(ipt.duration);
            if (mode != null) {
                switch (mode) {
                    case "random" -> {
                        if (probability == null)
                            throw new IllegalArgumentException("--mode random needs --probability");
                        if (every != null || packet != null)
                            throw new IllegalArgumentException("--every and --packet are for --mode nth");
                    }
                    case "nth" -> {
                        if (every == null) throw new IllegalArgumentException("--mode nth needs --every N (required)");
                        if (probability != null)
                            throw new IllegalArgumentException("--probability is for --mode random");
                    }
                    default ->
                        throw new IllegalArgumentException(
                                "invalid loss mode: must be either random or nth (--mode " + mode + ")");
                }
            }
            return new NetworkEffects.IptablesLoss(
                    d,
                    egress,
                    ipt.iface,
                    protocol != null ? protocol : ipt.protocol,
                    source != null ? source : joined(ipt.sources),
                    destination != null ? destination : joined(ipt.destinations),
                    sport != null ? sport : ipt.sport,
                    dport != null ? dport : ipt.dport,
                    probability,
                    every,
                    packet == null ? 0 : packet);
        }

        /** Pumba's repeated --source/--destination: iptables takes them comma-separated, one rule each. */
        private static String joined(List<String> values) {
            return values.isEmpty() ? null : String.join(",", values);
        }
    }
}
