package dev.faultline.cli.command;

import dev.faultline.cli.fleet.Call;
import dev.faultline.cli.fleet.Target;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code faultline agent add|remove|list|clear --jmx HOST:PORT …}: the agent's MBean (design §2) on every target given. */
@Command(
        name = "agent",
        description = "Arm, disarm and list faults on agents (dev.faultline:type=Agent).",
        mixinStandardHelpOptions = true,
        subcommands = {
            AgentCommand.Add.class,
            AgentCommand.Remove.class,
            AgentCommand.ListFaults.class,
            AgentCommand.Clear.class
        })
public final class AgentCommand {
    /** The targets and how to reach them, and the one call to make on each. */
    abstract static class OnAgents extends OnTargets {
        @Option(
                names = "--jmx",
                paramLabel = "HOST:PORT",
                description = "an agent's JMX port; repeatable: the same call on each, in parallel")
        List<String> jmx;

        @Option(
                names = "--docker-label",
                paramLabel = "KEY=VALUE",
                description =
                        "the running containers carrying this label (repeatable: all of them) are targets, "
                                + "each at its published JMX port (label dev.faultline.jmx.port=<container port>, or its only published TCP port)")
        List<String> dockerLabels;

        List<String> jmx() {
            return jmx;
        }

        List<String> dockerLabels() {
            return dockerLabels;
        }

        Target.Kind kind() {
            return Target.Kind.AGENT;
        }
    }

    @Command(
            name = "add",
            description = "Arm a fault: add(spec), e.g. 'latency on=connect port=5432 delay=300ms ttl=5m'.",
            mixinStandardHelpOptions = true)
    static final class Add extends OnAgents {
        @Parameters(arity = "1..*", paramLabel = "SPEC", description = "the fault spec (words may be given separately)")
        List<String> words;

        @Override
        Call operation() {
            return Call.of("add", String.join(" ", words));
        }
    }

    @Command(name = "remove", description = "Disarm one fault: remove(id).", mixinStandardHelpOptions = true)
    static final class Remove extends OnAgents {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        Call operation() {
            return Call.of("remove", id);
        }
    }

    @Command(name = "list", description = "The armed faults: list().", mixinStandardHelpOptions = true)
    static final class ListFaults extends OnAgents {
        @Override
        Call operation() {
            return Call.of("list");
        }
    }

    @Command(name = "clear", description = "Disarm every fault: clear().", mixinStandardHelpOptions = true)
    static final class Clear extends OnAgents {
        @Override
        Call operation() {
            return Call.of("clear");
        }
    }
}
