package dev.faultline.sidecar.runtime.containerd;

import com.google.protobuf.Message;
import dev.faultline.sidecar.runtime.containerd.v1.*;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;

/**
 * The containerd RPCs the sidecar makes, declared by hand under their upstream service names (as CRI's are in
 * {@code runtime.cri.CriCalls}: the registry serves no protoc-gen-grpc-java for this platform).
 */
final class ContainerdCalls {
    static final String CONTAINERS = "containerd.services.containers.v1.Containers";
    static final String TASKS = "containerd.services.tasks.v1.Tasks";
    static final String VERSION_SERVICE = "containerd.services.version.v1.Version";
    static final String SNAPSHOTS = "containerd.services.snapshots.v1.Snapshots";

    static final MethodDescriptor<ListContainersRequest, ListContainersResponse> LIST_CONTAINERS = unary(
            CONTAINERS,
            "List",
            ListContainersRequest.getDefaultInstance(),
            ListContainersResponse.getDefaultInstance());
    static final MethodDescriptor<DeleteContainerRequest, Empty> DELETE_CONTAINER =
            unary(CONTAINERS, "Delete", DeleteContainerRequest.getDefaultInstance(), Empty.getDefaultInstance());
    static final MethodDescriptor<ListTasksRequest, ListTasksResponse> LIST_TASKS =
            unary(TASKS, "List", ListTasksRequest.getDefaultInstance(), ListTasksResponse.getDefaultInstance());
    static final MethodDescriptor<GetTaskRequest, GetTaskResponse> GET_TASK =
            unary(TASKS, "Get", GetTaskRequest.getDefaultInstance(), GetTaskResponse.getDefaultInstance());
    static final MethodDescriptor<KillRequest, Empty> KILL =
            unary(TASKS, "Kill", KillRequest.getDefaultInstance(), Empty.getDefaultInstance());
    static final MethodDescriptor<PauseTaskRequest, Empty> PAUSE =
            unary(TASKS, "Pause", PauseTaskRequest.getDefaultInstance(), Empty.getDefaultInstance());
    static final MethodDescriptor<ResumeTaskRequest, Empty> RESUME =
            unary(TASKS, "Resume", ResumeTaskRequest.getDefaultInstance(), Empty.getDefaultInstance());
    static final MethodDescriptor<WaitRequest, WaitResponse> WAIT =
            unary(TASKS, "Wait", WaitRequest.getDefaultInstance(), WaitResponse.getDefaultInstance());
    static final MethodDescriptor<DeleteTaskRequest, DeleteTaskResponse> DELETE_TASK =
            unary(TASKS, "Delete", DeleteTaskRequest.getDefaultInstance(), DeleteTaskResponse.getDefaultInstance());
    static final MethodDescriptor<GetContainerRequest, GetContainerResponse> GET_CONTAINER = unary(
            CONTAINERS, "Get", GetContainerRequest.getDefaultInstance(), GetContainerResponse.getDefaultInstance());
    static final MethodDescriptor<ExecProcessRequest, Empty> EXEC =
            unary(TASKS, "Exec", ExecProcessRequest.getDefaultInstance(), Empty.getDefaultInstance());
    static final MethodDescriptor<StartRequest, StartResponse> START =
            unary(TASKS, "Start", StartRequest.getDefaultInstance(), StartResponse.getDefaultInstance());
    static final MethodDescriptor<DeleteProcessRequest, DeleteTaskResponse> DELETE_PROCESS = unary(
            TASKS, "DeleteProcess", DeleteProcessRequest.getDefaultInstance(), DeleteTaskResponse.getDefaultInstance());
    static final MethodDescriptor<CreateTaskRequest, CreateTaskResponse> CREATE_TASK =
            unary(TASKS, "Create", CreateTaskRequest.getDefaultInstance(), CreateTaskResponse.getDefaultInstance());
    static final MethodDescriptor<MountsRequest, MountsResponse> MOUNTS =
            unary(SNAPSHOTS, "Mounts", MountsRequest.getDefaultInstance(), MountsResponse.getDefaultInstance());
    static final MethodDescriptor<Empty, VersionResponse> VERSION =
            unary(VERSION_SERVICE, "Version", Empty.getDefaultInstance(), VersionResponse.getDefaultInstance());

    private ContainerdCalls() {}

    private static <Q extends Message, R extends Message> MethodDescriptor<Q, R> unary(
            String service, String rpc, Q request, R response) {
        return MethodDescriptor.<Q, R>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(service, rpc))
                .setRequestMarshaller(ProtoUtils.marshaller(request))
                .setResponseMarshaller(ProtoUtils.marshaller(response))
                .build();
    }
}
