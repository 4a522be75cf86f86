package dev.faultline.sidecar.runtime.containerd;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import dev.faultline.common.json.JsonReader;
import dev.faultline.common.json.JsonWriter;
import dev.faultline.sidecar.runtime.RuntimeEndpointException;
import dev.faultline.sidecar.runtime.containerd.v1.*;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * containerd's own API on its unix socket, in one namespace (the {@code containerd-namespace} header every call
 * carries, as containerd's Go client sends it). Every failure names the endpoint, the call and the cause; a container
 * or task that is gone is {@link ContainerdCallException#notFound()}.
 */
public final class ContainerdApi implements AutoCloseable {
    private static final Metadata.Key<String> NAMESPACE_HEADER =
            Metadata.Key.of("containerd-namespace", Metadata.ASCII_STRING_MARSHALLER);
    /** a node with many containers answers List with more than gRPC's default 4 MiB */
    private static final int MAX_MESSAGE = 16 * 1024 * 1024;

    static {
        // as for CRI: netty warns on every unix-socket connect that SO_KEEPALIVE does not apply to it
        String quiet = "org.slf4j.simpleLogger.log.io.grpc.netty.shaded.io.netty.bootstrap.Bootstrap";
        if (System.getProperty(quiet) == null) System.setProperty(quiet, "error");
    }

    /** The type containerd's Go client registers the OCI process spec under (typeurl), its value JSON. */
    private static final String PROCESS_TYPE = "types.containerd.io/opencontainers/runtime-spec/1/Process";

    private final String endpoint;
    private final String namespace;
    private final Duration deadline;
    private final ManagedChannel channel;
    private final Channel calls;

    private ContainerdApi(String endpoint, String namespace, Duration deadline) {
        this.endpoint = endpoint;
        this.namespace = namespace;
        this.deadline = deadline;
        this.channel = Grpc.newChannelBuilder(endpoint, InsecureChannelCredentials.create())
                .maxInboundMessageSize(MAX_MESSAGE)
                .directExecutor()
                .build();
        Metadata header = new Metadata();
        header.put(NAMESPACE_HEADER, namespace);
        this.calls = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(header));
    }

    /** A client for {@code unix:///path} in {@code namespace}; nothing is sent until the first call. */
    public static ContainerdApi connect(String endpoint, String namespace, Duration deadline) {
        if (namespace == null || namespace.isBlank())
            throw new IllegalArgumentException("a containerd namespace must not be empty");
        return new ContainerdApi(endpoint, namespace, deadline);
    }

    public String endpoint() {
        return endpoint;
    }

    public String namespace() {
        return namespace;
    }

    /** e.g. {@code containerd 1.6.20~ds1}. */
    public String version() {
        VersionResponse v = call("Version", ContainerdCalls.VERSION, Empty.getDefaultInstance(), deadline);
        return "containerd " + v.getVersion();
    }

    public List<Container> containers() {
        return call(
                        "Containers.List",
                        ContainerdCalls.LIST_CONTAINERS,
                        ListContainersRequest.getDefaultInstance(),
                        deadline)
                .getContainersList();
    }

    public List<Task> tasks() {
        return call("Tasks.List", ContainerdCalls.LIST_TASKS, ListTasksRequest.getDefaultInstance(), deadline)
                .getTasksList();
    }

    /** The container's task (its main process); empty when it has none (never started, or exited and deleted). */
    public Optional<Task> task(String containerId) {
        try {
            return Optional.of(call(
                            "Tasks.Get",
                            ContainerdCalls.GET_TASK,
                            GetTaskRequest.newBuilder()
                                    .setContainerId(containerId)
                                    .build(),
                            deadline)
                    .getProcess());
        } catch (ContainerdCallException e) {
            if (e.notFound()) return Optional.empty();
            throw e;
        }
    }

    /** {@code signal} to the task's main process ({@code all}: to every process in it). */
    public void kill(String containerId, int signal, boolean all) {
        call(
                "Tasks.Kill",
                ContainerdCalls.KILL,
                KillRequest.newBuilder()
                        .setContainerId(containerId)
                        .setSignal(signal)
                        .setAll(all)
                        .build(),
                deadline);
    }

    public void pause(String containerId) {
        call(
                "Tasks.Pause",
                ContainerdCalls.PAUSE,
                PauseTaskRequest.newBuilder().setContainerId(containerId).build(),
                deadline);
    }

    public void resume(String containerId) {
        call(
                "Tasks.Resume",
                ContainerdCalls.RESUME,
                ResumeTaskRequest.newBuilder().setContainerId(containerId).build(),
                deadline);
    }

    /** Whether the task exited within {@code within} (a task that is gone has). */
    public boolean awaitExit(String containerId, Duration within) {
        try {
            call(
                    "Tasks.Wait",
                    ContainerdCalls.WAIT,
                    WaitRequest.newBuilder().setContainerId(containerId).build(),
                    within);
            return true;
        } catch (ContainerdCallException e) {
            if (e.notFound()) return true;
            if (e.timedOut()) return false;
            throw e;
        }
    }

    public void deleteTask(String containerId) {
        call(
                "Tasks.Delete",
                ContainerdCalls.DELETE_TASK,
                DeleteTaskRequest.newBuilder().setContainerId(containerId).build(),
                deadline);
    }

    /**
     * Runs {@code args} beside the task's main process (Tasks.Exec), with the rest of that process's OCI spec (user,
     * env, cwd, capabilities), as {@code ctr task exec} does; no stdio (the shim gives it null IO). Returns its exit
     * status; one still running after {@code within} is killed and reported as an error.
     */
    public int exec(String containerId, String execId, List<String> args, Duration within) {
        Container c = container(containerId);
        Map<String, Object> process = new LinkedHashMap<>();
        if (JsonReader.parse(c.getSpec().getValue().toStringUtf8(), "container " + containerId + "'s OCI spec")
                        instanceof Map<?, ?> spec
                && spec.get("process") instanceof Map<?, ?> main)
            main.forEach((k, v) -> process.put(String.valueOf(k), v));
        process.put("args", args);
        process.put("terminal", false);
        process.remove("consoleSize");
        call(
                "Tasks.Exec",
                ContainerdCalls.EXEC,
                ExecProcessRequest.newBuilder()
                        .setContainerId(containerId)
                        .setExecId(execId)
                        .setSpec(Any.newBuilder()
                                .setTypeUrl(PROCESS_TYPE)
                                .setValue(ByteString.copyFromUtf8(JsonWriter.write(process))))
                        .build(),
                deadline);
        // waited for before it starts: in Docker's moby namespace dockerd deletes an exec it did not make as soon as it
        // exits, and a Wait sent after that finds no process (seen with `ls /missing`, which exits at once)
        ListenableFuture<WaitResponse> exit = ClientCalls.futureUnaryCall(
                calls.newCall(
                        ContainerdCalls.WAIT,
                        CallOptions.DEFAULT.withDeadlineAfter(
                                deadline.plus(within).toMillis(), TimeUnit.MILLISECONDS)),
                WaitRequest.newBuilder()
                        .setContainerId(containerId)
                        .setExecId(execId)
                        .build());
        try {
            call(
                    "Tasks.Start",
                    ContainerdCalls.START,
                    StartRequest.newBuilder()
                            .setContainerId(containerId)
                            .setExecId(execId)
                            .build(),
                    deadline);
            try {
                return exit.get(within.toMillis(), TimeUnit.MILLISECONDS).getExitStatus();
            } catch (TimeoutException e) {
                call(
                        "Tasks.Kill",
                        ContainerdCalls.KILL,
                        KillRequest.newBuilder()
                                .setContainerId(containerId)
                                .setExecId(execId)
                                .setSignal(9)
                                .build(),
                        deadline);
                throw new IllegalStateException(
                        "exec " + args + " in " + containerId + " did not end within " + within.toMillis()
                                + " ms: killed",
                        e);
            } catch (ExecutionException e) {
                Status st = Status.fromThrowable(e.getCause());
                throw new ContainerdCallException(
                        endpoint, "Tasks.Wait (namespace " + namespace + ")", st, within, e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while exec " + args + " ran in " + containerId, e);
            }
        } finally {
            exit.cancel(true);
            deleteProcessQuietly(containerId, execId);
        }
    }

    /** An exec's process is deleted once it ends (Tasks.Wait returned, or it was killed); a failure only leaves the shim's record. */
    private void deleteProcessQuietly(String containerId, String execId) {
        try {
            call(
                    "Tasks.DeleteProcess",
                    ContainerdCalls.DELETE_PROCESS,
                    DeleteProcessRequest.newBuilder()
                            .setContainerId(containerId)
                            .setExecId(execId)
                            .build(),
                    deadline);
        } catch (ContainerdCallException e) {
            // a killed process may take a moment to exit: the shim deletes it with the task at the latest
        }
    }

    public Container container(String containerId) {
        return call(
                        "Containers.Get",
                        ContainerdCalls.GET_CONTAINER,
                        GetContainerRequest.newBuilder().setId(containerId).build(),
                        deadline)
                .getContainer();
    }

    /**
     * A new task for container {@code c}, whose task was deleted, started: its rootfs the mounts of the container's
     * snapshot, no stdio, as containerd's Go client's {@code NewTask(ctx, cio.NullIO)} then {@code Start}. Returns the
     * new task's PID.
     */
    public long startNewTask(Container c) {
        CreateTaskRequest.Builder create = CreateTaskRequest.newBuilder().setContainerId(c.getId());
        if (!c.getSnapshotKey().isEmpty())
            create.addAllRootfs(call(
                            "Snapshots.Mounts",
                            ContainerdCalls.MOUNTS,
                            MountsRequest.newBuilder()
                                    .setSnapshotter(c.getSnapshotter())
                                    .setKey(c.getSnapshotKey())
                                    .build(),
                            deadline)
                    .getMountsList());
        call("Tasks.Create", ContainerdCalls.CREATE_TASK, create.build(), deadline);
        return call(
                        "Tasks.Start",
                        ContainerdCalls.START,
                        StartRequest.newBuilder().setContainerId(c.getId()).build(),
                        deadline)
                .getPid();
    }

    public void deleteContainer(String containerId) {
        call(
                "Containers.Delete",
                ContainerdCalls.DELETE_CONTAINER,
                DeleteContainerRequest.newBuilder().setId(containerId).build(),
                deadline);
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
            return ClientCalls.blockingUnaryCall(
                    calls,
                    method,
                    CallOptions.DEFAULT.withDeadlineAfter(within.toMillis(), TimeUnit.MILLISECONDS),
                    request);
        } catch (StatusRuntimeException e) {
            throw new ContainerdCallException(
                    endpoint, rpc + " (namespace " + namespace + ")", e.getStatus(), within, e);
        }
    }

    /** A containerd call that failed: the status in words, and whether the container or task is gone. */
    public static final class ContainerdCallException extends RuntimeEndpointException {
        private final Status.Code code;
        private final boolean timedOut;

        ContainerdCallException(String endpoint, String rpc, Status s, Duration within, Throwable source) {
            super(endpoint, "containerd " + rpc + " failed: " + describe(s, within), source);
            this.code = s.getCode();
            // containerd passes our deadline on to the shim and answers its expiry as UNKNOWN "context deadline
            // exceeded" when the shim's call ends first (seen with 1.6.20 on Tasks.Wait)
            this.timedOut = code == Status.Code.DEADLINE_EXCEEDED
                    || code == Status.Code.UNKNOWN
                            && String.valueOf(s.getDescription()).contains("context deadline exceeded");
        }

        public boolean notFound() {
            return code == Status.Code.NOT_FOUND;
        }

        /** containerd's answer to an action on a task in the wrong state (not running, already paused …). */
        public boolean failedPrecondition() {
            return code == Status.Code.FAILED_PRECONDITION;
        }

        boolean timedOut() {
            return timedOut;
        }

        private static String describe(Status s, Duration within) {
            return switch (s.getCode()) {
                case DEADLINE_EXCEEDED -> "no answer within " + within.toMillis() + " ms";
                case UNIMPLEMENTED -> "the socket serves no containerd API (" + s.getDescription() + ")";
                case UNAVAILABLE ->
                    "unavailable: " + (s.getCause() != null ? s.getCause().getMessage() : s.getDescription());
                default -> s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription());
            };
        }
    }
}
