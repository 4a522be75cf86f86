package dev.faultline.sidecar.jvmcontrol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.sidecar.runtime.docker.DockerHost;
import dev.faultline.sidecar.runtime.docker.EngineTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The control directory made in real containers' /tmp through /proc/PID/root, against what their users plant: the
 * test checks the host side (a planted link's host target stays untouched) and the container side (owner, mode).
 */
class ControlDirectoryIT extends EngineTest {
    static final int UID = 4321;

    @Test
    void madeFreshOwnedByTheTargetsUidModeOwnerOnlyAndRemoved() throws Exception {
        String c = docker.start(
                docker.run + "-ok", List.of("--user", UID + ":" + UID, "--tmpfs", "/tmp:mode=1777"), "sleep", "600");
        ControlDirectory dir = ControlDirectory.create(ControlDirectory.rootOf(docker.pid(c)), UID, UID);
        assertTrue(dir.inContainer().matches("/tmp/\\.faultline-[0-9a-f]{24}"), dir.inContainer());
        String seen = DockerHost.exec(List.of("docker", "exec", c, "ls", "-lnd", dir.inContainer()));
        assertTrue(seen.matches("(?s)drwx------\\s+\\d+\\s+" + UID + "\\s+" + UID + "\\s.*"), seen);
        // the container's user plants a link where the agent's socket goes: the sidecar refuses to use it
        Path victim = Files.createTempFile("fltest-victim", ".txt");
        Files.writeString(victim, "host file");
        DockerHost.exec(List.of("docker", "exec", c, "ln", "-s", victim.toString(), dir.inContainer() + "/jmx.sock"));
        IllegalStateException link = assertThrows(IllegalStateException.class, () -> dir.agentFile("jmx.sock"));
        assertTrue(link.getMessage().contains("a link or a directory"), link.getMessage());
        dir.remove();
        assertTrue(DockerHost.exec(List.of("docker", "exec", c, "ls", "-a", "/tmp"))
                .lines()
                .noneMatch(l -> l.startsWith(".faultline")));
        assertEquals("host file", Files.readString(victim), "the link's host target is untouched");
        Files.delete(victim);
    }

    /** Root in the container replaces /tmp with a link to a host directory: refused, nothing written there. */
    @Test
    void aTmpThatIsALinkToAHostPathIsRefusedAndNothingIsWrittenOnTheHost() throws Exception {
        Path hostDir = Files.createTempDirectory(Path.of("/var/tmp"), "fltest-victim");
        try {
            String c = docker.start(
                    docker.run + "-link",
                    List.of(),
                    "sh",
                    "-c",
                    "rm -rf /tmp; ln -s " + hostDir + " /tmp; touch /planted; sleep 600");
            long deadline = System.currentTimeMillis() + 10_000;
            while (DockerHost.exec(List.of("docker", "exec", c, "ls", "/planted"))
                            .startsWith("ERR")
                    && System.currentTimeMillis() < deadline) Thread.sleep(50);
            IllegalStateException refused = assertThrows(
                    IllegalStateException.class,
                    () -> ControlDirectory.create(ControlDirectory.rootOf(docker.pid(c)), UID, UID));
            assertTrue(refused.getMessage().contains("the target's /tmp is a symbolic link"), refused.getMessage());
            try (var entries = Files.list(hostDir)) {
                assertEquals(0, entries.count(), "nothing was written in the host directory the link names");
            }
            assertEquals(0, Files.getAttribute(hostDir, "unix:uid"), "nor chowned");
        } finally {
            Files.deleteIfExists(hostDir);
        }
    }

    /** A read-only root without a writable /tmp: refused with the cause and the fix, nothing written. */
    @Test
    void aReadOnlyRootWithoutATmpIsRefusedWithTheFix() {
        String c = docker.start(docker.run + "-ro", List.of("--read-only", "--user", UID + ":" + UID), "sleep", "600");
        IllegalStateException refused = assertThrows(
                IllegalStateException.class,
                () -> ControlDirectory.create(ControlDirectory.rootOf(docker.pid(c)), UID, UID));
        assertTrue(refused.getMessage().contains("a read-only root needs a writable /tmp"), refused.getMessage());
        assertFalse(refused.getMessage().isBlank());
    }
}
