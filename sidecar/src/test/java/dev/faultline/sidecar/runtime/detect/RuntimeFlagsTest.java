package dev.faultline.sidecar.runtime.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The runtime flags' words: which runtimes, and Pumba's containerd flags only with {@code --runtime containerd}. */
class RuntimeFlagsTest {
    @Test
    void fourRuntimesAndTheirKinds() {
        assertEquals(RuntimeEndpoint.Kind.PODMAN, new Runtimes.Flags("podman", null).kind());
        assertEquals(RuntimeEndpoint.Kind.CONTAINERD, new Runtimes.Flags("containerd", null).kind());
        assertEquals(RuntimeEndpoint.Kind.DOCKER, new Runtimes.Flags("docker", null).kind());
        assertEquals(RuntimeEndpoint.Kind.CRI, new Runtimes.Flags("cri", null).kind());
        assertEquals(
                "--runtime rkt: expected docker, cri, containerd or podman",
                assertThrows(IllegalArgumentException.class, () -> new Runtimes.Flags("rkt", null))
                        .getMessage());
    }

    @Test
    void containerdNamespaceDefaultsToPumbasAndItsFlagsNeedTheContainerdRuntime() {
        assertEquals("k8s.io", new Runtimes.Flags("containerd", null, null, null).namespace());
        assertEquals("moby", new Runtimes.Flags("containerd", null, null, "moby").namespace());
        assertEquals(
                "--containerd-address and --containerd-namespace are for --runtime containerd",
                assertThrows(IllegalArgumentException.class, () -> new Runtimes.Flags("docker", null, null, "moby"))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Runtimes.Flags(null, null, "/run/c.sock", null));
        assertEquals(
                "--containerd-namespace must not be empty",
                assertThrows(IllegalArgumentException.class, () -> new Runtimes.Flags("containerd", null, null, " "))
                        .getMessage());
        assertEquals(
                "--runtime-endpoint and --containerd-address both name the socket: give one",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> new Runtimes.Flags("containerd", "unix:///a.sock", "/b.sock", null))
                        .getMessage());
    }
}
