package dev.faultline.sidecar.runtime.cri;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.common.process.HungPrograms;
import dev.faultline.sidecar.network.HungCommandTest;
import dev.faultline.sidecar.network.NetnsExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The freezer's commands cut at the sidecar's command deadline ({@link HungCommandTest}): the nsenter that reads a
 * cgroup in the host's cgroup namespace, and the thaw as {@link FreezeChange} runs it (a shell on the host).
 */
class FreezerHungCommandTest {
    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        Object result = switch (args[0]) {
            case "host-cgroup" -> {
                try {
                    yield CgroupFreezer.inHostCgroupNamespace(Path.of("/proc/self/cgroup"));
                } catch (IOException e) {
                    yield e.getMessage();
                }
            }
            case "thaw" -> {
                Path cgroup = Files.createTempDirectory("faultline-cgroup");
                cgroup.toFile().deleteOnExit(); // empty: the hung thaw wrote nothing
                CgroupFreezer f = new CgroupFreezer(cgroup, CgroupFreezer.Version.V2);
                yield NetnsExecutor.nsenter(0).run(f.thawArgv()); // FreezeChange's HOST
            }
            default -> throw new IllegalArgumentException(args[0]);
        };
        System.out.println("took=" + (System.nanoTime() - t0) / 1_000_000 + " result=" + result);
        System.exit(0);
    }

    @Test
    void aHungNsenterIntoTheHostCgroupNamespaceIsCut() throws Exception {
        try (HungPrograms hung = HungPrograms.named("nsenter")) {
            String out = HungCommandTest.cut(hung, FreezerHungCommandTest.class, "host-cgroup", Map.of());
            String said = "result=cannot read /proc/self/cgroup in the host's cgroup namespace (nsenter -t 1 -C: "
                    + "`nsenter -t 1 -C -- cat /proc/self/cgroup` did not finish within 500ms; killed)";
            assertTrue(out.contains(said), out);
        }
    }

    @Test
    void aHungThawIsCut() throws Exception {
        try (HungPrograms hung = HungPrograms.named("sh")) {
            String out = HungCommandTest.cut(hung, FreezerHungCommandTest.class, "thaw", Map.of());
            assertTrue(
                    out.matches("(?s).*result=Result\\[exitCode=-1, output="
                            + "`sh -c \\[ ! -e \"\\$1\" ] \\|\\| echo \"\\$2\" > \"\\$1\" faultline-thaw "
                            + "/tmp/faultline-cgroup\\d+/cgroup.freeze 0` did not finish within 500ms; killed].*"),
                    out);
        }
    }
}
