package dev.faultline.sidecar.runtime.docker;

import dev.faultline.common.engine.AttachStream;
import dev.faultline.sidecar.targets.ContainerTarget;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Every Docker Engine API call the sidecar makes, each as {@code docker kill|stop|…} makes it. Two implementations,
 * chosen once per endpoint by {@link #forHost}: the JDK-only socket client, and docker-java for TLS {@code tcp://}
 * engines (the one thing the socket client does not speak). A container that went away, or is already in the state
 * asked for (404, 409, 304), is not an error for kill, stop, restart, pause and unpause; for remove only a gone one is.
 */
public interface EngineCalls {
    /**
     * The socket client for {@code unix://} and plain {@code tcp://}; docker-java when {@code DOCKER_TLS_VERIFY} asks
     * for TLS (with {@code DOCKER_CERT_PATH}'s certificates, as the docker CLI takes them).
     */
    static EngineCalls forHost(String host) {
        return host.startsWith("tcp://") && tls(System.getenv("DOCKER_TLS_VERIFY"))
                ? new DockerJavaEngineCalls(host)
                : new SocketEngineCalls(host);
    }

    /** docker-java's reading of {@code DOCKER_TLS_VERIFY}. */
    static boolean tls(String verify) {
        return verify != null && List.of("1", "true").contains(verify.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * Some engines (20.10 among them) answer an unpause of a container that is not paused with 500 "… is not paused":
     * already in the state asked for all the same (a revert after someone unpaused it by hand).
     */
    static boolean notPaused(String engineMessage) {
        return engineMessage != null && engineMessage.contains("is not paused");
    }

    /** What the sidecar's own container is: its image, its PID mode, its labels. */
    record Own(String image, String pidMode, Map<String, String> labels) {}

    String endpoint();

    /** Every container the engine has, as {@code docker ps -a} lists them. */
    List<ContainerTarget> list();

    /** The ids of the containers, running or not, that carry {@code label=value}. */
    List<String> labelled(String label, String value);

    /** {@code docker inspect} as a target; null when gone. */
    ContainerTarget inspect(String id);

    /** The host PID of a running container; -1 when stopped or gone. */
    long runningPid(String id);

    /** Whether the engine reports it paused; false when gone. */
    boolean paused(String id);

    Own own(String id);

    void kill(String id, String signal);

    /**
     * A kill on Podman's service: its Docker-compatible kill, for SIGKILL, waits until the container has stopped,
     * and a restart policy (or anyone) that starts it again before Podman looks makes it wait for the next stop, up
     * to the call's deadline, which stalls every {@code --interval} tick; Podman's own API answers once the signal is
     * sent, as Docker does. Clients that do not speak it kill as Docker does.
     */
    default void killOnPodman(String id, String signal) {
        kill(id, signal);
    }

    void stop(String id, Duration timeout);

    void restart(String id, Duration timeout);

    /** {@code docker start}; one already running (304) or gone (404) is not an error. */
    void start(String id);

    void remove(String id, boolean force, boolean volumes);

    void pause(String id);

    /**
     * {@code docker exec -u 0}: created, started attached (the call returns when the command ends: Podman's service,
     * unlike Docker's, never marks a detached exec ended), then inspected for its exit code. One still running after
     * {@code deadline} is killed by its host PID ({@link #execOverdue}): the engine has no call that ends an exec.
     */
    int exec(String id, List<String> argv, Duration deadline);

    /** Kills an exec past its deadline by its host PID; the error that says so, or why it could not. */
    static IllegalStateException execOverdue(String id, List<String> argv, Duration deadline, long pid) {
        boolean killed = pid > 0
                && ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false);
        return new IllegalStateException("exec " + argv + " in " + id + " did not end within " + deadline.toMillis()
                + " ms: "
                + (killed
                        ? "killed (pid " + pid + ")"
                        : "cannot kill it (pid " + pid
                                + " not visible: run the sidecar with the host's PID namespace)"));
    }

    void unpause(String id);

    /**
     * Follows the engine's container events until the stream ends (returns) or cannot be opened (throws);
     * {@code onOpen} runs once it is open, {@code onEvent} for each event that may change a container's picture.
     */
    void follow(Runnable onOpen, Consumer<EngineContainers.Event> onEvent) throws IOException;

    /** Whether {@link #createAttachStart} works: a helper's stdin is attached over the socket client only. */
    boolean attaches();

    /** A container created from {@code json} ({@code POST /containers/create}), attached, then started. */
    Attached createAttachStart(String json) throws IOException;

    /** A created container and its attached stream. */
    record Attached(String id, AttachStream stream) {}
}
