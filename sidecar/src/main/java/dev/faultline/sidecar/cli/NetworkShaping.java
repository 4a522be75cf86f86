package dev.faultline.sidecar.cli;

import dev.faultline.sidecar.experiment.Experiment;
import dev.faultline.sidecar.experiment.change.Change;
import dev.faultline.sidecar.experiment.change.NetworkChange;
import dev.faultline.sidecar.network.ChangePlan;
import dev.faultline.sidecar.network.NetnsCommand;
import dev.faultline.sidecar.network.NetnsExecutor;
import dev.faultline.sidecar.runtime.ContainerRuntime;
import dev.faultline.sidecar.runtime.NamespaceAccess;
import dev.faultline.sidecar.targets.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/** Applies one network change per chosen container for a duration, then reverts them all (also when stopped). */
final class NetworkShaping {
    private NetworkShaping() {}

    /**
     * @param plan     for a change id and the target's namespace (to read what must be put back): its commands
     * @param precheck run in the target's namespace before anything is changed: each must exit 0
     */
    static Experiment.Action action(
            Runner c,
            Supplier<ContainerRuntime> runtime,
            Duration duration,
            BiFunction<String, NetnsExecutor, ChangePlan> plan,
            List<List<String>> precheck) {
        return targets -> {
            List<Change> applied = new ArrayList<>();
            try {
                for (Target t : targets) {
                    String id = c.newId() + "-" + t.shortId().replace(":", "");
                    NetnsExecutor ns = NamespaceAccess.reach(t, id, runtime);
                    Change change;
                    try {
                        for (List<String> check : precheck) {
                            NetnsCommand.Result r = ns.run(check);
                            if (!r.ok()) throw new IllegalStateException(t + ": " + r.output());
                        }
                        change = new NetworkChange(id, t, ns, plan.apply(id, ns), c.journal());
                    } catch (RuntimeException e) {
                        ns.close(); // no change holds it yet
                        throw e;
                    }
                    change.apply(duration);
                    applied.add(change);
                }
                Thread.sleep(duration.toMillis());
            } finally {
                revertAll(applied);
            }
        };
    }

    /** Reverts every change (also when one fails); a revert that could not be verified is reported after all were tried. */
    static void revertAll(List<? extends Change> applied) {
        List<String> stuck = new ArrayList<>();
        for (Change change : applied) {
            if (!change.revert()) stuck.add(change.summary());
        }
        if (!stuck.isEmpty()) {
            throw new IllegalStateException(
                    "revert not verified, retrying; the journal keeps it and its watchdog stays armed: "
                            + String.join("; ", stuck));
        }
    }
}
