package dev.faultline.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root command: agents, sidecars, the fleet-wide stop, local JVMs and experiment files. */
@Command(name = "faultline", mixinStandardHelpOptions = true, versionProvider = FaultlineCli.Version.class,
        description = "Faultline's operator command line: agents and sidecars over their JMX control plane.",
        footer = {"", "Exit codes: 0 every target confirmed, 1 a target did not confirm (each is named) "
                + "2 usage error."},
        subcommands = {JvmsCommand.class, AttachCommand.class, AgentCommand.class, SidecarCommand.class, HaltAllCommand.class})
public final class FaultlineCli {
    private FaultlineCli() {
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new FaultlineCli());
        cl.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? ExitCode.USAGE : ExitCode.FAILED);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("faultline: " + Causes.describe(e));
            return e instanceof IllegalArgumentException ? ExitCode.USAGE : ExitCode.FAILED;
        });
        return cl;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = FaultlineCli.class.getPackage().getImplementationVersion();
            return new String[]{"faultline " + (v == null ? "(development build)" : v)};
        }
    }
}
