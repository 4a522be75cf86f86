package dev.faultline.sidecar.runtime.containerd;

import dev.faultline.sidecar.experiment.change.Change;
import dev.faultline.sidecar.experiment.change.KillPoints;
import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.network.NetnsExecutor;
import dev.faultline.sidecar.runtime.containerd.ContainerdApi.ContainerdCallException;
import dev.faultline.sidecar.runtime.containerd.v1.TaskStatus;
import dev.faultline.sidecar.targets.ContainerTarget;
import java.time.Duration;
import java.util.List;

/**
 * A container's task paused through containerd ({@code Tasks.Pause}), resumed by {@code Tasks.Resume}. Its watchdog is
 * a shell that, at the deadline, runs this jar's {@link Resume} on the same socket and namespace (a JVM for a second,
 * only if the sidecar died); the check is containerd's own view: not paused (or no task, or no container).
 */
public final class TaskPause extends Change {
    private final ContainerdApi api;

    TaskPause(String id, ContainerTarget target, ContainerdApi api, Journal journal) {
        this(id, target.id(), target.toString(), api, journal);
    }

    private TaskPause(String id, String containerId, String label, ContainerdApi api, Journal journal) {
        super(id, containerId, label, Journal.Kind.PAUSE, List.of(), List.of(), journal);
        this.api = api;
    }

    /** A pause read back from a crashed sidecar's journal, to be resumed now by this sidecar. */
    static Change adopt(Journal.Entry e, ContainerdApi api, Journal journal) {
        return new TaskPause(e.id(), e.containerId(), e.containerId(), api, journal).adopted();
    }

    @Override
    protected void make() {
        api.pause(targetId());
        KillPoints.reached(KillPoints.FIRST_COMMAND);
    }

    @Override
    protected void undo() {
        resume(api, targetId());
    }

    /** Resumes, tolerating a task that is gone or not paused (resumed by hand, or exited meanwhile). */
    static void resume(ContainerdApi api, String containerId) {
        try {
            api.resume(containerId);
        } catch (ContainerdCallException e) {
            if (!e.notFound() && !e.failedPrecondition()) throw e;
        }
    }

    @Override
    protected String leftover() {
        TaskStatus s = api.task(targetId()).map(p -> p.getStatus()).orElse(TaskStatus.STOPPED);
        return s == TaskStatus.PAUSED || s == TaskStatus.PAUSING
                ? "containerd still reports the task of " + targetId() + " "
                        + s.name().toLowerCase()
                : null;
    }

    @Override
    protected Runnable watchdog(Duration after) {
        return NetnsExecutor.nsenter(0)
                .watchdog(id(), after, List.of(Resume.argv(targetId(), api.endpoint(), api.namespace())));
    }

    @Override
    protected String how() {
        return "containerd";
    }
}
