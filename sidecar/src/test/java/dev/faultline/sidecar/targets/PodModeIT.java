package dev.faultline.sidecar.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.sidecar.Sidecar;
import dev.faultline.sidecar.network.NetemPreflight;
import dev.faultline.sidecar.runtime.docker.DockerHost;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pod mode, without any engine socket: the sidecar inside a network namespace this test makes (as it would
 * share a pod's), shaping its own network and signalling a process it can see by command line.
 */
class PodModeIT {
    final String ns = "flpod-" + UUID.randomUUID().toString().substring(0, 6);
    final Sidecar sidecar = new Sidecar();

    @BeforeEach
    void namespace() {
        String r = DockerHost.exec(List.of("ip", "netns", "add", ns));
        if (r.startsWith("ERR")) {
            String why = "cannot create a network namespace (needs root and iproute2): " + r;
            if ("true".equals(System.getenv("CI"))) throw new AssertionError("CI: " + why);
            System.out.println("[faultline-sidecar-it] SKIPPED: " + why);
            org.junit.jupiter.api.Assumptions.abort(why);
        }
        DockerHost.exec(List.of(
                "ip", "netns", "exec", ns, "ip", "link", "add", "eth0", "type", "veth", "peer", "name", "eth1"));
        DockerHost.exec(List.of("ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "up"));
    }

    @AfterEach
    void remove() {
        sidecar.close();
        DockerHost.exec(List.of("ip", "netns", "del", ns));
    }

    String qdiscs() {
        return DockerHost.exec(List.of("ip", "netns", "exec", ns, "tc", "qdisc", "show", "dev", "eth0"));
    }

    Process inPod(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                "ip",
                "netns",
                "exec",
                ns,
                "env",
                "DOCKER_HOST=unix:///nonexistent",
                "FAULTLINE_JOURNAL=" + sidecar.journal,
                System.getProperty("java.home") + "/bin/java",
                "-jar",
                Sidecar.JAR));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    @Test
    void shapesItsOwnNamespaceAndRevertsIt() throws Exception {
        Process p = inPod("netem", "--duration", "3s", "rate", "--rate", "1mbit", "self");
        long deadline = System.currentTimeMillis() + 15_000;
        String kind = NetemPreflight.proven() ? "netem fa17:" : "tbf fa17:"; // netem's rate where the kernel has it
        while (!qdiscs().contains(kind) && System.currentTimeMillis() < deadline) Thread.sleep(100);
        assertTrue(qdiscs().contains(kind), qdiscs());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), out);
        assertFalse(qdiscs().contains("fa17:"), qdiscs());
        assertTrue(out.contains("(pod) self"), out);
    }

    @Test
    void signalsAProcessInTheSharedPidNamespace() throws Exception {
        String marker = "600.5" + (System.nanoTime() % 1000);
        Process victim = new ProcessBuilder("sleep", marker).start();
        Process p = inPod("crash", "--signal", "SIGKILL", "re2:^sleep " + marker.replace(".", "\\.") + "$");
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), out);
        assertTrue(victim.waitFor(5, TimeUnit.SECONDS), "the process was killed");
        assertEquals(137, victim.exitValue());
        Process refused = inPod("stop", "web");
        assertTrue(refused.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, refused.exitValue());
        assertTrue(new String(refused.getInputStream().readAllBytes()).contains("needs the engine's socket"));
    }
}
