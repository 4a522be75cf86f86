package dev.faultline.cli.command;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code faultline jvms}: the JVMs on this host this user can attach to (the agent jar's {@code list}). */
@Command(
        name = "jvms",
        mixinStandardHelpOptions = true,
        description = "The local JVMs this user can attach the agent to: pid and main class or jar.")
public final class JvmsCommand implements Callable<Integer> {
    @Option(
            names = "--agent-jar",
            description = "the agent jar (default: $FAULTLINE_AGENT_JAR, next to this jar, or agent/target)")
    Path agentJar;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        return AgentJar.run(
                AgentJar.locate(agentJar),
                new String[] {"list"},
                spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }
}
