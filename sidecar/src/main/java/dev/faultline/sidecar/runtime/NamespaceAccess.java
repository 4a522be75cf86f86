package dev.faultline.sidecar.runtime;

import dev.faultline.sidecar.network.NetnsExecutor;
import dev.faultline.sidecar.targets.ContainerTarget;
import dev.faultline.sidecar.targets.OwnNamespace;
import dev.faultline.sidecar.targets.ProcessTarget;
import dev.faultline.sidecar.targets.Target;
import java.util.function.Supplier;

/**
 * The one place that decides how a target's network namespace is reached: ours and a pod-mode process's by nsenter
 * from here, a container's as its runtime says (nsenter of its host pid, or a helper container).
 */
public final class NamespaceAccess {
    private NamespaceAccess() {}

    /** For a change {@code changeId} about to be made; the runtime is asked for only when the target is a container. */
    public static NetnsExecutor reach(Target t, String changeId, Supplier<ContainerRuntime> runtime) {
        if (t instanceof OwnNamespace) return NetnsExecutor.nsenter(0);
        if (t instanceof ProcessTarget p) return NetnsExecutor.nsenter(p.pid());
        ContainerTarget c = (ContainerTarget) t;
        ContainerRuntime r = runtime.get();
        long pid = r.hostPid(c);
        if (pid < 0) throw new IllegalStateException(t + " is not running");
        return r.netns(c, pid, changeId);
    }

    /**
     * For recovery: the namespace of a journalled change, reached the way it was (a process gone is clean);
     * null for a container when there is no runtime (pod mode): it waits for a sidecar that has one.
     */
    public static NetnsExecutor readopt(Target t, String changeId, ContainerRuntime runtime) {
        if (t instanceof OwnNamespace) return NetnsExecutor.nsenter(0);
        if (t instanceof ProcessTarget p) return NetnsExecutor.nsenter(p.pid());
        return runtime == null ? null : runtime.netnsOf(t.id(), changeId);
    }
}
