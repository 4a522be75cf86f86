package dev.faultline.sidecar.runtime.docker;

import dev.faultline.sidecar.experiment.change.Change;
import dev.faultline.sidecar.experiment.change.KillPoints;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.network.NetnsExecutor;
import dev.faultline.sidecar.targets.ContainerTarget;

import java.time.Duration;
import java.util.List;

/**
 * A container paused through the engine. Its watchdog is a shell that, at the deadline, runs this jar's
 * {@link Unpause} on the same engine endpoint (a JVM for a second, only if the sidecar died); the check is the
 * engine's own view, not paused (or not running, or removed).
 */
public final class PauseChange extends Change {
    private final DockerClient docker;
    /** the engine {@code docker} talks to, for the watchdog's {@link Unpause} */
    private final String endpoint;

    public PauseChange(String id, ContainerTarget target, DockerClient docker, String endpoint, Journal journal) {
        this(id, target.id(), target.toString(), docker, endpoint, journal);
    }

    private PauseChange(String id, String containerId, String label, DockerClient docker, String endpoint, Journal journal) {
        super(id, containerId, label, Journal.Kind.PAUSE, List.of(), List.of(), journal);
        this.docker = docker;
        this.endpoint = endpoint;
    }

    /** A pause read back from a crashed sidecar's journal, to be undone (now, by this sidecar: no watchdog). */
    public static Change adopt(Journal.Entry e, DockerClient docker, String endpoint, Journal journal) {
        return new PauseChange(e.id(), e.containerId(), e.containerId(), docker, endpoint, journal).adopted();
    }

    @Override
    protected void make() {
        dev.faultline.sidecar.runtime.docker.Engine.tolerateGone(() -> docker.pauseContainerCmd(targetId()).exec());
        KillPoints.reached(KillPoints.FIRST_COMMAND);
    }

    @Override
    protected void undo() {
        Unpause.unpause(docker, targetId());
    }

    @Override
    protected String leftover() {
        try {
            InspectContainerResponse c = docker.inspectContainerCmd(targetId()).exec();
            return Boolean.TRUE.equals(c.getState().getPaused()) ? "the engine still reports " + targetId() + " paused" : null;
        } catch (NotFoundException removed) {
            return null;
        }
    }

    @Override
    protected Runnable watchdog(Duration after) {
        return NetnsExecutor.nsenter(0).watchdog(id(), after, List.of(Unpause.argv(targetId(), endpoint)));
    }

    @Override
    protected String how() {
        return "engine";
    }
}
