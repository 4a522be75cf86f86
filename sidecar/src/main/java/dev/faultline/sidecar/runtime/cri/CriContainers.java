package dev.faultline.sidecar.runtime.cri;

import dev.faultline.common.sidecar.Backend;
import dev.faultline.common.sidecar.Verb;
import dev.faultline.sidecar.experiment.change.Change;
import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.network.NetnsExecutor;
import dev.faultline.sidecar.runtime.ContainerRuntime;
import dev.faultline.sidecar.targets.ContainerTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The verbs on a Kubernetes node through CRI. Targets are {@code namespace/pod/container} with their pod's labels;
 * the sidecar's own pod is never one. What CRI has no call for is done on the host, which the DaemonSet shares
 * ({@code hostPID}): a crash signals the host PID, netem enters its network namespace, a pause freezes its cgroup.
 */
public final class CriContainers implements ContainerRuntime {
    /** The label kubelet puts on pods and containers, and the one that names our own pod. */
    public static final String NAMESPACE = "io.kubernetes.pod.namespace";

    public static final String POD_UID = "io.kubernetes.pod.uid";
    /** The downward API's {@code metadata.uid}, set by the DaemonSet: our own pod, found without guessing. */
    public static final String OWN_POD_UID_ENV = "FAULTLINE_POD_UID";

    private final CriRuntime cri;
    private final String answers;

    public CriContainers(CriRuntime cri, String answers) {
        this.cri = cri;
        this.answers = answers;
    }

    public static CriContainers connect(String endpoint, String answers) {
        return new CriContainers(CriRuntime.connect(endpoint, Duration.ofSeconds(10)), answers);
    }

    @Override
    public String kind() {
        return "cri";
    }

    @Override
    public String endpoint() {
        return cri.endpoint();
    }

    @Override
    public List<ContainerTarget> containers() {
        List<CriContainer> all = cri.containers();
        Set<String> ownPods = ownPods(all, System.getenv(OWN_POD_UID_ENV), readOwnCgroup());
        List<ContainerTarget> out = new ArrayList<>();
        for (CriContainer c : all) {
            if (ownPods.contains(c.podSandboxId())) continue;
            Map<String, String> labels = new HashMap<>(c.podLabels());
            labels.put(NAMESPACE, c.namespace());
            out.add(new ContainerTarget(c.id(), c.target(), c.state().name().toLowerCase(Locale.ROOT), labels));
        }
        return out;
    }

    /**
     * Our own pods' sandbox ids: the pod whose uid the downward API gave us, and any pod one of whose containers
     * (or whose uid, as cgroup paths spell it) our own cgroup names.
     */
    static Set<String> ownPods(List<CriContainer> all, String ownUid, String ownCgroup) {
        Set<String> pods = new HashSet<>();
        for (CriContainer c : all) {
            String uid = c.podLabels().getOrDefault(POD_UID, "");
            boolean byUid = !uid.isEmpty()
                    && (uid.equals(ownUid)
                            || ownCgroup.contains("pod" + uid)
                            || ownCgroup.contains("pod" + uid.replace('-', '_')));
            if (byUid || ownCgroup.contains(c.id())) pods.add(c.podSandboxId());
        }
        return pods;
    }

    private static String readOwnCgroup() {
        try {
            return Files.readString(Path.of("/proc/self/cgroup"));
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void refuseUnsupported(Verb v, String signal) {
        if (v == Verb.RESTART)
            throw new Unsupported(
                    "restart: CRI has no restart (kubelet restarts a pod's containers by its restartPolicy); "
                            + "use crash --signal SIGKILL to have kubelet bring it back, or stop");
        if (!v.runsOn(Backend.CRI)) throw new Unsupported(v.word() + ": not on a CRI runtime");
        if (v == Verb.KILL && !"SIGKILL".equals(signal))
            throw new Unsupported(
                    "kill --signal " + signal + ": on CRI, kill is StopContainer with no grace (SIGKILL); "
                            + "to deliver " + signal + " to the container's process use crash --signal " + signal);
    }

    @Override
    public long hostPid(ContainerTarget t) {
        return cri.running(t.id()).map(ContainerProcess::pid).orElse(-1L);
    }

    @Override
    public NetnsExecutor netns(ContainerTarget t, long hostPid, String changeId) {
        return NetnsExecutor.nsenter(hostPid);
    }

    @Override
    public void kill(ContainerTarget t, String signal) {
        refuseUnsupported(Verb.KILL, signal);
        stop(t, Duration.ZERO);
    }

    @Override
    public int exec(ContainerTarget t, List<String> argv, Duration deadline) {
        return cri.execSync(t.id(), argv, deadline);
    }

    @Override
    public void stop(ContainerTarget t, Duration timeout) {
        tolerateGone(() -> cri.stop(t.id(), timeout));
    }

    @Override
    public void restart(ContainerTarget t, Duration timeout) {
        refuseUnsupported(Verb.RESTART, null);
    }

    @Override
    public void remove(ContainerTarget t, boolean force, boolean volumes) {
        if (!force && hostPid(t) > 0) throw new IllegalStateException(t + " is running and --force=false");
        tolerateGone(() -> cri.remove(t.id()));
    }

    @Override
    public Change pause(String id, ContainerTarget t, Journal journal) {
        return new FreezeChange(id, t, cri.freezer(t.id()), journal);
    }

    /** A Docker pause is not ours to undo; a FREEZE needs no runtime ({@link dev.faultline.sidecar.experiment.Recovery}). */
    @Override
    public Change adoptPause(Journal.Entry e, Journal journal) {
        return null;
    }

    @Override
    public NetnsExecutor netnsOf(String containerId, String changeId) {
        return cri.running(containerId).map(p -> NetnsExecutor.nsenter(p.pid())).orElse(NetnsExecutor.gone());
    }

    @Override
    public String describe() {
        return "cri " + endpoint() + (answers == null ? "" : " (" + answers + ")");
    }

    private static void tolerateGone(Runnable call) {
        try {
            call.run();
        } catch (CriCallException e) {
            if (!e.notFound()) throw e; // removed meanwhile
        }
    }
}
