package dev.faultline.cli.command;

import dev.faultline.cli.docker.DockerTargets;
import dev.faultline.cli.fleet.Causes;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The root command: agents, sidecars, the fleet-wide stop and local JVMs; {@code experiment} joins it as a further
 * subcommand (Main), since an experiment runs these commands and this package must not import it back.
 */
@Command(
        name = "faultline",
        mixinStandardHelpOptions = true,
        versionProvider = FaultlineCli.Version.class,
        description =
                "Faultline's operator command line: agents and sidecars over their JMX control plane, and Chaos Toolkit experiment files.",
        footer = {
            "",
            "Exit codes: 0 every target confirmed (or the file is valid), 1 a target did not confirm (each is named) "
                    + "or the file was refused, 2 usage error, 3 no targets (--docker-label matched no running container, a matched container's "
                    + "JMX port is unknown, or no Docker engine answered; nothing was called)."
        },
        subcommands = {
            JvmsCommand.class,
            AttachCommand.class,
            AgentCommand.class,
            SidecarCommand.class,
            HaltAllCommand.class
        })
public final class FaultlineCli {
    private FaultlineCli() {}

    /** The operator commands: what an experiment's faultline provider may run. */
    public static CommandLine commandLine() {
        return commandLine(new Object[0]);
    }

    /** The operator commands and, after them, these (picocli command classes or objects). */
    public static CommandLine commandLine(Object... more) {
        CommandLine cl = new CommandLine(new FaultlineCli());
        for (Object sub : more) cl.addSubcommand(sub);
        cl.setExitCodeExceptionMapper(
                e -> e instanceof CommandLine.ParameterException ? ExitCode.USAGE : ExitCode.FAILED);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("faultline: " + Causes.describe(e));
            if (e instanceof DockerTargets.Refused) return ExitCode.NO_TARGETS;
            return e instanceof IllegalArgumentException ? ExitCode.USAGE : ExitCode.FAILED;
        });
        return cl;
    }

    /**
     * For a {@code process} provider whose path is {@code faultline}: null when the words parse as one of the
     * commands an experiment may run (agent, sidecar, halt-all), else why not. Parsing runs nothing.
     */
    public static String refusalOfArguments(List<String> words) {
        if (words.isEmpty())
            return "missing: a faultline command, e.g. [\"agent\", \"add\", \"--jmx\", \"HOST:PORT\", \"latency …\"]";
        if (!Set.of("agent", "sidecar", "halt-all").contains(words.get(0))) {
            return "\"" + words.get(0) + "\" is not a command an experiment runs (agent, sidecar or halt-all)";
        }
        try {
            CommandLine.ParseResult parsed = commandLine().parseArgs(words.toArray(String[]::new));
            CommandLine.ParseResult leaf = parsed;
            while (leaf.hasSubcommand()) leaf = leaf.subcommand();
            if (leaf.commandSpec().subcommands().size() > 0)
                return "\"" + String.join(" ", words) + "\" names no operation (one of "
                        + leaf.commandSpec().subcommands().keySet() + ")";
            Object command = leaf.commandSpec().userObject();
            if (command instanceof OnTargets t) return t.refusalOfTargets();
            if (command instanceof HaltAllCommand h) return h.refusalOfTargets();
            return null;
        } catch (CommandLine.ParameterException e) {
            return e.getMessage();
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = FaultlineCli.class.getPackage().getImplementationVersion();
            return new String[] {"faultline " + (v == null ? "(development build)" : v)};
        }
    }
}
