package dev.faultline.sidecar.cli;

import dev.faultline.common.sidecar.Verb;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code iptables [--duration D] loss --probability P | --every N [--protocol] [--source] [--destination] [--src-port] [--dst-port] …}. */
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

    @Command(
            name = Verb.LOSS_WORD,
            description = "Drop incoming (default) or outgoing packets at random or every Nth.",
            mixinStandardHelpOptions = true)
    static final class Loss extends TargetedCommand {
        @ParentCommand
        IptablesCommand ipt;

        @Option(names = "--probability", description = "drop with this probability (0-1]")
        Double probability;

        @Option(names = "--every", description = "drop every Nth packet")
        Integer every;

        @Option(
                names = {"--protocol", "-p"},
                description = "tcp, udp, icmp or all")
        String protocol;

        @Option(
                names = {"--source", "--src", "-s"},
                description = "source address or CIDR")
        String source;

        @Option(
                names = {"--destination", "--dst", "-d"},
                description = "destination address or CIDR")
        String destination;

        @Option(
                names = {"--src-port", "--sport"},
                description = "source port (with --protocol)")
        Integer sport;

        @Option(
                names = {"--dst-port", "--dport"},
                description = "destination port (with --protocol; implies tcp if no protocol)")
        Integer dport;

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

        ExperimentPlan.Effect effect() {
            return new NetworkEffects.IptablesLoss(
                    Durations.required(ipt.duration),
                    egress,
                    protocol,
                    source,
                    destination,
                    sport,
                    dport,
                    probability,
                    every);
        }
    }
}
