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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    /** A socket of root's is a rootful service, asked nothing more; another owner's, or none readable, is asked. */
    @Test
    void aSocketOfRootsIsARootfulService(@TempDir Path dir) throws Exception {
        Path socket = Files.createFile(dir.resolve("podman.sock"));
        boolean asRoot = Integer.valueOf(0).equals(Files.getAttribute(socket, "unix:uid"));
        assertEquals(asRoot, Podman.ownedByRoot("unix://" + socket));
        assertFalse(Podman.ownedByRoot("unix://" + dir.resolve("absent.sock")));
        if (asRoot) { // giving it to another user takes root, as CI runs
            Files.setAttribute(socket, "unix:uid", 995);
            assertFalse(Podman.ownedByRoot("unix://" + socket));
        }
    }
}
