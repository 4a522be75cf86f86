package dev.faultline.cli.command;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code faultline attach PID|NAME [key=value …]}: loads the agent into a running JVM (the agent jar's {@code attach}). */
@Command(
        name = "attach",
        mixinStandardHelpOptions = true,
        description =
                "Load the agent into a running JVM, by pid or a unique part of its name; options are the -javaagent ones, e.g. jmx.port=9010.")
public final class AttachCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PID|NAME")
    String target;

    @Parameters(
            index = "1..*",
            paramLabel = "OPTION",
            description = "agent options, key=value (separately or comma-separated)")
    List<String> agentOptions = new ArrayList<>();

    @Option(
            names = "--agent-jar",
            description = "the agent jar (default: $FAULTLINE_AGENT_JAR, next to this jar, or agent/target)")
    Path agentJar;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<String> words = new ArrayList<>(List.of("attach", target));
        words.addAll(agentOptions);
        return AgentJar.run(
                AgentJar.locate(agentJar),
                words.toArray(String[]::new),
                spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }
}
