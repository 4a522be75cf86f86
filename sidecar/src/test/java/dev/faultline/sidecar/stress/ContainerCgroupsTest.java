package dev.faultline.sidecar.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where stress-ng is placed, read from /proc/PID/cgroup's text: a parser, against a made-up /sys/fs/cgroup. */
class ContainerCgroupsTest {
    @TempDir
    Path root;

    @Test
    void aHybridHostGivesEveryMountedV1HierarchyAndTheUnifiedOne() throws Exception {
        for (String h : List.of("cpu,cpuacct", "memory", "systemd", "unified"))
            Files.createDirectories(root.resolve(h));
        String proc = """
                12:cpu,cpuacct:/docker/abc
                5:memory:/docker/abc
                3:pids:/docker/abc
                1:name=systemd:/docker/abc
                0::/docker/abc
                """;
        ContainerCgroups cg = ContainerCgroups.locate(proc, root);
        assertEquals(
                List.of(
                        root.resolve("cpu,cpuacct/docker/abc/cgroup.procs"),
                        root.resolve("memory/docker/abc/cgroup.procs"),
                        root.resolve("systemd/docker/abc/cgroup.procs"),
                        root.resolve("unified/docker/abc/cgroup.procs")),
                cg.procsFiles(),
                "pids is not mounted here: left out");
    }

    @Test
    void aPureV2HostGivesTheOneUnderTheRoot() throws Exception {
        Files.writeString(root.resolve("cgroup.controllers"), "cpu memory");
        ContainerCgroups cg = ContainerCgroups.locate("0::/kubepods/pod1/c1\n", root);
        assertEquals(List.of(root.resolve("kubepods/pod1/c1/cgroup.procs")), cg.procsFiles());
    }

    @Test
    void rootCgroupsAreLeftOutAndOnlyRootsOrAHiddenPathAreRefused() throws Exception {
        Files.createDirectories(root.resolve("memory"));
        Files.createDirectories(root.resolve("cpu"));
        assertEquals(
                List.of(root.resolve("memory/c/cgroup.procs")),
                ContainerCgroups.locate("2:cpu:/\n1:memory:/c\n", root).procsFiles());
        IllegalStateException onlyRoot =
                assertThrows(IllegalStateException.class, () -> ContainerCgroups.locate("2:cpu:/\n0::/\n", root));
        assertTrue(onlyRoot.getMessage().contains("no cgroup of its own"), onlyRoot.getMessage());
        IllegalStateException hidden =
                assertThrows(IllegalStateException.class, () -> ContainerCgroups.locate("2:cpu:/../../x\n", root));
        assertTrue(hidden.getMessage().contains("outside our cgroup namespace"), hidden.getMessage());
    }
}
