package dev.faultline.sidecar.runtime.containerd;

import dev.faultline.common.sidecar.Backend;
import dev.faultline.common.sidecar.Verb;
import dev.faultline.sidecar.experiment.change.Change;
import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.network.NetnsExecutor;
import dev.faultline.sidecar.runtime.ContainerRuntime;
import dev.faultline.sidecar.runtime.containerd.ContainerdApi.ContainerdCallException;
import dev.faultline.sidecar.runtime.containerd.v1.Container;
import dev.faultline.sidecar.runtime.containerd.v1.Task;
import dev.faultline.sidecar.runtime.containerd.v1.TaskStatus;
import dev.faultline.sidecar.runtime.cri.CriContainers;
import dev.faultline.sidecar.targets.ContainerTarget;
import dev.faultline.sidecar.targets.TargetSelector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The verbs through containerd's own API, in one namespace: Docker's {@code moby}, nerdctl's {@code default},
 * Kubernetes' {@code k8s.io} (Pumba's {@code --runtime containerd}). A container is named by nerdctl's name label when
 * it has one, else by its id (containerd keeps no Docker names). kill is {@code Tasks.Kill} with the signal, pause
 * {@code Tasks.Pause}; the network namespace is entered through the task's PID ({@code Tasks.Get}), as for Docker on
 * the host. restart is Pumba's on containerd: the task stopped (as {@code stop}), deleted, and a new one created and
 * started from the container's snapshot; a container without one (Docker's, in {@code moby}: dockerd mounts its
 * rootfs and owns its task) is refused, its owner restarts it.
 */
public final class ContainerdContainers implements ContainerRuntime {
    /** The label nerdctl names its containers by. */
    public static final String NAME_LABEL = "nerdctl/name";
    /** containerd's CRI plugin marks each container as {@code sandbox} (a pod's pause container) or {@code container}. */
    static final String KIND_LABEL = "io.cri-containerd.kind";

    private static final String SANDBOX = "sandbox";
    /** How long a restart waits for the task to exit after SIGKILL (Pumba's killTimeout). */
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(30);

    private final ContainerdApi api;
    private final String answers;

    ContainerdContainers(ContainerdApi api, String answers) {
        this.api = api;
        this.answers = answers;
    }

    /** {@code namespace} on {@code endpoint} (unix:///path); {@code answers} what its Version said, or null. */
    public static ContainerdContainers connect(String endpoint, String namespace, String answers) {
        return new ContainerdContainers(ContainerdApi.connect(endpoint, namespace, Duration.ofSeconds(10)), answers);
    }

    /** What answers at {@code endpoint}, e.g. {@code containerd 1.6.20}; throws, naming it, when nothing does. */
    public static String probe(String endpoint, Duration deadline) {
        try (ContainerdApi api = ContainerdApi.connect(endpoint, "default", deadline)) {
            return api.version();
        }
    }

    @Override
    public String kind() {
        return "containerd";
    }

    @Override
    public String endpoint() {
        return api.endpoint();
    }

    @Override
    public List<ContainerTarget> containers() {
        Map<String, Task> tasks = new HashMap<>();
        // Tasks.List names each task by its container in id (container_id is left empty there)
        for (Task p : api.tasks()) tasks.put(p.getContainerId().isEmpty() ? p.getId() : p.getContainerId(), p);
        String self = TargetSelector.ownContainerIdOrNull();
        List<ContainerTarget> out = new ArrayList<>();
        String ownPodUid = System.getenv(CriContainers.OWN_POD_UID_ENV);
        for (Container c : api.containers()) {
            if (!selectable(c.getId(), c.getLabelsMap(), self, ownPodUid)) continue;
            Task task = tasks.get(c.getId());
            String name = c.getLabelsMap().getOrDefault(NAME_LABEL, c.getId());
            out.add(new ContainerTarget(c.getId(), name, state(task), c.getLabelsMap()));
        }
        return out;
    }

    /**
     * Never our own container, nor a container of our own pod, nor a pod sandbox (the pause container: in namespace
     * {@code k8s.io} it carries the pod's labels, so {@code --label app=web} would otherwise take the pod down).
     */
    static boolean selectable(String id, Map<String, String> labels, String self, String ownPodUid) {
        if (self != null && id.startsWith(self)) return false;
        if (SANDBOX.equals(labels.get(KIND_LABEL))) return false;
        return ownPodUid == null || ownPodUid.isEmpty() || !ownPodUid.equals(labels.get(CriContainers.POD_UID));
    }

