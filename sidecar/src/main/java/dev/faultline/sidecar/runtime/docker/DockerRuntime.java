package dev.faultline.sidecar.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import dev.faultline.sidecar.change.Change;
import dev.faultline.sidecar.change.PauseChange;
import dev.faultline.sidecar.docker.Engine;
import dev.faultline.sidecar.docker.HelperContainer;
import dev.faultline.sidecar.journal.Journal;
import dev.faultline.sidecar.netem.NetnsExecutor;
import dev.faultline.sidecar.runtime.ContainerRuntime;
import dev.faultline.sidecar.target.ContainerTarget;
import dev.faultline.sidecar.target.TargetSelector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The Docker Engine API (docker-java): each verb is the engine's own call, as {@code docker kill|stop|…} does it. */
public final class DockerRuntime implements ContainerRuntime {
    private final DockerClient docker;
    private final String endpoint;
    private final String version;

    public DockerRuntime(DockerClient docker, String endpoint, String version) {
        this.docker = docker;
        this.endpoint = endpoint;
        this.version = version;
    }

    /** The engine at {@code endpoint}; {@code version} is what its {@code /_ping} said, or null when not probed. */
    public static DockerRuntime connect(String endpoint, String version) {
        return new DockerRuntime(Engine.connect(endpoint), endpoint, version);
    }

    public DockerClient client() {
        return docker;
    }

    @Override
    public String kind() {
        return "docker";
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    @Override
    public List<ContainerTarget> containers() {
        String self = TargetSelector.ownContainerIdOrNull();
        List<ContainerTarget> out = new ArrayList<>();
        for (Container c : docker.listContainersCmd().withShowAll(true).exec()) {
            String name = c.getNames() == null || c.getNames().length == 0 ? c.getId() : c.getNames()[0].substring(1);
            Map<String, String> l = c.getLabels() == null ? Map.of() : c.getLabels();
            if (self != null && c.getId().startsWith(self)) continue; // never act on our own container
            if (l.containsKey(HelperContainer.LABEL)) continue; // nor on the short-lived helpers that shape a network
            out.add(new ContainerTarget(c.getId(), name, c.getState(), l));
        }
        return out;
    }

    @Override
    public long hostPid(ContainerTarget t) {
        return runningPid(t.id());
    }

    @Override
    public NetnsExecutor netns(ContainerTarget t, long hostPid) {
        return HelperContainer.forContainer(docker, t.id(), hostPid);
    }

    @Override
    public void kill(ContainerTarget t, String signal) {
        Engine.tolerateGone(() -> docker.killContainerCmd(t.id()).withSignal(signal).exec());
    }

    @Override
    public void stop(ContainerTarget t, Duration timeout) {
        Engine.tolerateGone(() -> docker.stopContainerCmd(t.id()).withTimeout((int) timeout.toSeconds()).exec());
    }

    @Override
    public void restart(ContainerTarget t, Duration timeout) {
        Engine.tolerateGone(() -> docker.restartContainerCmd(t.id()).withTimeout((int) timeout.toSeconds()).exec());
    }

    @Override
    public void remove(ContainerTarget t, boolean force, boolean volumes) {
        try {
            docker.removeContainerCmd(t.id()).withForce(force).withRemoveVolumes(volumes).exec();
        } catch (NotFoundException gone) {
            // removed meanwhile
        }
    }

    @Override
    public Change pause(String id, ContainerTarget t, Journal journal) {
        return new PauseChange(id, t, docker, endpoint, journal);
    }

    @Override
    public Change adoptPause(Journal.Entry e, Journal journal) {
        return PauseChange.adopt(e, docker, endpoint, journal);
    }

    @Override
    public NetnsExecutor netnsOf(String containerId) {
        long pid = runningPid(containerId);
        // a stopped or removed container's namespace is gone, and the change with it
        return pid > 0 ? HelperContainer.forContainer(docker, containerId, pid) : NetnsExecutor.gone();
    }

    @Override
    public int stopHiddenWatchdogs(String changeId) {
        return HelperContainer.removeWatchdogs(docker, changeId);
    }

    @Override
    public String describe() {
        return "docker " + endpoint + (version == null ? "" : " (" + version + ")");
    }

    private long runningPid(String containerId) {
        try {
            InspectContainerResponse c = docker.inspectContainerCmd(containerId).exec();
            Long p = c.getState().getPidLong();
            return Boolean.TRUE.equals(c.getState().getRunning()) && p != null && p > 0 ? p : -1;
        } catch (NotFoundException gone) {
            return -1;
        }
    }
}
