package dev.faultline.sidecar.cli;

import dev.faultline.common.sidecar.Backend;
import dev.faultline.common.sidecar.Verb;
import dev.faultline.sidecar.experiment.Experiment;
import dev.faultline.sidecar.runtime.ContainerRuntime;
import dev.faultline.sidecar.targets.PodTargets;
import dev.faultline.sidecar.targets.Target;
import dev.faultline.sidecar.targets.TargetSelector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Turns a plan into an experiment: its selection (never ourselves; empty is no error, as in Pumba), its action, its
 * schedule.
 */
final class Scheduler {
    private Scheduler() {}

    /** @param runtime opened at its first use: pod mode has none */
    static Experiment experiment(ExperimentPlan plan, Runner runner, Supplier<ContainerRuntime> runtime) {
        if (plan.selection() instanceof ExperimentPlan.Pod pod) return podExperiment(plan, pod, runner, runtime);
        ExperimentPlan.Containers containers = (ExperimentPlan.Containers) plan.selection();
        TargetSelector selector = containers.selector();
        ContainerRuntime rt = runtime.get();
        rt.refuseUnsupported(
                plan.verb(),
                plan.effect().signal()); // what this runtime cannot do is refused before anything is selected
        // select now: a selection refused (--namespace on Docker) refuses the command before anything runs; the first
        // tick acts on this one rather than list again
        AtomicReference<List<? extends Target>> first =
                new AtomicReference<>(selector.select(rt, containers.runningOnly()));
        Supplier<List<? extends Target>> select = () -> {
            List<? extends Target> now = first.getAndSet(null);
            return now != null ? now : selector.select(rt, containers.runningOnly());
        };
        return experiment(plan, runner, select, runtime, false);
    }

    private static Experiment podExperiment(
            ExperimentPlan plan, ExperimentPlan.Pod pod, Runner runner, Supplier<ContainerRuntime> runtime) {
        Verb verb = plan.verb();
        if (!verb.runsOn(Backend.POD)) {
            throw new IllegalArgumentException(
                    verb.word() + " needs the engine's socket (Docker's, or a CRI runtime's); " + POD_VERBS);
        }
        Supplier<List<? extends Target>> chosen = ownNetwork(verb) && pod.self()
                ? () -> List.of(PodTargets.self())
                : () -> PodTargets.processes(pod.targets());
        chosen.get(); // a selection refused (no targets) refuses the command now
        return experiment(plan, runner, chosen, runtime, true);
    }

    /** The pod-mode refusal's advice: every verb that runs on {@link Backend#POD} (SidecarGrammarTest checks). */
    static final String POD_VERBS = podVerbs();

    /** Verbs that signal a process in word order (crash first, as the advice always read), then network ones. */
    private static String podVerbs() {
        List<String> signal = new ArrayList<>();
        List<String> network = new ArrayList<>();
        for (Verb v : Verb.values()) {
            if (v.runsOn(Backend.POD)) (ownNetwork(v) ? network : signal).add(v.word());
        }
        Collections.sort(signal);
        return "in pod mode use " + String.join(", ", signal) + " (" + (signal.size() == 2 ? "both" : "all")
                + " signal a process), " + String.join(" or ", network);
    }

    /** In pod mode, whether the verb acts on our own network namespace ({@code self}) rather than on processes. */
    static boolean ownNetwork(Verb verb) {
        return switch (verb) {
            case NETEM, IPTABLES -> true;
            case KILL, CRASH, STOP, PAUSE, RESTART, RM, JVM, EXEC, STRESS, DAEMON -> false;
        };
    }

    /** Pumba's per-verb {@code --limit}: at most {@code n} of the matches, a random few when there are more. */
    static List<? extends Target> atMost(int n, List<? extends Target> all) {
        if (all.size() <= n) return all;
        List<Target> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled);
        return List.copyOf(shuffled.subList(0, n));
    }

    /** The words, then the action: a verb's flags are checked in this order, as they always were. */
    private static Experiment experiment(
            ExperimentPlan plan,
            Runner runner,
            Supplier<List<? extends Target>> targets,
            Supplier<ContainerRuntime> runtime,
            boolean pod) {
        ExperimentPlan.Schedule s = plan.schedule();
        return new Experiment(
                runner.newId(),
                plan.verb(),
                plan.canonical(),
                runner.who(),
                s.atMost() > 0 ? () -> atMost(s.atMost(), targets.get()) : targets,
                plan.effect().action(runner, runtime, pod),
                s.random(),
                s.interval(),
                s.limit(),
                s.dryRun());
    }
}
