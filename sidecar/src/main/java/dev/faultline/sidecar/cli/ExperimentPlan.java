package dev.faultline.sidecar.cli;

import dev.faultline.common.sidecar.Verb;
import dev.faultline.sidecar.experiment.Experiment;
import dev.faultline.sidecar.runtime.ContainerRuntime;
import dev.faultline.sidecar.targets.PodTargets;
import dev.faultline.sidecar.targets.TargetSelector;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A parsed command as a value: the verb, which targets, what is done to them and on what schedule. picocli (or the
 * plain fast path) fills it; {@link Scheduler} turns it into an experiment. Nothing is checked here: the checks run
 * in the order they always did, when it is scheduled.
 */
record ExperimentPlan(Verb verb, Selection selection, Effect effect, Schedule schedule) {
    /** Which targets: containers of the runtime, or in pod mode our own namespace or processes. */
    sealed interface Selection permits Containers, Pod {}

    /** Names, re2:, --label and --namespace as given; {@code runningOnly} for verbs that need a live process. */
    record Containers(List<String> names, Map<String, String> labels, List<String> namespaces, boolean runningOnly)
            implements Selection {
        TargetSelector selector() {
            return new TargetSelector(names, labels, namespaces);
        }
    }

    /** Pod mode's words: none or {@code self} (our namespace, for a network verb), else process names or re2:; null when none. */
    record Pod(List<String> targets) implements Selection {
        boolean self() {
            return targets == null || targets.isEmpty() || targets.equals(List.of(PodTargets.SELF));
        }
    }

    /**
     * {@code limit}: the global {@code --limit}, how many ticks; {@code atMost}: a verb's own {@code --limit} (Pumba's),
     * how many of the matches each tick acts on (a random few of them; 0: all).
     */
    record Schedule(boolean random, Duration interval, int limit, boolean dryRun, int atMost) {}

    /** What the verb does to each target chosen, with its parameters. */
    interface Effect {
        /** The verb's words, for the action log and list(). */
        String describe();

        /** @param pod whether the targets are pod mode's (processes, our namespace) rather than containers */
        Experiment.Action action(Runner runner, Supplier<ContainerRuntime> runtime, boolean pod);

        /** The signal a kill or crash sends, for {@link ContainerRuntime#refuseUnsupported}; null for other verbs. */
        default String signal() {
            return null;
        }
    }

    /** The words the action log and list() show for this plan. */
    String canonical() {
        String words = effect.describe() + (schedule.atMost() > 0 ? " --limit " + schedule.atMost() : "");
        if (selection instanceof Pod p)
            return words + " (pod) " + (p.targets() == null ? "self" : String.join(" ", p.targets()));
        return words + " " + ((Containers) selection).selector();
    }
}
