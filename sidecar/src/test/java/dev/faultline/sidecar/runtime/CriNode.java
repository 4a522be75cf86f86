package dev.faultline.sidecar.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.sidecar.runtime.cri.CriCalls;
import dev.faultline.sidecar.runtime.cri.v1.*;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Stands in for kubelet on the private containerd of {@code .ci/containerd.sh}: pod sandboxes and containers with the
 * labels and namespace options kubelet sets, over its own gRPC channel (the runtime's view, independent of the code
 * under test). {@link #close()} removes every pod it made and checks that nothing is left: sandboxes, network
 * namespaces, pod cgroups, log directories.
 */
public final class CriNode implements AutoCloseable {
    public static final String ENDPOINT =
            System.getProperty("faultline.cri.endpoint", "unix:///run/faultline-cri/containerd.sock");
    static final String BUSYBOX = "localhost/faultline/busybox:local";
    /** the pods' cgroup parent; .ci/containerd.sh stop removes what a killed test left under it */
    static final String CGROUP_TOP = "/faultline-cri";

    static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Pod(String id, PodSandboxConfig config, String netns) {
        String uid() {
            return config.getMetadata().getUid();
        }
    }

    final String run = "flcri-" + UUID.randomUUID().toString().substring(0, 8);
    /** This node's run id: a prefix that keeps pod names of concurrent runs apart. */
    public String run() {
        return run;
    }

    private final ManagedChannel channel = Grpc.newChannelBuilder(ENDPOINT, InsecureChannelCredentials.create())
            .build();
    private final List<Pod> pods = new ArrayList<>();
    private final Path logs;

    private CriNode() {
        try {
            logs = Files.createTempDirectory("faultline-cri-logs");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Skips with the reason without root or the private containerd; under CI that is a failure. */
    public static CriNode require() {
        if (!"0".equals(exec(List.of("id", "-u")).trim())) skip("needs root (pod sandboxes, cgroups, nsenter)");
        Path socket = Path.of(ENDPOINT.substring("unix://".length()));
        if (!Files.exists(socket)) skip("no CRI socket at " + ENDPOINT + " (.ci/containerd.sh start runs one)");
        CriNode node = new CriNode();
        try {
            node.call(CriCalls.VERSION, VersionRequest.getDefaultInstance());
        } catch (RuntimeException e) {
            node.close();
            skip("the CRI at " + ENDPOINT + " does not answer: " + e.getMessage());
        }
        return node;
    }

    private static void skip(String why) {
        if ("true".equals(System.getenv("CI"))) throw new AssertionError("CI: " + why);
        System.out.println("[faultline-sidecar-it] SKIPPED: " + why);
        Assumptions.abort(why);
    }

    /**
     * The CRI name of a Docker image of {@code .ci/images.sh} ({@code docker.io/<image>}), imported from the Docker
     * engine into the runtime's k8s.io namespace the first time it is asked for.
     */
    public static String importFromDocker(String dockerImage) {
        String criName = "docker.io/" + dockerImage;
        String socket = ENDPOINT.substring("unix://".length());
        String images = exec(List.of("ctr", "-a", socket, "-n", "k8s.io", "images", "ls", "-q"));
        if (!images.lines().toList().contains(criName)) {
            String imported = exec(List.of(
                    "bash",
                    "-c",
                    "set -o pipefail; docker save \"$1\" | ctr -a \"$2\" -n k8s.io images import -",
                    "import",
                    dockerImage,
                    socket));
            if (imported.startsWith("ERR")) throw new AssertionError("import of " + dockerImage + ": " + imported);
        }
        return criName;
    }

    /** RunPodSandbox as kubelet does it: io.kubernetes.pod.* labels, its own network namespace, a cgroup parent. */
    public Pod runPod(String namespace, String name, Map<String, String> labels) {
        String uid = UUID.randomUUID().toString();
        NamespaceOption ns = NamespaceOption.newBuilder()
                .setNetwork(NamespaceMode.POD)
                .setPid(NamespaceMode.CONTAINER)
                .setIpc(NamespaceMode.POD)
                .build();
        PodSandboxConfig config = PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder()
                        .setName(name)
                        .setNamespace(namespace)
                        .setUid(uid))
                .setHostname(name)
                .setLogDirectory(logs.resolve(uid).toString())
                .putAllLabels(labels)
                .putLabels("io.kubernetes.pod.name", name)
                .putLabels("io.kubernetes.pod.namespace", namespace)
                .putLabels("io.kubernetes.pod.uid", uid)
                .putLabels("dev.faultline.test", run)
                .setLinux(LinuxPodSandboxConfig.newBuilder()
                        .setCgroupParent(CGROUP_TOP + "/pod" + uid)
                        .setSecurityContext(
                                LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(ns)))
                .build();
        try {
            Files.createDirectories(logs.resolve(uid));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        String id = call(
                        CriCalls.RUN_POD_SANDBOX,
                        RunPodSandboxRequest.newBuilder().setConfig(config).build())
                .getPodSandboxId();
        Pod pod = new Pod(id, config, netns(id));
        pods.add(pod);
        return pod;
    }

    /** CreateContainer + StartContainer with kubelet's labels and namespaces (pid=CONTAINER, network=POD, ipc=POD). */
    String startContainer(Pod pod, String name, String... command) {
        return startContainer(pod, name, BUSYBOX, null, List.of(), command);
    }

    /** The same with another image (imported into the runtime), a uid:gid (null: the image's) and mounts. */
    public String startContainer(
            Pod pod, String name, String image, Long uidAndGid, List<Mount> mounts, String... command) {
        try {
            Files.createDirectories(
                    Path.of(pod.config().getLogDirectory(), name)); // kubelet's job: containerd does not
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        NamespaceOption ns = NamespaceOption.newBuilder()
                .setNetwork(NamespaceMode.POD)
                .setPid(NamespaceMode.CONTAINER)
                .setIpc(NamespaceMode.POD)
                .build();
        Map<String, String> podLabels = pod.config().getLabelsMap();
        ContainerConfig config = ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(name))
                .setImage(ImageSpec.newBuilder().setImage(image))
                .addAllMounts(mounts)
                .addAllCommand(List.of(command))
                .setLogPath(name + "/0.log")
                .putLabels("io.kubernetes.container.name", name)
                .putLabels("io.kubernetes.pod.name", podLabels.get("io.kubernetes.pod.name"))
                .putLabels("io.kubernetes.pod.namespace", podLabels.get("io.kubernetes.pod.namespace"))
                .putLabels("io.kubernetes.pod.uid", podLabels.get("io.kubernetes.pod.uid"))
                .setLinux(LinuxContainerConfig.newBuilder()
                        .setSecurityContext(
                                user(LinuxContainerSecurityContext.newBuilder().setNamespaceOptions(ns), uidAndGid)))
                .build();
        String id = call(
                        CriCalls.CREATE_CONTAINER,
                        CreateContainerRequest.newBuilder()
                                .setPodSandboxId(pod.id())
                                .setConfig(config)
                                .setSandboxConfig(pod.config())
                                .build())
                .getContainerId();
        call(
                CriCalls.START_CONTAINER,
                StartContainerRequest.newBuilder().setContainerId(id).build());
        return id;
    }

    private static LinuxContainerSecurityContext.Builder user(LinuxContainerSecurityContext.Builder b, Long id) {
        if (id == null) return b;
        return b.setRunAsUser(Int64Value.newBuilder().setValue(id))
                .setRunAsGroup(Int64Value.newBuilder().setValue(id));
    }

    /** The host PID of a container's first process, from ContainerStatus(verbose), as the sidecar reads it. */
    public long hostPid(String containerId) {
        ContainerStatusResponse r = call(
                CriCalls.CONTAINER_STATUS,
                ContainerStatusRequest.newBuilder()
                        .setContainerId(containerId)
                        .setVerbose(true)
                        .build());
        try {
            return JSON.readTree(r.getInfoMap().get("info")).path("pid").asLong();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** What the runtime says of a container, straight from ContainerStatus. */
    ContainerStatus status(String containerId) {
        return call(
                        CriCalls.CONTAINER_STATUS,
                        ContainerStatusRequest.newBuilder()
                                .setContainerId(containerId)
                                .build())
                .getStatus();
    }

    /** This run's sandboxes that the runtime still has. */
    List<PodSandbox> ourSandboxes() {
        return call(
                        CriCalls.LIST_POD_SANDBOX,
                        ListPodSandboxRequest.newBuilder()
                                .setFilter(PodSandboxFilter.newBuilder().putLabelSelector("dev.faultline.test", run))
                                .build())
                .getItemsList();
    }

    /** The sandbox's network namespace, a bind mount under /var/run/netns, from PodSandboxStatus(verbose). */
    private String netns(String sandboxId) {
        PodSandboxStatusResponse r = call(
                CriCalls.POD_SANDBOX_STATUS,
                PodSandboxStatusRequest.newBuilder()
                        .setPodSandboxId(sandboxId)
                        .setVerbose(true)
                        .build());
        try {
            for (JsonNode n : JSON.readTree(r.getInfoMap().get("info"))
                    .path("runtimeSpec")
                    .path("linux")
                    .path("namespaces"))
                if (n.path("type").asText().equals("network"))
                    return n.path("path").asText();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("sandbox " + sandboxId + " has no network namespace path");
    }

    /** The pod's cgroup directories, in every hierarchy that has them. */
    static List<Path> podCgroups(Pod pod) {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : (Iterable<Path>) hierarchies::iterator) {
                for (Path root : List.of(h, Path.of("/sys/fs/cgroup"))) {
                    Path d = root.resolve(CGROUP_TOP.substring(1)).resolve("pod" + pod.uid());
                    if (Files.isDirectory(d) && !out.contains(d)) out.add(d);
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    <Q, R> R call(MethodDescriptor<Q, R> method, Q request) {
        return CriCalls.call(channel, method, request, DEADLINE);
    }

    /** Stops and removes every pod made here (containers go with it), then asserts that nothing is left. */
    @Override
    public void close() {
        List<String> left = new ArrayList<>();
        for (Pod pod : pods) {
            try {
                call(
                        CriCalls.STOP_POD_SANDBOX,
                        StopPodSandboxRequest.newBuilder()
                                .setPodSandboxId(pod.id())
                                .build());
                call(
                        CriCalls.REMOVE_POD_SANDBOX,
                        RemovePodSandboxRequest.newBuilder()
                                .setPodSandboxId(pod.id())
                                .build());
            } catch (RuntimeException e) {
                left.add("pod " + pod.id() + ": " + e.getMessage());
            }
            // no kubelet: nobody else removes the cgroup parent (containerd removes only the containers' own cgroups)
            for (Path d : podCgroups(pod)) {
                try (Stream<Path> tree = Files.walk(d)) {
                    for (Path p : tree.filter(Files::isDirectory)
                            .sorted(Comparator.reverseOrder())
                            .toList()) Files.deleteIfExists(p);
                } catch (IOException e) {
                    left.add("cgroup " + d + ": " + e.getMessage());
                }
            }
        }
        try {
            if (!pods.isEmpty()) {
                for (PodSandbox p : ourSandboxes()) left.add("sandbox still listed: " + p.getId());
                for (Pod pod : pods) {
                    if (Files.exists(Path.of(pod.netns()))) left.add("network namespace left: " + pod.netns());
                    for (Path d : podCgroups(pod)) left.add("cgroup left: " + d);
                }
            }
        } finally {
            pods.clear();
            exec(List.of("rm", "-rf", logs.toString()));
            channel.shutdownNow();
            try {
                channel.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!left.isEmpty()) throw new AssertionError("left behind: " + left);
    }

    /** Runs a host command; its output, or "ERR <code>: output" when it fails. */
    public static String exec(List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "ERR timeout: " + out;
            }
            return p.exitValue() == 0 ? out : "ERR " + p.exitValue() + ": " + out;
        } catch (IOException e) {
            return "ERR " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "ERR interrupted";
        }
    }
}
