package dev.faultline.sidecar.cli;

import dev.faultline.common.sidecar.Verb;
import java.time.Duration;
import java.util.ArrayList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code jvm list TARGETS…}, {@code jvm --duration D fault "<agent spec>" TARGETS…}, {@code jvm clear TARGETS…}:
 * the agent loaded into JVMs in the target containers (no image change, no restart) and controlled by the sidecar.
 */
@Command(
        name = Verb.JVM_WORD,
        description = "Find JVMs in containers, load the Faultline agent into them and arm or clear its faults.",
        mixinStandardHelpOptions = true,
        subcommands = {JvmCommand.ListJvms.class, JvmCommand.Fault.class, JvmCommand.Clear.class})
final class JvmCommand {
    @ParentCommand
    SidecarCli cli;

    @Option(
            names = {"--duration", "-d"},
            converter = SidecarCli.DurationConverter.class,
            description = "how long a fault lasts (e.g. 30s; required by fault): its ttl is no longer")
    Duration duration;

    abstract static class Sub extends TargetedCommand {
        @ParentCommand
        JvmCommand jvm;

        SidecarCli cli() {
            return jvm.cli;
        }

        Verb verb() {
            return Verb.JVM;
        }

        boolean runningOnly() {
            return true;
        }
    }

    @Command(
            name = Verb.LIST_WORD,
            description = "One line per JVM: container, host pid, ns pid, uid, Java version, Faultline loaded, "
                    + "attachable or why not.",
            mixinStandardHelpOptions = true)
    static final class ListJvms extends Sub {
        @Option(names = "--json", description = "one JSON object per line")
        boolean json;

        ExperimentPlan.Effect effect() {
            return new JvmEffects.ListJvms(json, cli().namespaces);
        }
    }

    @Command(
            name = Verb.FAULT_WORD,
            description =
                    "SPEC TARGET…: attach where needed and arm the agent spec (checked first; ttl no longer than --duration) "
                            + "in every JVM of the targets; cleared when the duration ends.",
            mixinStandardHelpOptions = true)
    static final class Fault extends Sub {
        /** The first word after {@code fault}: the agent's spec, quoted as one word; the targets follow it. */
        String spec;

        @Override
        ExperimentPlan plan() {
            if (spec == null) {
                if (targets == null || targets.isEmpty())
                    throw new IllegalArgumentException("jvm fault needs a spec, then targets: e.g. jvm --duration 30s "
                            + "fault \"error on=connect port=5432\" my-service");
                spec = targets.get(0);
                targets = targets.size() > 1 ? new ArrayList<>(targets.subList(1, targets.size())) : null;
            }
            return super.plan();
        }

        ExperimentPlan.Effect effect() {
            return new JvmEffects.Fault(Durations.required(jvm.duration), spec, cli().namespaces);
        }
    }

    @Command(
            name = Verb.CLEAR_WORD,
            description = "Disarm everything Faultline armed in the JVMs of the targets.",
            mixinStandardHelpOptions = true)
    static final class Clear extends Sub {
        ExperimentPlan.Effect effect() {
            return new JvmEffects.Clear(cli().namespaces);
        }
    }
}
