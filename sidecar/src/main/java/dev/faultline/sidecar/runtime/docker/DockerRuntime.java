package dev.faultline.sidecar.runtime.docker;

import dev.faultline.common.sidecar.Verb;
import dev.faultline.sidecar.experiment.change.Change;
import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.network.NetnsExecutor;
import dev.faultline.sidecar.runtime.ContainerRuntime;
import dev.faultline.sidecar.targets.ContainerTarget;
import dev.faultline.sidecar.targets.TargetSelector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Docker Engine API (Docker, or Podman's compatible service): each verb is the engine's own call, as
 * {@code docker kill|stop|…} does it, through the {@link EngineCalls} chosen once for the endpoint (plain HTTP on a
 * socket; docker-java for a TLS engine).
 */
public final class DockerRuntime implements ContainerRuntime {
    private final String kind;
    private final String endpoint;
    private final String version;
    private final EngineCalls engine;
    private final Refusal refusal;
    private volatile ContainerCache cache;

    /** Why this engine cannot serve a verb (rootless Podman and the network verbs), or null when it can. */
    @FunctionalInterface
    public interface Refusal {
        String why(Verb verb);
    }

    private DockerRuntime(String kind, String endpoint, String version, Refusal refusal) {
        this.kind = kind;
        this.endpoint = endpoint;
        this.version = version;
        this.refusal = refusal;
        this.engine = EngineCalls.forHost(endpoint);
    }

    /** The engine at {@code endpoint}; {@code version} is what its {@code /_ping} said, or null when not probed. */
    public static DockerRuntime connect(String endpoint, String version) {
        return connect("docker", endpoint, version);
    }

    /** The same client for another engine with Docker's API ({@code podman}'s service): {@code kind} names it. */
    public static DockerRuntime connect(String kind, String endpoint, String version) {
        return connect(kind, endpoint, version, null);
    }

    /** As above; {@code refusal} (may be null) names the verbs this engine cannot serve, refused before selection. */
    public static DockerRuntime connect(String kind, String endpoint, String version, Refusal refusal) {
        return new DockerRuntime(kind, endpoint, version, refusal);
    }

    @Override
    public void refuseUnsupported(Verb verb, String signal) {
        String why = refusal == null ? null : refusal.why(verb);
        if (why != null) throw new Unsupported(why);
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    @Override
    public List<ContainerTarget> containers() {
        String self = TargetSelector.ownContainerIdOrNull();
        List<ContainerTarget> out = new ArrayList<>();
        for (ContainerTarget c : engine.list()) {
            if (self != null && c.id().startsWith(self)) continue; // never act on our own container
            if (c.labels().containsKey(HelperContainer.LABEL)) continue; // nor on the helpers that shape a network
            out.add(c);
        }
        return out;
    }

    @Override
    public synchronized void keepCurrent() {
        if (cache != null) return;
        cache = new ContainerCache(engine);
        cache.start();
    }

    @Override
    public List<ContainerTarget> named(List<String> names, boolean runningOnly) {
        ContainerCache c = cache;
        List<ContainerTarget> hits = c == null ? null : c.named(names, runningOnly);
        if (hits == null) return null;
        String self = TargetSelector.ownContainerIdOrNull();
        for (ContainerTarget t : hits) {
            if (self != null && t.id().startsWith(self) || t.labels().containsKey(HelperContainer.LABEL))
                return null; // the list leaves them out
        }
        return hits;
    }

    @Override
    public long hostPid(ContainerTarget t) {
        return runningPid(t.id());
    }

    @Override
    public NetnsExecutor netns(ContainerTarget t, long hostPid, String changeId) {
        return HelperContainer.forContainer(engine, t.id(), hostPid, changeId);
    }

    @Override
    public void kill(ContainerTarget t, String signal) {
        if (kind.equals("podman")) engine.killOnPodman(t.id(), signal);
        else engine.kill(t.id(), signal);
    }

    @Override
    public int exec(ContainerTarget t, List<String> argv, Duration deadline) {
        return engine.exec(t.id(), argv, deadline);
    }

    @Override
    public void stop(ContainerTarget t, Duration timeout) {
        engine.stop(t.id(), timeout);
    }

    @Override
    public void restart(ContainerTarget t, Duration timeout) {
        engine.restart(t.id(), timeout);
    }

    @Override
    public void remove(ContainerTarget t, boolean force, boolean volumes) {
        engine.remove(t.id(), force, volumes);
    }

    @Override
    public Change pause(String id, ContainerTarget t, Journal journal) {
        return new PauseChange(id, t, engine, journal);
    }

    @Override
    public Change stopForRestart(String id, ContainerTarget t, Duration timeout, Journal journal) {
        return new StopChange(id, t, timeout, engine, journal);
    }

    @Override
    public Change adoptStopped(Journal.Entry e, Journal journal) {
        return StopChange.adopt(e, engine, journal);
    }

    @Override
    public Change adoptPause(Journal.Entry e, Journal journal) {
        return PauseChange.adopt(e, engine, journal);
    }

    @Override
    public NetnsExecutor netnsOf(String containerId, String changeId) {
        long pid = runningPid(containerId);
        // a stopped or removed container's namespace is gone, and the change with it
        return pid > 0 ? HelperContainer.forContainer(engine, containerId, pid, changeId) : NetnsExecutor.gone();
    }

    @Override
    public int stopHiddenWatchdogs(String changeId) {
        return HelperContainer.removeWatchdogs(engine, changeId);
    }

    @Override
    public String describe() {
        return kind + " " + endpoint + (version == null ? "" : " (" + version + ")");
    }

    private long runningPid(String containerId) {
        return engine.runningPid(containerId);
    }
}
