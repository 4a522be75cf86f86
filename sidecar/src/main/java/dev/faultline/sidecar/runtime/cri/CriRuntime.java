package dev.faultline.sidecar.runtime.cri;

import com.google.common.util.concurrent.ListenableFuture;
import dev.faultline.common.json.JsonReader;
import dev.faultline.sidecar.runtime.RuntimeEndpointException;
import dev.faultline.sidecar.runtime.cri.v1.*;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A container runtime through CRI v1 (containerd, CRI-O) on its unix socket. Lists the application containers as
 * Kubernetes names them, finds a container's host process, stops and removes containers, and freezes their cgroup
 * (CRI itself has no pause). Every failure names the endpoint, the call and the cause.
 */
public final class CriRuntime implements AutoCloseable {
    /** kubelet's own limit: a busy node's ListContainers is larger than gRPC's default 4 MiB */
    private static final int MAX_MESSAGE = 16 * 1024 * 1024;

    static {
        // netty warns on every unix-socket connect that SO_KEEPALIVE does not apply to it: noise in the sidecar's log
        String quiet = "org.slf4j.simpleLogger.log.io.grpc.netty.shaded.io.netty.bootstrap.Bootstrap";
        if (System.getProperty(quiet) == null) System.setProperty(quiet, "error");
    }

    private final String endpoint;
    private final Duration deadline;
    private final ManagedChannel channel;

    private CriRuntime(String endpoint, Duration deadline) {
        this.endpoint = endpoint;
        this.deadline = deadline;
        // unix:/// targets: grpc-netty-shaded brings the resolver and the epoll domain-socket transport
        this.channel = Grpc.newChannelBuilder(endpoint, InsecureChannelCredentials.create())
                .maxInboundMessageSize(MAX_MESSAGE)
                .directExecutor()
                .build();
    }

    /** A client for {@code unix:///path}; nothing is sent until the first call. {@code deadline} bounds each call. */
    public static CriRuntime connect(String endpoint, Duration deadline) {
        return new CriRuntime(endpoint, deadline);
    }

    public String endpoint() {
        return endpoint;
    }

    /** e.g. {@code containerd 1.6.20~ds1 (CRI v1)} */
    public CriVersion version() {
        VersionResponse v = call(
                "Version",
                CriCalls.VERSION,
                VersionRequest.newBuilder().setVersion("v1").build(),
                deadline);
        return new CriVersion(v.getRuntimeName(), v.getRuntimeVersion(), v.getRuntimeApiVersion());
    }

    /** Every application container, in any state, with its pod's labels. Pod sandboxes are never in it. */
    public List<CriContainer> containers() {
        // the two lists are independent: both asked at once, one round trip instead of two on a crash's or kill's path
        var sandboxes = CriCalls.start(
                channel, CriCalls.LIST_POD_SANDBOX, ListPodSandboxRequest.getDefaultInstance(), deadline);
        List<Container> listed = call(
                        "ListContainers",
                        CriCalls.LIST_CONTAINERS,
                        ListContainersRequest.getDefaultInstance(),
                        deadline)
                .getContainersList();
        Map<String, PodSandbox> pods = new HashMap<>();
        for (PodSandbox p : await("ListPodSandbox", sandboxes, deadline).getItemsList()) pods.put(p.getId(), p);
        List<CriContainer> out = new ArrayList<>();
        for (Container c : listed) {
            if (isSandbox(c, pods)) continue;
            PodSandbox pod = pods.get(c.getPodSandboxId());
            Map<String, String> labels = c.getLabelsMap();
            String namespace = labels.getOrDefault(
                    "io.kubernetes.pod.namespace",
                    pod == null ? "" : pod.getMetadata().getNamespace());
            String podName = labels.getOrDefault(
                    "io.kubernetes.pod.name",
                    pod == null ? "" : pod.getMetadata().getName());
            String name = labels.getOrDefault(
                    "io.kubernetes.container.name", c.getMetadata().getName());
            out.add(new CriContainer(
                    c.getId(),
                    c.getPodSandboxId(),
                    namespace,
                    podName,
                    name,
                    pod == null ? Map.of() : pod.getLabelsMap(),
                    state(c.getState()),
                    c.getImage().getImage()));
        }
        return out;
    }

    /** The container's host PID and cgroup from {@code ContainerStatus(verbose)}; refused when it is not running. */
    public ContainerProcess process(String containerId) {
        return running(containerId)
                .orElseThrow(
                        () -> new RuntimeEndpointException(endpoint, "container " + containerId + " is not running"));
    }

    /** As {@link #process}, empty when the container is not running or gone (removed meanwhile is no error). */
    public Optional<ContainerProcess> running(String containerId) {
        ContainerStatusResponse r;
        try {
            r = call(
                    "ContainerStatus",
                    CriCalls.CONTAINER_STATUS,
                    ContainerStatusRequest.newBuilder()
                            .setContainerId(containerId)
                            .setVerbose(true)
                            .build(),
                    deadline);
        } catch (CriCallException e) {
            if (e.notFound()) return Optional.empty();
            throw e;
        }
        if (r.getStatus().getState() != ContainerState.CONTAINER_RUNNING) return Optional.empty();
        // containerd and CRI-O both put a JSON document under "info" with the host pid and the OCI runtime spec
        String info = r.getInfoMap().get("info");
        if (info == null)
            throw new RuntimeEndpointException(
                    endpoint, "ContainerStatus(verbose) of " + containerId + " carries no 'info'");
        Map<?, ?> doc;
        try {
            doc = JsonReader.parse(info, "it") instanceof Map<?, ?> m ? m : Map.of();
        } catch (IllegalStateException e) {
            throw new RuntimeEndpointException(
                    endpoint,
                    "ContainerStatus(verbose) of " + containerId + ": its 'info' is no JSON: " + e.getMessage(),
                    e);
        }
        long pid = doc.get("pid") instanceof Number n ? n.longValue() : 0;
        if (pid <= 0)
            throw new RuntimeEndpointException(
                    endpoint, "ContainerStatus(verbose) of " + containerId + " has no host pid");
        return Optional.of(new ContainerProcess(containerId, pid, cgroupsPath(doc)));
    }

