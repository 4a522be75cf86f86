package dev.faultline.cli.command;

import dev.faultline.cli.docker.DockerTargets;
import dev.faultline.cli.fleet.Answer;
import dev.faultline.cli.fleet.Call;
import dev.faultline.cli.fleet.Fleet;
import dev.faultline.cli.fleet.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code faultline halt-all --jmx … --sidecar-jmx … --docker-label … --sidecar-docker-label …}: the emergency stop. {@code clear()} on every agent and
 * {@code stopAll()} on every sidecar, all at once; each target's answer; exit 1 naming every target that did not confirm.
 */
@Command(
        name = "halt-all",
        mixinStandardHelpOptions = true,
        description =
                "Emergency stop: clear() on every agent and stopAll() on every sidecar named, in parallel; exit 1 if any did not confirm.")
public final class HaltAllCommand implements Callable<Integer> {
    @Option(names = "--jmx", paramLabel = "HOST:PORT", description = "an agent's JMX port; repeatable")
    List<String> agents;

    @Option(names = "--sidecar-jmx", paramLabel = "HOST:PORT", description = "a sidecar daemon's JMX port; repeatable")
    List<String> sidecars;

    @Option(
            names = "--docker-label",
            paramLabel = "KEY=VALUE",
            description =
                    "the running containers carrying this label (repeatable: all of them) are agents, "
                            + "each at its published JMX port (label dev.faultline.jmx.port=<container port>, or its only published TCP port)")
    List<String> agentLabels;

    @Option(names = "--sidecar-docker-label", paramLabel = "KEY=VALUE", description = "the same, for sidecar daemons")
    List<String> sidecarLabels;

    @Mixin
    ControlPlaneOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        String refusal = refusalOfTargets();
        if (refusal != null) throw new CommandLine.ParameterException(spec.commandLine(), refusal);
        List<Target> targets = new ArrayList<>(ControlPlaneOptions.targets(agents, Target.Kind.AGENT));
        targets.addAll(ControlPlaneOptions.targets(sidecars, Target.Kind.SIDECAR));
        targets.addAll(DockerTargets.find("--docker-label", agentLabels, Target.Kind.AGENT, options.timeout()));
        targets.addAll(
                DockerTargets.find("--sidecar-docker-label", sidecarLabels, Target.Kind.SIDECAR, options.timeout()));
        List<Answer> answers = new Fleet(options.credentials(), options.timeout())
                .each(targets, t -> Call.of(t.kind() == Target.Kind.AGENT ? "clear" : "stopAll"));
        return AnswerReport.print(
                "halt-all",
                answers,
                options.json,
                spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }

    /** Null when at least one target is named and every label is KEY=VALUE, else why not. */
    String refusalOfTargets() {
        if (empty(agents) && empty(sidecars) && empty(agentLabels) && empty(sidecarLabels)) {
            return "name at least one target: --jmx, --sidecar-jmx, --docker-label or --sidecar-docker-label";
        }
        String bad = DockerTargets.refusalOfLabels("--docker-label", agentLabels);
        return bad != null ? bad : DockerTargets.refusalOfLabels("--sidecar-docker-label", sidecarLabels);
    }

    private static boolean empty(List<String> l) {
        return l == null || l.isEmpty();
    }
}
