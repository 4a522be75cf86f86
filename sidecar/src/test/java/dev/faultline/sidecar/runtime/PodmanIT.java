package dev.faultline.sidecar.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.sidecar.Sidecar;
import dev.faultline.sidecar.runtime.docker.DockerHost;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --runtime podman} against rootful Podman's API service on its standard socket (.ci/podman.sh starts it and
 * loads the busybox image), found without naming it. {@code podman inspect} is the independent view.
 */
class PodmanIT {
    private final String run = "faultline-it-" + UUID.randomUUID().toString().substring(0, 8);
    private final Sidecar sidecar = new Sidecar();

    @BeforeEach
    void podman() {
        String why = null;
        if (podman("info", "--format", "{{.Host.OCIRuntime.Name}}").startsWith("ERR")) why = "no podman";
        else if (DockerHost.exec(List.of("curl", "-sf", "--unix-socket", "/run/podman/podman.sock", "http://d/_ping"))
                .startsWith("ERR")) why = "Podman's API service does not answer on /run/podman/podman.sock";
        else if (podman("image", "exists", DockerHost.BUSYBOX).startsWith("ERR"))
            why = DockerHost.BUSYBOX + " is not in Podman's store";
        if (why == null) return;
        why += " (.ci/podman.sh start)";
        if ("true".equals(System.getenv("CI"))) throw new AssertionError("CI: " + why);
        System.out.println("[faultline-sidecar-it] SKIPPED: " + why);
        Assumptions.abort(why);
    }

    @AfterEach
    void cleanUp() {
        sidecar.close();
        String ids = podman("ps", "-aq", "--filter", "label=dev.faultline.test=" + run)
                .trim();
        if (ids.isEmpty() || ids.startsWith("ERR")) return;
        List<String> rm = new ArrayList<>(List.of("rm", "-f", "-t", "0"));
        rm.addAll(List.of(ids.split("\\s+")));
        podman(rm.toArray(String[]::new));
    }

    private static String podman(String... args) {
        List<String> cmd = new ArrayList<>(List.of("podman"));
        cmd.addAll(List.of(args));
        return DockerHost.exec(cmd);
    }

    /**
     * A labelled busybox sleeping. The limits are this machine's, not the sidecar's: Podman sets high nofile and
     * nproc limits by default, which a runc without CAP_SYS_RESOURCE here may not raise.
     */
    private String start(String name) {
        String out = podman(
                "run",
                "-d",
                "--name",
                name,
                "--label",
                "dev.faultline.test=" + run,
                "--ulimit",
                "nofile=1024:1024",
                "--ulimit",
                "nproc=1024:1024",
                DockerHost.BUSYBOX,
                "sleep",
                "600");
        if (out.startsWith("ERR")) throw new AssertionError("podman run failed: " + out);
        return name;
    }

    private String inspect(String name, String format) {
        return podman("inspect", "-f", format, name).trim();
    }

    @Test
    void killAndPauseThroughPodmansDockerCompatibleApi() throws Exception {
        String a = start(run + "-a"), b = start(run + "-b");

        Process pause = sidecar.start("--runtime", "podman", "pause", "--duration", "3s", b);
        long deadline = System.currentTimeMillis() + 15_000;
        while (!inspect(b, "{{.State.Status}}").equals("paused") && System.currentTimeMillis() < deadline)
            Thread.sleep(100);
        assertEquals("paused", inspect(b, "{{.State.Status}}"));
        assertEquals(0, pause.waitFor());
        assertEquals("running", inspect(b, "{{.State.Status}}"));

        Sidecar.Run kill = sidecar.run("--runtime", "podman", "kill", a);
        assertEquals(0, kill.exitCode(), kill.output());
        assertTrue(
                kill.output().contains("runtime=podman endpoint=unix:///run/podman/podman.sock")
                        && kill.output().contains("Podman "),
                kill.output());
        assertTrue(kill.output().contains("action=kill") && kill.output().contains(a), kill.output());
        // the kill answers once the signal is sent (Podman's own API, as Docker's kill does): Podman marks the
        // container "stopped" at once and "exited" after its clean-up
        deadline = System.currentTimeMillis() + 15_000;
        while (!inspect(a, "{{.State.Status}}").equals("exited") && System.currentTimeMillis() < deadline)
            Thread.sleep(100);
        assertEquals("exited 137", inspect(a, "{{.State.Status}} {{.State.ExitCode}}"));

        // Pumba's exec through the same API; podman's own exec is the independent view
        String c = start(run + "-c");
        Sidecar.Run exec = sidecar.run("--runtime", "podman", "exec", "--command", "touch /faultline-exec", c);
        assertEquals(0, exec.exitCode(), exec.output());
        assertFalse(podman("exec", c, "ls", "/faultline-exec").startsWith("ERR"), exec.output());
    }
}
