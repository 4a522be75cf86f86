package dev.faultline.sidecar.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.InternalServerErrorException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.faultline.sidecar.targets.ContainerTarget;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The engine's calls through docker-java, for a TLS {@code tcp://} engine: the client takes
 * {@code DOCKER_TLS_VERIFY} and {@code DOCKER_CERT_PATH} as the docker CLI does. It costs half a second of start-up
 * (BENCHMARKS.md), paid only by those engines.
 */
final class DockerJavaEngineCalls implements EngineCalls {
    private final String host;
    private final DockerClient docker;

    DockerJavaEngineCalls(String host) {
        this.host = host;
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host)
                .build();
        ZerodepDockerHttpClient http = new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofSeconds(60))
                .build();
        this.docker = DockerClientImpl.getInstance(config, http);
    }

    /** A container that went away, or is already in the state asked for (409: already paused …; 304: stopped). */
    private static void tolerateGone(Runnable call) {
        try {
            call.run();
        } catch (NotFoundException | ConflictException | NotModifiedException e) {
            // already stopped, paused, unpaused or removed: nothing left to do
        }
    }

    @Override
    public String endpoint() {
        return host;
    }

    @Override
    public List<ContainerTarget> list() {
        List<ContainerTarget> out = new ArrayList<>();
        for (Container c : docker.listContainersCmd().withShowAll(true).exec()) out.add(target(c));
        return out;
    }

    private static ContainerTarget target(Container c) {
        String name = c.getNames() == null || c.getNames().length == 0 ? c.getId() : c.getNames()[0].substring(1);
        Map<String, String> l = c.getLabels() == null ? Map.of() : c.getLabels();
        return new ContainerTarget(c.getId(), name, c.getState(), l);
    }

    @Override
    public List<String> labelled(String label, String value) {
        List<Container> found = docker.listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(label, value))
                .exec();
        return found.stream().map(Container::getId).toList();
    }

    private InspectContainerResponse inspected(String id) {
        try {
            return docker.inspectContainerCmd(id).exec();
        } catch (NotFoundException gone) {
            return null;
        }
    }

    @Override
    public ContainerTarget inspect(String id) {
        InspectContainerResponse c = inspected(id);
        if (c == null) return null;
        String name =
                c.getName() != null && c.getName().startsWith("/") ? c.getName().substring(1) : c.getId();
        boolean none = c.getConfig() == null || c.getConfig().getLabels() == null;
        Map<String, String> l = none ? Map.of() : c.getConfig().getLabels();
        return new ContainerTarget(c.getId(), name, c.getState().getStatus(), l);
    }

    @Override
    public long runningPid(String id) {
        InspectContainerResponse c = inspected(id);
        if (c == null) return -1;
        Long p = c.getState().getPidLong();
        return Boolean.TRUE.equals(c.getState().getRunning()) && p != null && p > 0 ? p : -1;
    }

    @Override
    public boolean paused(String id) {
        InspectContainerResponse c = inspected(id);
        return c != null && Boolean.TRUE.equals(c.getState().getPaused());
    }

    @Override
    public Own own(String id) {
        InspectContainerResponse own = docker.inspectContainerCmd(id).exec();
        Map<String, String> l =
                own.getConfig().getLabels() == null ? Map.of() : own.getConfig().getLabels();
        return new Own(own.getImageId(), own.getHostConfig().getPidMode(), l);
    }

    @Override
    public void kill(String id, String signal) {
        tolerateGone(() -> docker.killContainerCmd(id).withSignal(signal).exec());
    }

    @Override
    public void stop(String id, Duration timeout) {
        tolerateGone(() -> docker.stopContainerCmd(id)
                .withTimeout((int) timeout.toSeconds())
                .exec());
    }

    @Override
    public void start(String id) {
        tolerateGone(() -> docker.startContainerCmd(id).exec());
    }

    @Override
    public void restart(String id, Duration timeout) {
        tolerateGone(() -> docker.restartContainerCmd(id)
                .withTimeout((int) timeout.toSeconds())
                .exec());
    }

    @Override
    public void remove(String id, boolean force, boolean volumes) {
        try {
            docker.removeContainerCmd(id)
                    .withForce(force)
                    .withRemoveVolumes(volumes)
                    .exec();
        } catch (NotFoundException gone) {
            // removed meanwhile
        }
    }

    @Override
    public void pause(String id) {
        tolerateGone(() -> docker.pauseContainerCmd(id).exec());
    }

    @Override
    public int exec(String id, List<String> argv, Duration deadline) {
        String exec = docker.execCreateCmd(id)
                .withUser("0")
                .withAttachStdout(true)
                .withAttachStderr(true)
                .withCmd(argv.toArray(String[]::new))
                .exec()
                .getId();
        try {
            if (!docker.execStartCmd(exec)
                    .exec(new ResultCallback.Adapter<>())
                    .awaitCompletion(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                Long pid = docker.inspectExecCmd(exec).exec().getPidLong();
                throw EngineCalls.execOverdue(id, argv, deadline, pid == null ? 0 : pid);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while exec " + argv + " ran in " + id, e);
        }
        Long code = docker.inspectExecCmd(exec).exec().getExitCodeLong();
        if (code == null) throw new IllegalStateException("exec " + argv + " in " + id + ": no exit code");
        return code.intValue();
    }

    @Override
    public void unpause(String id) {
        try {
            tolerateGone(() -> docker.unpauseContainerCmd(id).exec());
        } catch (InternalServerErrorException e) {
            if (!EngineCalls.notPaused(e.getMessage())) throw e;
        }
    }

    @Override
    public void follow(Runnable onOpen, Consumer<EngineContainers.Event> onEvent) throws IOException {
        ResultCallback.Adapter<Event> events = new ResultCallback.Adapter<>() {
            @Override
            public void onStart(Closeable stream) {
                super.onStart(stream);
                onOpen.run();
            }

            @Override
            public void onNext(Event e) {
                if (e.getActor() == null) return;
                String name = e.getActor().getAttributes() == null
                        ? null
                        : e.getActor().getAttributes().get("name");
                String type = e.getType() == null ? null : e.getType().getValue();
                String id = e.getActor().getId();
                EngineContainers.Event changed = EngineContainers.event(type, e.getAction(), id, name);
                if (changed != null) onEvent.accept(changed);
            }
        };
        docker.eventsCmd().withEventTypeFilter(EventType.CONTAINER).exec(events);
        try {
            events.awaitCompletion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            events.close();
            throw new InterruptedIOException("interrupted while following the engine's events");
        }
    }

    /** The helper's stdin is attached over the socket client, which does not speak TLS. */
    @Override
    public boolean attaches() {
        return false;
    }

    @Override
    public Attached createAttachStart(String json) {
        throw new UnsupportedOperationException("a helper container is attached over the socket client only");
    }
}
