import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.sidecar.runtime.cri.CriCalls;
import dev.faultline.sidecar.runtime.cri.v1.ContainerConfig;
import dev.faultline.sidecar.runtime.cri.v1.ContainerMetadata;
import dev.faultline.sidecar.runtime.cri.v1.CreateContainerRequest;
import dev.faultline.sidecar.runtime.cri.v1.ImageSpec;
import dev.faultline.sidecar.runtime.cri.v1.LinuxContainerConfig;
import dev.faultline.sidecar.runtime.cri.v1.LinuxContainerSecurityContext;
import dev.faultline.sidecar.runtime.cri.v1.LinuxPodSandboxConfig;
import dev.faultline.sidecar.runtime.cri.v1.LinuxSandboxSecurityContext;
import dev.faultline.sidecar.runtime.cri.v1.NamespaceMode;
import dev.faultline.sidecar.runtime.cri.v1.NamespaceOption;
import dev.faultline.sidecar.runtime.cri.v1.PodSandboxConfig;
import dev.faultline.sidecar.runtime.cri.v1.PodSandboxMetadata;
import dev.faultline.sidecar.runtime.cri.v1.PodSandboxStatusRequest;
import dev.faultline.sidecar.runtime.cri.v1.RemovePodSandboxRequest;
import dev.faultline.sidecar.runtime.cri.v1.RunPodSandboxRequest;
import dev.faultline.sidecar.runtime.cri.v1.StartContainerRequest;
import dev.faultline.sidecar.runtime.cri.v1.StopPodSandboxRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Stands in for kubelet for ExperimentRunIT, run from this source against the built sidecar jar (which holds gRPC and
 * the CRI messages; the CLI has neither): {@code java -cp faultline-sidecar.jar CriPod.java ENDPOINT NAMESPACE POD}
 * starts a pod sandbox as kubelet does (its labels, its own network namespace, cgroup parent /faultline-cri/pod<uid>)
 * with a busybox container {@code app} running sleep, prints {@code READY <netns path>}, and at the end of its input
 * (the test closing it, or dying) stops and removes the pod and its cgroups.
 */
public class CriPod {
    static final Duration DEADLINE = Duration.ofSeconds(10);

    public static void main(String[] args) throws Exception {
        String endpoint = args[0];
        String namespace = args[1];
        String name = args[2];
        ManagedChannel channel = Grpc.newChannelBuilder(endpoint, InsecureChannelCredentials.create()).build();
        String uid = UUID.randomUUID().toString();
        Path logs = Files.createTempDirectory("faultline-cli-cri-pod");
        Files.createDirectories(logs.resolve("app"));
        NamespaceOption ns = NamespaceOption.newBuilder().setNetwork(NamespaceMode.POD).setPid(NamespaceMode.CONTAINER)
                .setIpc(NamespaceMode.POD).build();
        PodSandboxConfig pod = PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace(namespace).setUid(uid))
                .setHostname(name).setLogDirectory(logs.toString())
                .putLabels("io.kubernetes.pod.name", name).putLabels("io.kubernetes.pod.namespace", namespace)
                .putLabels("io.kubernetes.pod.uid", uid)
                .setLinux(LinuxPodSandboxConfig.newBuilder().setCgroupParent("/faultline-cri/pod" + uid)
                        .setSecurityContext(LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(ns)))
                .build();
        String sandbox = CriCalls.call(channel, CriCalls.RUN_POD_SANDBOX,
                RunPodSandboxRequest.newBuilder().setConfig(pod).build(), DEADLINE).getPodSandboxId();
        try {
            ContainerConfig app = ContainerConfig.newBuilder()
                    .setMetadata(ContainerMetadata.newBuilder().setName("app"))
                    .setImage(ImageSpec.newBuilder().setImage("localhost/faultline/busybox:local"))
                    .addAllCommand(List.of("sleep", "3600")).setLogPath("app/0.log")
                    .putLabels("io.kubernetes.container.name", "app").putLabels("io.kubernetes.pod.name", name)
                    .putLabels("io.kubernetes.pod.namespace", namespace).putLabels("io.kubernetes.pod.uid", uid)
                    .setLinux(LinuxContainerConfig.newBuilder()
                            .setSecurityContext(LinuxContainerSecurityContext.newBuilder().setNamespaceOptions(ns)))
                    .build();
            String id = CriCalls.call(channel, CriCalls.CREATE_CONTAINER, CreateContainerRequest.newBuilder()
                    .setPodSandboxId(sandbox).setConfig(app).setSandboxConfig(pod).build(), DEADLINE).getContainerId();
            CriCalls.call(channel, CriCalls.START_CONTAINER,
                    StartContainerRequest.newBuilder().setContainerId(id).build(), DEADLINE);
            System.out.println("READY " + netns(channel, sandbox));
            System.out.flush();
            System.in.readAllBytes(); // until the test closes our input, or dies
        } finally {
            CriCalls.call(channel, CriCalls.STOP_POD_SANDBOX,
                    StopPodSandboxRequest.newBuilder().setPodSandboxId(sandbox).build(), DEADLINE);
            CriCalls.call(channel, CriCalls.REMOVE_POD_SANDBOX,
                    RemovePodSandboxRequest.newBuilder().setPodSandboxId(sandbox).build(), DEADLINE);
            removeCgroups(uid); // no kubelet: nobody else removes the cgroup parent
            channel.shutdownNow();
            System.out.println("REMOVED " + sandbox);
        }
    }

    static String netns(ManagedChannel channel, String sandbox) throws IOException {
        PodSandboxStatusRequest status =
                PodSandboxStatusRequest.newBuilder().setPodSandboxId(sandbox).setVerbose(true).build();
        String info = CriCalls.call(channel, CriCalls.POD_SANDBOX_STATUS, status, DEADLINE).getInfoMap().get("info");
        for (JsonNode n : new ObjectMapper().readTree(info).path("runtimeSpec").path("linux").path("namespaces")) {
            if (n.path("type").asText().equals("network")) return n.path("path").asText();
        }
        throw new IllegalStateException("sandbox " + sandbox + " has no network namespace path");
    }

    static void removeCgroups(String uid) throws IOException {
        try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : (Iterable<Path>) hierarchies::iterator) {
                for (Path root : List.of(h, Path.of("/sys/fs/cgroup"))) {
                    Path d = root.resolve("faultline-cri").resolve("pod" + uid);
                    if (!Files.isDirectory(d)) continue;
                    try (Stream<Path> tree = Files.walk(d)) {
                        for (Path p : tree.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
                            Files.deleteIfExists(p);
                        }
                    }
                }
            }
        }
    }
}
