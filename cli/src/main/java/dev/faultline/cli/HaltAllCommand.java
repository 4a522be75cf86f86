package dev.faultline.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code faultline halt-all --jmx … --sidecar-jmx …}: the emergency stop. {@code clear()} on every agent and
 * {@code stopAll()} on every sidecar, all at once; each target's answer; exit 1 naming every target that did not confirm.
 */
@Command(name = "halt-all", mixinStandardHelpOptions = true,
        description = "Emergency stop: clear() on every agent and stopAll() on every sidecar named, in parallel; exit 1 if any did not confirm.")
public final class HaltAllCommand implements Callable<Integer> {
    @Option(names = "--jmx", paramLabel = "HOST:PORT", description = "an agent's JMX port; repeatable")
    List<String> agents;

    @Option(names = "--sidecar-jmx", paramLabel = "HOST:PORT", description = "a sidecar daemon's JMX port; repeatable")
    List<String> sidecars;

    @Mixin ControlPlaneOptions options;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        List<Target> targets = new ArrayList<>(ControlPlaneOptions.targets(agents, Target.Kind.AGENT));
        targets.addAll(ControlPlaneOptions.targets(sidecars, Target.Kind.SIDECAR));
        if (targets.isEmpty()) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name at least one target: --jmx or --sidecar-jmx");
        List<Answer> answers = new Fleet(options.credentials(), options.timeout())
                .each(targets, t -> Call.of(t.kind() == Target.Kind.AGENT ? "clear" : "stopAll"));
        return AnswerReport.print("halt-all", answers, options.json, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