    /** {@code runtimeSpec.linux.cgroupsPath} of a container's verbose status, or "". */
    private static String cgroupsPath(Map<?, ?> info) {
        Object spec = info.get("runtimeSpec");
        Object linux = spec instanceof Map<?, ?> m ? m.get("linux") : null;
        Object path = linux instanceof Map<?, ?> m ? m.get("cgroupsPath") : null;
        return path instanceof String p ? p : "";
    }

    /** The container's state now (CRI has no paused state: a frozen container is RUNNING). */
    public CriContainer.State state(String containerId) {
        return state(call(
                        "ContainerStatus",
                        CriCalls.CONTAINER_STATUS,
                        ContainerStatusRequest.newBuilder()
                                .setContainerId(containerId)
                                .build(),
                        deadline)
                .getStatus()
                .getState());
    }

    /** {@code StopContainer}: SIGTERM (or the image's stop signal), SIGKILL after {@code timeout}. */
    public void stop(String containerId, Duration timeout) {
        call(
                "StopContainer",
                CriCalls.STOP_CONTAINER,
                StopContainerRequest.newBuilder()
                        .setContainerId(containerId)
                        .setTimeout(timeout.toSeconds())
                        .build(),
                timeout.plus(deadline).plus(deadline)); // the runtime waits the timeout, then kills and reaps
    }

    /**
     * {@code ExecSync}: {@code argv} in the container, its exit code; the runtime kills it after {@code within} (whole
     * seconds, rounded up: CRI's unit) and answers with an error, which this call reports.
     */
    public int execSync(String containerId, List<String> argv, Duration within) {
        long seconds = Math.max(1, (within.toMillis() + 999) / 1000);
        return call(
                        "ExecSync",
                        CriCalls.EXEC_SYNC,
                        ExecSyncRequest.newBuilder()
                                .setContainerId(containerId)
                                .addAllCmd(argv)
                                .setTimeout(seconds)
                                .build(),
                        Duration.ofSeconds(seconds).plus(deadline))
                .getExitCode();
    }

    /** {@code RemoveContainer}: a running container is killed first. */
    public void remove(String containerId) {
        call(
                "RemoveContainer",
                CriCalls.REMOVE_CONTAINER,
                RemoveContainerRequest.newBuilder().setContainerId(containerId).build(),
                deadline.plus(deadline));
    }

    /** The freezer of the container's cgroup (v1 or v2), found through its host process. */
    public CgroupFreezer freezer(String containerId) {
        return CgroupFreezer.of(process(containerId).pid());
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private <Q, R> R call(String rpc, MethodDescriptor<Q, R> method, Q request, Duration within) {
        try {
            return CriCalls.call(channel, method, request, within);
        } catch (StatusRuntimeException e) {
            throw new CriCallException(
                    endpoint,
                    rpc,
                    e.getStatus().getCode() == Status.Code.NOT_FOUND,
                    describe(e.getStatus(), within),
                    e);
        }
    }

    /** The answer of a call {@link CriCalls#start started} earlier, its failure named as {@link #call} names it. */
    private <R> R await(String rpc, ListenableFuture<R> answer, Duration within) {
        try {
            return answer.get();
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new CriCallException(endpoint, rpc, false, "interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException sre)
                throw new CriCallException(
                        endpoint,
                        rpc,
                        sre.getStatus().getCode() == Status.Code.NOT_FOUND,
                        describe(sre.getStatus(), within),
                        sre);
            throw new CriCallException(endpoint, rpc, false, String.valueOf(e.getCause()), e.getCause());
        }
    }

    private static String describe(Status s, Duration within) {
        return switch (s.getCode()) {
            case DEADLINE_EXCEEDED -> "no answer within " + within.toMillis() + " ms";
            case UNIMPLEMENTED -> "the socket serves no CRI RuntimeService v1 (" + s.getDescription() + ")";
            case UNAVAILABLE ->
                "unavailable: " + (s.getCause() != null ? s.getCause().getMessage() : s.getDescription());
            default -> s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription());
        };
    }

    private static boolean isSandbox(Container c, Map<String, PodSandbox> pods) {
        // CRI lists sandboxes apart; this guards runtimes that leak them (cri-dockerd's label, containerd's kind)
        Map<String, String> l = c.getLabelsMap();
        return pods.containsKey(c.getId())
                || "sandbox".equals(l.get("io.cri-containerd.kind"))
                || "podsandbox".equals(l.get("io.kubernetes.docker.type"));
    }

    private static CriContainer.State state(ContainerState s) {
        return switch (s) {
            case CONTAINER_CREATED -> CriContainer.State.CREATED;
            case CONTAINER_RUNNING -> CriContainer.State.RUNNING;
            case CONTAINER_EXITED -> CriContainer.State.EXITED;
            default -> CriContainer.State.UNKNOWN;
        };
    }
}
