package dev.faultline.sidecar.command;

import dev.faultline.sidecar.chaos.Experiment;
import dev.faultline.sidecar.docker.HelperContainer;
import dev.faultline.sidecar.netem.NetnsExec;
import dev.faultline.sidecar.netem.NetnsExecutor;
import dev.faultline.sidecar.netem.NetworkChange;
import dev.faultline.sidecar.target.ContainerTarget;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Applies one network change per chosen container for a duration, then reverts them all (also when stopped). */
final class NetworkShaping {
    private NetworkShaping() {
    }

    /** @param plan for a container's pid and a change id: the apply and revert commands */
    static Experiment.Action action(Context c, Duration duration, Function<Long, List<List<String>>[]> plan, List<List<String>> precheck) {
        return targets -> {
            List<NetworkChange> applied = new ArrayList<>();
            try {
                for (ContainerTarget t : targets) {
                    long pid = pidOf(c, t);
                    NetnsExecutor ns = dev.faultline.sidecar.target.PodTargets.pidOf(t) >= 0
                            ? NetnsExecutor.nsenter(pid) : HelperContainer.forContainer(c.docker(), t.id(), pid);
                    for (List<String> check : precheck) {
                        NetnsExec.Result r = ns.run(check);
                        if (!r.ok()) throw new IllegalStateException(t + ": " + r.output());
                    }
                    List<List<String>>[] cmds = plan.apply(pid);
                    NetworkChange change = new NetworkChange(c.newId() + "-" + t.shortId().replace(":", ""), t, ns, cmds[0], cmds[1], c.journal());
                    change.apply(duration);
                    applied.add(change);
                }
                Thread.sleep(duration.toMillis());
            } finally {
                applied.forEach(NetworkChange::revert);
            }
        };
    }

    static long pidOf(Context c, ContainerTarget t) {
        long pod = dev.faultline.sidecar.target.PodTargets.pidOf(t);
        if (pod >= 0) return pod; // pod mode: our own namespace, or a process's
        Long pid = c.docker().inspectContainerCmd(t.id()).exec().getState().getPidLong();
        if (pid == null || pid <= 0) throw new IllegalStateException(t + " is not running");
        return pid;
    }
}
