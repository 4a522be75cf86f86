package dev.faultline.sidecar.runtime.podman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.common.sidecar.Verb;
import dev.faultline.sidecar.runtime.ContainerRuntime;
import dev.faultline.sidecar.runtime.RuntimeEndpointException;
import dev.faultline.sidecar.runtime.docker.DockerRuntime;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodmanTest {
    /** What Podman 4.3.1's rootless service answers to GET /libpod/info (host.security, trimmed). */
    private static final String LIBPOD_ROOTLESS = """
            {"host":{"arch":"amd64","security":{"apparmorEnabled":false,"capabilities":"CAP_CHOWN,CAP_KILL",
            "rootless":true,"seccompEnabled":true,"selinuxEnabled":false}},"version":{"Version":"4.3.1"}}""";

    private static final String LIBPOD_ROOTFUL = LIBPOD_ROOTLESS.replace("\"rootless\":true", "\"rootless\":false");

    @Test
    void libpodInfoSaysRootless() {
        assertTrue(Podman.rootless(LIBPOD_ROOTLESS));
        assertFalse(Podman.rootless(LIBPOD_ROOTFUL));
    }

    /** Pumba's marker, in the Docker-compatible /info of later Podman; 4.3.1 lists only seccomp there, rootless or not. */
    @Test
    void compatibleSecurityOptionsMarker() {
        assertTrue(Podman.rootless("{\"SecurityOptions\":[\"name=seccomp,profile=default\",\"name=rootless\"]}"));
        assertFalse(Podman.rootless("{\"SecurityOptions\":[\"name=seccomp,profile=default\"]}"));
        assertFalse(Podman.rootless("{\"host\":{}}"));
        assertFalse(Podman.rootless("[]"));
        assertThrows(IllegalStateException.class, () -> Podman.rootless("not json"));
    }

    @Test
    void rootlessRefusesTheNetworkVerbsOnly() {
        DockerRuntime rt = DockerRuntime.connect(
                "podman",
                "unix:///run/user/995/podman/podman.sock",
                "4.3.1",
                Podman.rootlessRefusal(true, "unix:///run/user/995/podman/podman.sock"));
        for (Verb v : new Verb[] {Verb.NETEM, Verb.IPTABLES}) {
            var e = assertThrows(ContainerRuntime.Unsupported.class, () -> rt.refuseUnsupported(v, null));
            assertTrue(e.getMessage().startsWith(v.word() + " requires rootful podman"), e.getMessage());
            assertTrue(e.getMessage().contains("rootless socket at unix:///run/user/995/podman/podman.sock"));
        }
        for (Verb v : Verb.values()) if (v != Verb.NETEM && v != Verb.IPTABLES) rt.refuseUnsupported(v, "SIGKILL");
        assertNull(Podman.rootlessRefusal(false, "unix:///run/podman/podman.sock"));
    }

    @Test
    void defaultEndpointFollowsPumbasOrder() {
        assertEquals("unix:///run/podman/podman.sock", Podman.defaultEndpoint(Map.of()));
        assertEquals("unix:///run/podman/podman.sock", Podman.defaultEndpoint(Map.of("CONTAINER_HOST", " ")));
        assertEquals(
                "unix:///a.sock",
                Podman.defaultEndpoint(Map.of("CONTAINER_HOST", "unix:///a.sock", "PODMAN_SOCK", "/b.sock")));
        assertEquals("unix:///b.sock", Podman.defaultEndpoint(Map.of("PODMAN_SOCK", "/b.sock")));
        var e = assertThrows(
                RuntimeEndpointException.class,
                () -> Podman.defaultEndpoint(Map.of("CONTAINER_HOST", "ssh://core@host/run/podman/podman.sock")));
        assertTrue(e.getMessage().contains("CONTAINER_HOST names it"), e.getMessage());
    }
}
