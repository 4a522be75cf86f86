package dev.faultline.sidecar.cli;

import static dev.faultline.sidecar.cli.ContainerVerbs.signalPid;
import static dev.faultline.sidecar.cli.ContainerVerbs.signalProcesses;
import static dev.faultline.sidecar.cli.TargetedCommand.forEach;

import dev.faultline.common.sidecar.Verb;
import dev.faultline.sidecar.experiment.Experiment;
import dev.faultline.sidecar.experiment.change.Change;
import dev.faultline.sidecar.runtime.ContainerRuntime;
import dev.faultline.sidecar.targets.ContainerTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the container verbs do, as values of their flags: each one call of the runtime (crash: one signal to the main
 * process). A flag is checked when the effect is described or acts, where picocli's verbs always checked it.
 */
final class ContainerEffects {
    private ContainerEffects() {}

    /** {@code kill}: the runtime's own kill; in pod mode a signal to each process. {@code flag}: --signal as given. */
    record Kill(String flag) implements ExperimentPlan.Effect {
        public String describe() {
            return Verb.KILL.word() + " --signal " + signal();
        }

        public String signal() {
            return ContainerVerbs.signal(flag);
        }

        public Experiment.Action action(Runner runner, Supplier<ContainerRuntime> runtime, boolean pod) {
            String sig = signal();
            if (pod) return signalProcesses(sig);
            return ts -> forEach(ts, t -> runtime.get().kill(t, sig));
        }
    }

    record Stop(int time) implements ExperimentPlan.Effect {
        public String describe() {
            return Verb.STOP.word() + " --time " + time;
        }

        public Experiment.Action action(Runner runner, Supplier<ContainerRuntime> runtime, boolean pod) {
            return ts -> forEach(ts, t -> runtime.get().stop(t, Duration.ofSeconds(time)));
        }
    }

    /**
     * Pumba's {@code stop --restart --duration D}: each stopped, then started again after D (also on a stop of the
     * experiment); journalled, so that a sidecar that dies meanwhile leaves the start to the next one's recovery.
     */
    record StopRestart(int time, Duration duration) implements ExperimentPlan.Effect {
        public String describe() {
            return Verb.STOP.word() + " --time " + time + " --restart --duration " + duration.toMillis() + "ms";
        }

        public Experiment.Action action(Runner c, Supplier<ContainerRuntime> runtime, boolean pod) {
            return ts -> {
                List<Change> stopped = new ArrayList<>();
                try {
                    for (ContainerTarget t : TargetedCommand.containers(ts)) {
                        Change s = runtime.get()
                                .stopForRestart(
                                        c.newId() + "-" + t.shortId(), t, Duration.ofSeconds(time), c.journal());
                        s.apply(duration.plusSeconds(time));
                        stopped.add(s);
                    }
                    Thread.sleep(duration.toMillis());
                } finally { // also on stop and SIGTERM: every container stopped is started again
                    NetworkShaping.revertAll(stopped);
                }
            };
        }
    }

    /**
     * Journalled and watchdog-guarded like a network change: a SIGKILLed sidecar leaves nothing paused. Docker
     * pauses through the engine; on CRI, which has no pause, the container's cgroup is frozen.
     */
    record Pause(Duration duration) implements ExperimentPlan.Effect {
        public String describe() {
            return Verb.PAUSE.word() + " --duration " + duration.toMillis() + "ms";
        }

        public Experiment.Action action(Runner c, Supplier<ContainerRuntime> runtime, boolean pod) {
            return ts -> {
                List<Change> paused = new ArrayList<>();
                try {
                    for (ContainerTarget t : TargetedCommand.containers(ts)) {
                        Change p = runtime.get().pause(c.newId() + "-" + t.shortId(), t, c.journal());
                        p.apply(duration);
                        paused.add(p);
                    }
                    Thread.sleep(duration.toMillis());
                } finally { // also on stop and SIGTERM: nothing stays paused
                    NetworkShaping.revertAll(paused);
                }
            };
        }
    }

    record Restart(int time) implements ExperimentPlan.Effect {
        public String describe() {
            return Verb.RESTART.word() + " --time " + time;
        }

        public Experiment.Action action(Runner runner, Supplier<ContainerRuntime> runtime, boolean pod) {
            return ts -> forEach(ts, t -> runtime.get().restart(t, Duration.ofSeconds(time)));
        }
    }

    record Remove(boolean force, boolean volumes) implements ExperimentPlan.Effect {
        public String describe() {
            return Verb.RM.word() + (force ? " --force" : "") + (volumes ? " --volumes" : "");
        }

        public Experiment.Action action(Runner runner, Supplier<ContainerRuntime> runtime, boolean pod) {
            return ts -> forEach(ts, t -> runtime.get().remove(t, force, volumes));
        }
    }

    /** {@code crash}: the container's main process signalled from the host PID namespace; in pod mode each process. {@code flag}: --signal as given. */
    record Crash(String flag) implements ExperimentPlan.Effect {
        public String describe() {
            return Verb.CRASH.word() + " --signal " + signal();
        }

        public String signal() {
            return ContainerVerbs.signal(flag);
        }

        public Experiment.Action action(Runner runner, Supplier<ContainerRuntime> runtime, boolean pod) {
            String sig = signal();
            if (pod) return signalProcesses(sig);
            return ts -> forEach(ts, t -> {
                long pid = runtime.get().hostPid(t);
                if (pid <= 0) return; // stopped meanwhile
                signalPid(pid, sig, t.toString());
            });
        }
    }
}
