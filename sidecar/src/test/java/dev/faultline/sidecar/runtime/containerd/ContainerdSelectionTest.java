package dev.faultline.sidecar.runtime.containerd;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the containerd runtime may select, from the labels containerd's CRI plugin and kubelet put on containers. */
class ContainerdSelectionTest {
    static final Map<String, String> APP =
            Map.of("io.cri-containerd.kind", "container", "io.kubernetes.pod.uid", "pod-a", "app", "web");
    static final Map<String, String> PAUSE =
            Map.of("io.cri-containerd.kind", "sandbox", "io.kubernetes.pod.uid", "pod-a", "app", "web");

    @Test
    void anApplicationContainerIsSelectable() {
        assertTrue(ContainerdContainers.selectable("abc", APP, null, null));
        assertTrue(ContainerdContainers.selectable("abc", Map.of("nerdctl/name", "web"), "def", "pod-b"));
    }

    @Test
    void aPodSandboxNeverIsThoughItCarriesThePodsLabels() {
        assertFalse(ContainerdContainers.selectable("abc", PAUSE, null, null));
    }

    @Test
    void neitherIsOurOwnContainerNorAContainerOfOurOwnPod() {
        assertFalse(ContainerdContainers.selectable("abc123", APP, "abc", null));
        assertFalse(ContainerdContainers.selectable("abc", APP, null, "pod-a"));
        assertTrue(ContainerdContainers.selectable("abc", APP, null, "pod-b"));
    }
}
