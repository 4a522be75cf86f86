package dev.faultline.sidecar.cli;

import dev.faultline.common.sidecar.Verb;
import dev.faultline.sidecar.experiment.Experiment;
import dev.faultline.sidecar.runtime.ContainerRuntime;
import dev.faultline.sidecar.targets.ContainerTarget;
import dev.faultline.sidecar.targets.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Parameters;

/** A verb aimed at targets: its words become an {@link ExperimentPlan}, which the {@link Scheduler} turns into an experiment. */
abstract class TargetedCommand implements Callable<Integer> {
    @Parameters(
            paramLabel = "TARGET",
            arity = "0..*",
            description = "container names or IDs (full, or 12+ hex digits), re2:<regex>, or none with --label")
    List<String> targets;

    abstract SidecarCli cli();

    /** Pumba's per-verb {@code --limit}: act on at most this many of the matches (0: all); verbs without it act on all. */
    int atMost() {
        return 0;
    }

    abstract Verb verb();

    /** Verbs that need a live process act on running containers only. */
    abstract boolean runningOnly();

    /** What the verb does, from its flags (checked when it is scheduled, not here). */
    abstract ExperimentPlan.Effect effect();

    private ExperimentPlan plan;

    /** The plan of these words, made once: Main makes it before start-up recovery, so bad words are refused first. */
    ExperimentPlan plan() {
        if (plan == null) plan = newPlan();
        return plan;
    }

    private ExperimentPlan newPlan() {
        SidecarCli cli = cli();
        ExperimentPlan.Selection selection = cli.podMode()
                ? new ExperimentPlan.Pod(targets)
                : new ExperimentPlan.Containers(targets, cli.labels, cli.namespaces, runningOnly());
        return new ExperimentPlan(
                verb(),
                selection,
                cli.skipError ? new SkipError(effect()) : effect(),
                new ExperimentPlan.Schedule(cli.random, cli.interval, cli.limit, cli.dryRun, atMost()));
    }

    /**
     * Pumba's {@code --skip-error}: an action that fails is logged and the schedule goes on to its next tick (without
     * it the run ends with the error). What the failed action changed is reverted by the action itself, as always.
     */
    record SkipError(ExperimentPlan.Effect effect) implements ExperimentPlan.Effect {
        private static final Logger log = LoggerFactory.getLogger("faultline.action");

        public String describe() {
            return effect.describe();
        }

        public String signal() {
            return effect.signal();
        }

        public Experiment.Action action(Runner runner, Supplier<ContainerRuntime> runtime, boolean pod) {
            Experiment.Action action = effect.action(runner, runtime, pod);
            return targets -> {
                try {
                    action.act(targets);
                } catch (RuntimeException e) {
                    log.warn("skipping error (--skip-error): {}", e.getMessage());
                }
            };
        }
    }

    @Override
    public Integer call() {
        SidecarCli cli = cli();
        return cli.runner.execute(Scheduler.experiment(plan(), cli.runner, cli::runtime));
    }

    /** The container verbs act through the runtime: their selection is of containers only. */
    static void forEach(List<? extends Target> targets, Consumer<ContainerTarget> step) {
        containers(targets).forEach(step);
    }

    static List<ContainerTarget> containers(List<? extends Target> targets) {
        List<ContainerTarget> out = new ArrayList<>();
        for (Target t : targets) {
            if (!(t instanceof ContainerTarget c)) throw new IllegalStateException(t + " is not a container");
            out.add(c);
        }
        return out;
    }
}
