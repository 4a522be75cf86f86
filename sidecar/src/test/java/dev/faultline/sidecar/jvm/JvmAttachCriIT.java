package dev.faultline.sidecar.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.sidecar.runtime.CriNode;
import dev.faultline.sidecar.runtime.cri.v1.Mount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same attach on a kubelet-style CRI pod of the private containerd (.ci/containerd.sh): the shell-less JRE image
 * (imported from Docker once), pid=CONTAINER, network=POD, run as 4321:4321 with no passwd entry; the host PID from
 * ContainerStatus(verbose), as the sidecar's CRI runtime reads it.
 */
class JvmAttachCriIT {
    static String image;

    static CriNode node;

    @BeforeAll
    static void pod() {
        node = CriNode.require();
        image = CriNode.importFromDocker(JvmAttachIT.JRE17);
    }

    @AfterAll
    static void clean() {
        if (node != null) node.close();
    }

    @Test
    void aShellLessJvmInACriPodIsFoundAndAttached() throws Exception {
        CriNode.Pod pod = node.runPod("default", "jvm-target", Map.of());
        Mount classes = Mount.newBuilder()
                .setHostPath(JvmAttachIT.CLASSES.toString())
                .setContainerPath("/app")
                .setReadonly(true)
                .build();
        String id = node.startContainer(
                pod, "app", image, 4321L, List.of(classes), "java", "-cp", "/app", JvmAttachIT.MAIN);
        Path log = Path.of(pod.config().getLogDirectory(), "app", "0.log");
        long end = System.nanoTime() + 60_000_000_000L;
        while (!read(log).contains("target up")) {
            if (System.nanoTime() > end) throw new AssertionError("the target did not start: " + read(log));
            Thread.sleep(100);
        }
        long pid = node.hostPid(id);

        List<JvmProcess> found = new JvmFinder().find(pid);
        assertEquals(1, found.size(), found.toString());
        JvmProcess p = found.get(0);
        assertEquals(4321, p.uid());
        assertTrue(p.attachable(), p.refusal());
        JvmAttacher.Attached a = new JvmAttacher().attach(p, "");
        System.out.println("[jvm-attach-cri-it] attached in " + a.millis() + " ms");
        assertEquals(17, JvmFinder.feature(a.process().javaVersion()));
        long deadline = System.nanoTime() + 5_000_000_000L; // the runtime's log shim writes a moment later
        while (!read(log).contains("loaded (attached)") && System.nanoTime() < deadline) Thread.sleep(50);
        assertTrue(read(log).contains("loaded (attached)"), read(log));
    }

    static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
