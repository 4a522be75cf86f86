package dev.faultline.sidecar.runtime.cri;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.Message;
import dev.faultline.sidecar.runtime.cri.v1.*;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The CRI v1 RPCs, declared by hand: the registry we build from serves no protoc-gen-grpc-java for linux-x86_64, and a
 * unary call needs no more than its name and the two message types (generated from api.proto).
 */
public final class CriCalls {
    public static final String SERVICE = "runtime.v1.RuntimeService";

    public static final MethodDescriptor<VersionRequest, VersionResponse> VERSION =
            unary("Version", VersionRequest.getDefaultInstance(), VersionResponse.getDefaultInstance());
    public static final MethodDescriptor<ListContainersRequest, ListContainersResponse> LIST_CONTAINERS = unary(
            "ListContainers", ListContainersRequest.getDefaultInstance(), ListContainersResponse.getDefaultInstance());
    public static final MethodDescriptor<ListPodSandboxRequest, ListPodSandboxResponse> LIST_POD_SANDBOX = unary(
            "ListPodSandbox", ListPodSandboxRequest.getDefaultInstance(), ListPodSandboxResponse.getDefaultInstance());
    public static final MethodDescriptor<ContainerStatusRequest, ContainerStatusResponse> CONTAINER_STATUS = unary(
            "ContainerStatus",
            ContainerStatusRequest.getDefaultInstance(),
            ContainerStatusResponse.getDefaultInstance());
    public static final MethodDescriptor<StopContainerRequest, StopContainerResponse> STOP_CONTAINER = unary(
            "StopContainer", StopContainerRequest.getDefaultInstance(), StopContainerResponse.getDefaultInstance());
    public static final MethodDescriptor<ExecSyncRequest, ExecSyncResponse> EXEC_SYNC =
            unary("ExecSync", ExecSyncRequest.getDefaultInstance(), ExecSyncResponse.getDefaultInstance());
    public static final MethodDescriptor<RemoveContainerRequest, RemoveContainerResponse> REMOVE_CONTAINER = unary(
            "RemoveContainer",
            RemoveContainerRequest.getDefaultInstance(),
            RemoveContainerResponse.getDefaultInstance());
    // what kubelet does, for test fixtures that stand in for it
    public static final MethodDescriptor<RunPodSandboxRequest, RunPodSandboxResponse> RUN_POD_SANDBOX = unary(
            "RunPodSandbox", RunPodSandboxRequest.getDefaultInstance(), RunPodSandboxResponse.getDefaultInstance());
    public static final MethodDescriptor<StopPodSandboxRequest, StopPodSandboxResponse> STOP_POD_SANDBOX = unary(
            "StopPodSandbox", StopPodSandboxRequest.getDefaultInstance(), StopPodSandboxResponse.getDefaultInstance());
    public static final MethodDescriptor<RemovePodSandboxRequest, RemovePodSandboxResponse> REMOVE_POD_SANDBOX = unary(
            "RemovePodSandbox",
            RemovePodSandboxRequest.getDefaultInstance(),
            RemovePodSandboxResponse.getDefaultInstance());
    public static final MethodDescriptor<PodSandboxStatusRequest, PodSandboxStatusResponse> POD_SANDBOX_STATUS = unary(
            "PodSandboxStatus",
            PodSandboxStatusRequest.getDefaultInstance(),
            PodSandboxStatusResponse.getDefaultInstance());
    public static final MethodDescriptor<CreateContainerRequest, CreateContainerResponse> CREATE_CONTAINER = unary(
            "CreateContainer",
            CreateContainerRequest.getDefaultInstance(),
            CreateContainerResponse.getDefaultInstance());
    public static final MethodDescriptor<StartContainerRequest, StartContainerResponse> START_CONTAINER = unary(
            "StartContainer", StartContainerRequest.getDefaultInstance(), StartContainerResponse.getDefaultInstance());

    private CriCalls() {}

    /** One blocking call that gives up after {@code deadline}; failures are grpc's {@code StatusRuntimeException}. */
    public static <Q, R> R call(Channel channel, MethodDescriptor<Q, R> method, Q request, Duration deadline) {
        return ClientCalls.blockingUnaryCall(
                channel,
                method,
                CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS),
                request);
    }

    /** The same call, started and not waited for: its answer (or grpc's {@code StatusRuntimeException}) in the future. */
    public static <Q, R> ListenableFuture<R> start(
            Channel channel, MethodDescriptor<Q, R> method, Q request, Duration deadline) {
        return ClientCalls.futureUnaryCall(
                channel.newCall(
                        method, CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)),
                request);
    }

    private static <Q extends Message, R extends Message> MethodDescriptor<Q, R> unary(
            String rpc, Q request, R response) {
        return MethodDescriptor.<Q, R>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, rpc))
                .setRequestMarshaller(ProtoUtils.marshaller(request))
                .setResponseMarshaller(ProtoUtils.marshaller(response))
                .build();
    }
}
