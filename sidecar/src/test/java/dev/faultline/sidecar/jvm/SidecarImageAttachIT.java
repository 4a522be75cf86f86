package dev.faultline.sidecar.jvm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.sidecar.runtime.docker.DockerHost;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sidecar's image as the DaemonSets run it (host PID namespace, root, Docker's default capabilities plus the ones
 * the manifests add) attaches the agent it ships to a JVM in another container: with {@code SYS_PTRACE} it works, with
 * only {@code NET_ADMIN, SYS_ADMIN, KILL} it is refused and says what is missing. That is why the manifests add it.
 */
class SidecarImageAttachIT {
    static DockerHost docker;
    static String image;

    @BeforeAll
    static void image() {
        docker = DockerHost.require();
        image = DockerHost.buildSidecarImage(
                "faultline/sidecar:jvm-it-" + ProcessHandle.current().pid());
    }

    @AfterAll
    static void clean() {
        if (docker != null) docker.close();
        if (image != null) DockerHost.exec(List.of("docker", "rmi", "-f", image));
    }

    static String probe(long targetPid, String... capabilities) {
        List<String> cmd = new ArrayList<>(
                List.of("docker", "run", "--rm", "--label", "dev.faultline.test=" + docker.run, "--pid", "host"));
        for (String c : capabilities) cmd.addAll(List.of("--cap-add", c));
        cmd.addAll(List.of("-v", JvmAttachIT.CLASSES + ":/app:ro", "--entrypoint", "java", image));
        cmd.addAll(List.of(
                "-cp",
                "/opt/faultline/faultline-sidecar.jar:/app",
                ImageAttachProbe.class.getName(),
                Long.toString(targetPid)));
        String out = DockerHost.exec(cmd);
        System.out.println("[jvm-image-it] " + String.join(",", capabilities) + ": " + out.trim());
        return out;
    }

    @Test
    void withSysPtraceTheImageAttachesTheAgentItShipsAndWithoutItSaysWhatIsMissing() throws Exception {
        String name = JvmAttachIT.startJvm(docker, JvmAttachIT.JRE17, List.of(), List.of());
        long pid = docker.pid(name);

        String without = probe(pid, "NET_ADMIN", "SYS_ADMIN", "KILL");
        assertTrue(without.contains("REFUSED") && without.contains("CAP_SYS_PTRACE"), without);
        assertTrue(!JvmAttachIT.logs(name).contains("loaded (attached)"), "nothing loaded");

        String with = probe(pid, "NET_ADMIN", "SYS_ADMIN", "KILL", "SYS_PTRACE");
        assertTrue(with.contains("FOUND 1 agent=/opt/faultline/faultline-agent.jar"), with);
        assertTrue(with.contains("ATTACHED java 17"), with);
        assertTrue(
                JvmAttachIT.logsShowing(name, "loaded (attached)").contains("loaded (attached)"),
                JvmAttachIT.logs(name));
    }
}