    /** Docker's words for a container's state, as the selection reads them. */
    static String state(Task task) {
        if (task == null) return "exited";
        return switch (task.getStatus()) {
            case RUNNING -> "running";
            case PAUSED, PAUSING -> "paused";
            case CREATED -> "created";
            default -> "exited";
        };
    }

    @Override
    public void refuseUnsupported(Verb v, String signal) {
        if (!v.runsOn(Backend.DOCKER)) throw new Unsupported(v.word() + ": not on containerd");
        if (v == Verb.KILL) Signals.number(signal);
    }

    @Override
    public long hostPid(ContainerTarget t) {
        return runningPid(t.id());
    }

    /** The task's PID while it runs (or is paused: its namespaces are there); -1 when it has none or it exited. */
    private long runningPid(String containerId) {
        return api.task(containerId)
                .filter(p -> p.getStatus() == TaskStatus.RUNNING
                        || p.getStatus() == TaskStatus.PAUSED
                        || p.getStatus() == TaskStatus.PAUSING)
                .map(p -> (long) p.getPid())
                .filter(pid -> pid > 0)
                .orElse(-1L);
    }

    @Override
    public NetnsExecutor netns(ContainerTarget t, long hostPid, String changeId) {
        return NetnsExecutor.nsenter(hostPid);
    }

    @Override
    public void kill(ContainerTarget t, String signal) {
        tolerateGone(() -> api.kill(t.id(), Signals.number(signal), false));
    }

    /** {@code Tasks.Exec} beside the task's main process, under an exec id of its own. */
    @Override
    public int exec(ContainerTarget t, List<String> argv, Duration deadline) {
        String execId =
                "faultline-exec-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        return api.exec(t.id(), execId, argv, deadline);
    }

    /** SIGTERM, then SIGKILL to every process of the task if it has not exited within {@code timeout}. */
    @Override
    public void stop(ContainerTarget t, Duration timeout) {
        tolerateGone(() -> {
            api.kill(t.id(), Signals.number("SIGTERM"), false);
            if (!api.awaitExit(t.id(), timeout)) api.kill(t.id(), Signals.number("SIGKILL"), true);
        });
    }

    /**
     * As Pumba's containerd runtime restarts: the task stopped (SIGTERM, SIGKILL after {@code timeout}), deleted once
     * it exited, then a new task created from the container's snapshot and started (no stdio, as Pumba's).
     */
    @Override
    public void restart(ContainerTarget t, Duration timeout) {
        Container c = api.container(t.id());
        if (c.getSnapshotKey().isEmpty())
            throw new Unsupported("restart: " + t + " has no containerd snapshot (its owner, e.g. dockerd in namespace "
                    + "moby, mounts its rootfs and would not see a task it did not start); restart it through its "
                    + "owner (--runtime docker), or use kill, or stop");
        stop(t, timeout);
        if (!api.awaitExit(t.id(), KILL_TIMEOUT))
            throw new IllegalStateException(t + " did not exit within " + KILL_TIMEOUT.toSeconds() + " s of SIGKILL");
        tolerateGone(() -> api.deleteTask(t.id()));
        api.startNewTask(c);
    }

    /** The task (killed first with {@code force}), then the container; a running one without force is refused. */
    @Override
    public void remove(ContainerTarget t, boolean force, boolean volumes) {
        if (runningPid(t.id()) > 0) {
            if (!force) throw new IllegalStateException(t + " is running and --force=false");
            tolerateGone(() -> {
                api.kill(t.id(), Signals.number("SIGKILL"), true);
                api.awaitExit(t.id(), Duration.ofSeconds(10));
            });
        }
        tolerateGone(() -> api.deleteTask(t.id()));
        tolerateGone(() -> api.deleteContainer(t.id()));
    }

    @Override
    public Change pause(String id, ContainerTarget t, Journal journal) {
        return new TaskPause(id, t, api, journal);
    }

    /** A crashed sidecar's pause, resumed in this runtime's namespace: the pause's own, given the same flags. */
    @Override
    public Change adoptPause(Journal.Entry e, Journal journal) {
        return TaskPause.adopt(e, api, journal);
    }

    @Override
    public NetnsExecutor netnsOf(String containerId, String changeId) {
        long pid = runningPid(containerId);
        return pid > 0 ? NetnsExecutor.nsenter(pid) : NetnsExecutor.gone();
    }

    @Override
    public String describe() {
        return "containerd " + endpoint() + " namespace " + api.namespace()
                + (answers == null ? "" : " (" + answers + ")");
    }

    private static void tolerateGone(Runnable call) {
        try {
            call.run();
        } catch (ContainerdCallException e) {
            if (!e.notFound()) throw e; // removed, or its task deleted, meanwhile
        }
    }
}
