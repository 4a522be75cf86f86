package dev.faultline.sidecar.cli;

import dev.faultline.sidecar.experiment.Experiment;
import dev.faultline.sidecar.runtime.ContainerRuntime;
import dev.faultline.sidecar.targets.ContainerTarget;
import dev.faultline.sidecar.targets.Target;
import dev.faultline.sidecar.targets.TargetSelector;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/** A verb aimed at containers: selection (never empty, never ourselves) and scheduling are shared here. */
abstract class TargetedCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TARGET", arity = "0..*", description = "container names, re2:<regex>, or none with --label")
    List<String> targets;

    abstract SidecarCli cli();

    abstract String verb();

    /** Verbs that need a live process act on running containers only. */
    abstract boolean runningOnly();

    abstract Experiment.Action action(Runner runner);

    /** The words of this command, for the action log and list(). */
    abstract String describe();

    @Override
    public Integer call() {
        SidecarCli cli = cli();
        Runner runner = cli.runner;
        if (cli.podMode()) return runner.execute(podExperiment(cli, runner));
        TargetSelector selector = new TargetSelector(targets, cli.labels, cli.namespaces);
        ContainerRuntime runtime = cli.runtime();
        runtime.refuseUnsupported(verb(), signalName()); // what this runtime cannot do is refused before anything is selected
        // refuse an empty selection now, before anything runs; the first tick acts on this one rather than list again
        java.util.concurrent.atomic.AtomicReference<List<ContainerTarget>> first = new java.util.concurrent.atomic.AtomicReference<>(selector.select(runtime, runningOnly()));
        java.util.function.Supplier<List<? extends Target>> select = () -> {
            List<ContainerTarget> now = first.getAndSet(null);
            return now != null ? now : selector.select(runtime, runningOnly());
        };
        Experiment e = new Experiment(runner.newId(), verb(), describe() + " " + selector, runner.who(), select, action(runner),
                cli.random, cli.interval, cli.limit, cli.dryRun);
        return runner.execute(e);
    }

    /** The signal a kill or crash sends, for {@link ContainerRuntime#refuseUnsupported}; null for other verbs. */
    String signalName() {
        return null;
    }

    /** In pod mode a verb acts on our own namespace ({@code self}) or on processes: the ones that support it say so. */
    boolean supportsPod() {
        return false;
    }

    private Experiment podExperiment(SidecarCli cli, Runner runner) {
        if (!supportsPod()) throw new IllegalArgumentException(verb() + " needs the engine's socket (Docker's, or a CRI runtime's); in pod mode use crash, kill (both signal a process), netem or iptables");
        boolean self = targets == null || targets.isEmpty() || targets.equals(List.of(dev.faultline.sidecar.targets.PodTargets.SELF));
        boolean network = verb().equals("netem") || verb().equals("iptables");
        java.util.function.Supplier<List<? extends Target>> chosen = network && self
                ? () -> List.of(dev.faultline.sidecar.targets.PodTargets.self())
                : () -> dev.faultline.sidecar.targets.PodTargets.processes(targets);
        chosen.get(); // refuse an empty selection now
        return new Experiment(runner.newId(), verb(), describe() + " (pod) " + (targets == null ? "self" : String.join(" ", targets)), runner.who(),
                chosen, action(runner), cli.random, cli.interval, cli.limit, cli.dryRun);
    }

    /** The container verbs act through the runtime: their selection is of containers only. */
    static void forEach(List<? extends Target> targets, java.util.function.Consumer<ContainerTarget> step) {
        containers(targets).forEach(step);
    }

    static List<ContainerTarget> containers(List<? extends Target> targets) {
        List<ContainerTarget> out = new java.util.ArrayList<>();
        for (Target t : targets) {
            if (!(t instanceof ContainerTarget c)) throw new IllegalStateException(t + " is not a container");
            out.add(c);
        }
        return out;
    }
}
