package dev.faultline.sidecar.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import dev.faultline.sidecar.experiment.change.Change;
import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.network.NetnsExecutor;
import dev.faultline.sidecar.runtime.ContainerRuntime;
import dev.faultline.sidecar.targets.ContainerTarget;
import dev.faultline.sidecar.targets.TargetSelector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Docker Engine API: each verb is the engine's own call, as {@code docker kill|stop|…} does it. On a unix socket
 * the list, inspect and kill are plain HTTP ({@link EngineApi}); docker-java is created at its first use, by the
 * other verbs and by tcp:// hosts.
 */
public final class DockerRuntime implements ContainerRuntime {
    private final String endpoint;
    private final String version;
    private final EngineApi api;
    private DockerClient docker;
    private volatile ContainerCache cache;

    private DockerRuntime(String endpoint, String version) {
        this.endpoint = endpoint;
        this.version = version;
        this.api = EngineApi.forHost(endpoint);
    }

    /** The engine at {@code endpoint}; {@code version} is what its {@code /_ping} said, or null when not probed. */
    public static DockerRuntime connect(String endpoint, String version) {
        return new DockerRuntime(endpoint, version);
    }

    public synchronized DockerClient client() {
        if (docker == null) docker = Engine.connect(endpoint);
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
        for (ContainerTarget c : listed()) {
            if (self != null && c.id().startsWith(self)) continue; // never act on our own container
            if (c.labels().containsKey(HelperContainer.LABEL)) continue; // nor on the helpers that shape a network
            out.add(c);
        }
        return out;
    }

    @Override
    public synchronized void keepCurrent() {
        if (api == null || cache != null) return; // tcp:// hosts: docker-java, listed per action
        cache = new ContainerCache(api);
        cache.start();
    }

    @Override
    public List<ContainerTarget> named(List<String> names, boolean runningOnly) {
        ContainerCache c = cache;
        List<ContainerTarget> hits = c == null ? null : c.named(names, runningOnly);
        if (hits == null) return null;
        String self = TargetSelector.ownContainerIdOrNull();
        for (ContainerTarget t : hits) {
            if (self != null && t.id().startsWith(self) || t.labels().containsKey(HelperContainer.LABEL)) return null; // the list leaves them out
        }
        return hits;
    }

    /** Every container the engine has, as {@code docker ps -a} lists them. */
    private List<ContainerTarget> listed() {
        if (api != null) return EngineContainers.list(api);
        List<ContainerTarget> out = new ArrayList<>();
        for (Container c : client().listContainersCmd().withShowAll(true).exec()) {
            String name = c.getNames() == null || c.getNames().length == 0 ? c.getId() : c.getNames()[0].substring(1);
            Map<String, String> l = c.getLabels() == null ? Map.of() : c.getLabels();
            out.add(new ContainerTarget(c.getId(), name, c.getState(), l));
        }
        return out;
    }

    @Override
    public long hostPid(ContainerTarget t) {
        return runningPid(t.id());
    }

    @Override
    public NetnsExecutor netns(ContainerTarget t, long hostPid, String changeId) {
        return HelperContainer.forContainer(api, this::client, t.id(), hostPid, changeId);
    }

    @Override
    public void kill(ContainerTarget t, String signal) {
        if (api != null) EngineContainers.kill(api, t.id(), signal);
        else Engine.tolerateGone(() -> client().killContainerCmd(t.id()).withSignal(signal).exec());
    }

    @Override
    public void stop(ContainerTarget t, Duration timeout) {
        Engine.tolerateGone(() -> client().stopContainerCmd(t.id()).withTimeout((int) timeout.toSeconds()).exec());
    }

    @Override
    public void restart(ContainerTarget t, Duration timeout) {
        Engine.tolerateGone(() -> client().restartContainerCmd(t.id()).withTimeout((int) timeout.toSeconds()).exec());
    }

    @Override
    public void remove(ContainerTarget t, boolean force, boolean volumes) {
        try {
            client().removeContainerCmd(t.id()).withForce(force).withRemoveVolumes(volumes).exec();
        } catch (NotFoundException gone) {
            // removed meanwhile
        }
    }

    @Override
    public Change pause(String id, ContainerTarget t, Journal journal) {
        return new PauseChange(id, t, client(), endpoint, journal);
    }

    @Override
    public Change adoptPause(Journal.Entry e, Journal journal) {
        return PauseChange.adopt(e, client(), endpoint, journal);
    }

    @Override
    public NetnsExecutor netnsOf(String containerId, String changeId) {
        long pid = runningPid(containerId);
        // a stopped or removed container's namespace is gone, and the change with it
        return pid > 0 ? HelperContainer.forContainer(api, this::client, containerId, pid, changeId) : NetnsExecutor.gone();
    }

    @Override
    public int stopHiddenWatchdogs(String changeId) {
        return HelperContainer.removeWatchdogs(api, this::client, changeId);
    }

    @Override
    public String describe() {
        return "docker " + endpoint + (version == null ? "" : " (" + version + ")");
    }

    private long runningPid(String containerId) {
        if (api != null) return EngineContainers.runningPid(api, containerId);
        try {
            InspectContainerResponse c = client().inspectContainerCmd(containerId).exec();
            Long p = c.getState().getPidLong();
            return Boolean.TRUE.equals(c.getState().getRunning()) && p != null && p > 0 ? p : -1;
        } catch (NotFoundException gone) {
            return -1;
        }
    }
}
