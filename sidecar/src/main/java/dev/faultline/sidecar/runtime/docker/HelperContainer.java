package dev.faultline.sidecar.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import dev.faultline.sidecar.network.NetnsExec;
import dev.faultline.sidecar.network.NetnsExecutor;
import dev.faultline.sidecar.network.Watchdogs;
import dev.faultline.sidecar.targets.TargetSelector;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The slow path, for a sidecar container that cannot see host PIDs: each command runs in a short-lived container
 * of the sidecar's own image (it has tc, ip and iptables) joined to the target's network
 * ({@code --network container:<target>}) with {@code NET_ADMIN}. Helpers carry the sidecar container's own labels
 * plus {@code dev.faultline.helper}, and are removed when done.
 */
public final class HelperContainer implements NetnsExecutor {
    public static final String LABEL = "dev.faultline.helper";
    /** On a watchdog helper: the network change it guards, so a later sidecar can find one a crashed sidecar left. */
    public static final String WATCHDOG_LABEL = "dev.faultline.watchdog";
    private final DockerClient docker;
    private final String image;
    private final String targetId;
    private final long targetPid;
    private final Map<String, String> labels;

    public HelperContainer(DockerClient docker, String image, String targetId, long targetPid, Map<String, String> labels) {
        this.docker = docker;
        this.image = image;
        this.targetId = targetId;
        this.targetPid = targetPid;
        this.labels = new HashMap<>(labels);
        this.labels.put(LABEL, targetId);
    }

    /**
     * nsenter when host PIDs are visible (a host process, or a container run with {@code --pid host}), else a helper
     * container of our own image; {@code FAULTLINE_NETNS=helper} forces the helper.
     */
    public static NetnsExecutor forContainer(DockerClient docker, String targetId, long targetPid) {
        String self = TargetSelector.ownContainerIdOrNull();
        boolean forceHelper = "helper".equals(System.getenv("FAULTLINE_NETNS"));
        if (self == null && !forceHelper) return NetnsExecutor.nsenter(targetPid);
        if (self == null) throw new IllegalStateException("FAULTLINE_NETNS=helper needs the sidecar to run in a container (its image is the helper's)");
        InspectContainerResponse own = docker.inspectContainerCmd(self).exec();
        if (!forceHelper && "host".equals(own.getHostConfig().getPidMode())) return NetnsExecutor.nsenter(targetPid);
        Map<String, String> labels = own.getConfig().getLabels() == null ? Map.of() : own.getConfig().getLabels();
        return new HelperContainer(docker, own.getImageId(), targetId, targetPid, labels);
    }

    /**
     * A stop interrupts the experiment's thread; an interrupted thread's Engine API calls may fail half-way and
     * leave a helper behind, so each helper call runs with the flag cleared and restores it after.
     */
    @Override
    public NetnsExec.Result run(List<String> argv) {
        boolean interrupted = Thread.interrupted();
        try {
            return runOnce(argv);
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private NetnsExec.Result runOnce(List<String> argv) {
        String id = create(argv, false, Map.of());
        try {
            docker.startContainerCmd(id).exec();
            int code = docker.waitContainerCmd(id).exec(new WaitContainerResultCallback()).awaitStatusCode(60, TimeUnit.SECONDS);
            StringBuilder out = new StringBuilder();
            docker.logContainerCmd(id).withStdOut(true).withStdErr(true).exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                    out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                }
            }).awaitCompletion(30, TimeUnit.SECONDS);
            return new NetnsExec.Result(code, out.toString().trim());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new NetnsExec.Result(-1, "interrupted");
        } catch (RuntimeException e) {
            return new NetnsExec.Result(-1, "helper container for " + targetId + ": " + e.getMessage());
        } finally {
            remove(docker, id);
        }
    }

    /** A detached helper that sleeps, then reverts; it removes itself when done, and a cancel removes it at once. */
    @Override
    public Runnable watchdog(String changeId, Duration after, List<List<String>> revert) {
        boolean interrupted = Thread.interrupted();
        String id = null;
        try {
            id = create(Watchdogs.argv(changeId, after, revert), true, Map.of(WATCHDOG_LABEL, changeId));
            docker.startContainerCmd(id).exec();
        } catch (RuntimeException e) {
            if (id != null) remove(docker, id); // created, never started: not auto-removed
            return () -> { }; // the JVM's own timer and the journal still revert it
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
        String started = id;
        return () -> remove(docker, started);
    }

    /** The target stopped, was removed, or runs with a new main process (a restart: a new namespace). */
    @Override
    public boolean namespaceGone() {
        boolean interrupted = Thread.interrupted();
        try {
            InspectContainerResponse c = docker.inspectContainerCmd(targetId).exec();
            Long pid = c.getState().getPidLong();
            return !Boolean.TRUE.equals(c.getState().getRunning()) || pid == null || pid != targetPid;
        } catch (com.github.dockerjava.api.exception.NotFoundException removed) {
            return true;
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    @Override
    public String how() {
        return "helper";
    }

    /** Removes the watchdog helpers of a change (a crashed sidecar's); returns how many there were. */
    public static int removeWatchdogs(DockerClient docker, String changeId) {
        List<Container> found = docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(WATCHDOG_LABEL, changeId)).exec();
        found.forEach(c -> remove(docker, c.getId()));
        return found.size();
    }

    private String create(List<String> argv, boolean autoRemove, Map<String, String> extraLabels) {
        Map<String, String> all = new HashMap<>(labels);
        all.putAll(extraLabels);
        CreateContainerResponse c = docker.createContainerCmd(image)
                .withEntrypoint(argv.get(0))
                .withCmd(argv.subList(1, argv.size()))
                .withLabels(all)
                .withHostConfig(HostConfig.newHostConfig()
                        .withNetworkMode("container:" + targetId)
                        .withCapAdd(Capability.NET_ADMIN)
                        .withAutoRemove(autoRemove))
                .exec();
        return c.getId();
    }

    private static void remove(DockerClient docker, String id) {
        boolean interrupted = Thread.interrupted();
        try {
            docker.removeContainerCmd(id).withForce(true).exec();
        } catch (RuntimeException ignored) {
            // already gone (auto-removed)
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }
}
