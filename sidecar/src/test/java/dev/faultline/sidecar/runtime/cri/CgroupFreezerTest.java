package dev.faultline.sidecar.runtime.cri;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which freezer a container's /proc/PID/cgroup leads to, and the check that a freeze took effect. */
class CgroupFreezerTest {
    static final String HYBRID_V1 = """
            12:freezer:/faultline-cri/pod1/abc
            11:cpu,cpuacct:/faultline-cri/pod1/abc
            1:name=systemd:/faultline-cri/pod1/abc
            0::/faultline-cri/pod1/abc
            """;

    @Test
    void aHybridHostUsesTheV1Freezer() {
        CgroupFreezer f = CgroupFreezer.locate(HYBRID_V1, Path.of("/sys/fs/cgroup"));
        assertEquals(CgroupFreezer.Version.V1, f.version());
        assertEquals(Path.of("/sys/fs/cgroup/freezer/faultline-cri/pod1/abc"), f.dir());
    }

    @Test
    void aPureV2HostUsesCgroupFreezeAtTheRoot(@TempDir Path root) throws Exception {
        Files.writeString(root.resolve("cgroup.controllers"), "cpu memory pids");
        CgroupFreezer f =
                CgroupFreezer.locate("0::/kubepods.slice/kubepods-burstable.slice/cri-containerd-abc.scope\n", root);
        assertEquals(CgroupFreezer.Version.V2, f.version());
        assertEquals(root.resolve("kubepods.slice/kubepods-burstable.slice/cri-containerd-abc.scope"), f.dir());
    }

    @Test
    void aV2LineWithoutAV1FreezerOnAHybridHostIsUnderUnified(@TempDir Path root) {
        CgroupFreezer f = CgroupFreezer.locate("1:name=systemd:/x\n0::/x/abc\n", root);
        assertEquals(root.resolve("unified/x/abc"), f.dir());
    }

    @Test
    void neverARootCgroupNorOneOutsideOurCgroupNamespace() {
        IllegalStateException root = assertThrows(
                IllegalStateException.class, () -> CgroupFreezer.locate("0::/\n", Path.of("/sys/fs/cgroup")));
        assertTrue(root.getMessage().contains("refusing to freeze cgroup '/'"), root.getMessage());
        IllegalStateException outside = assertThrows(
                IllegalStateException.class,
                () -> CgroupFreezer.locate("0::/../../kubepods.slice/x.scope\n", Path.of("/sys/fs/cgroup")));
        assertTrue(outside.getMessage().contains("host's cgroup namespace"), outside.getMessage());
        assertThrows(IllegalStateException.class, () -> CgroupFreezer.locate("", Path.of("/sys/fs/cgroup")));
    }

    @Test
    void aFreezeThatDoesNotTakeEffectIsAnErrorNamingTheCgroup(@TempDir Path dir) throws Exception {
        // v2 files that no kernel updates: cgroup.events keeps saying "frozen 0"
        Files.writeString(dir.resolve("cgroup.freeze"), "0");
        Files.writeString(dir.resolve("cgroup.events"), "populated 1\nfrozen 0\n");
        CgroupFreezer f = new CgroupFreezer(dir, CgroupFreezer.Version.V2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.freeze(Duration.ofMillis(50)));
        assertTrue(e.getMessage().contains("freezing " + dir + " did not take effect within 50 ms"), e.getMessage());
        assertTrue(e.getMessage().contains("frozen 0"), e.getMessage());
        assertEquals("1", Files.readString(dir.resolve("cgroup.freeze")));
    }

    @Test
    void v1ReadsBackWhatItWrote(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("freezer.state"), "THAWED\n");
        CgroupFreezer f = new CgroupFreezer(dir, CgroupFreezer.Version.V1);
        f.freeze(Duration.ofMillis(100)); // a plain file reads FROZEN at once; the kernel may say FREEZING first
        assertTrue(f.frozen());
        f.thaw(Duration.ofMillis(100));
        assertFalse(f.frozen());
    }
}
