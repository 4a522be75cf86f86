package dev.faultline.sidecar.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.sidecar.Sidecar;
import dev.faultline.sidecar.runtime.docker.DockerHost;
import dev.faultline.sidecar.runtime.docker.EngineTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --runtime containerd} against Docker's own containerd, never reconfigured: containers made by
 * {@code docker run} are in its {@code moby} namespace, and are killed and paused through containerd's API. Docker
 * and containerd's own CLI ({@code ctr}) are the independent views.
 */
class ContainerdApiIT extends EngineTest {
    /** Where Docker's containerd listens: the system one, or the one dockerd starts when there is none. */
    private static final List<Path> SOCKETS =
            List.of(Path.of("/run/containerd/containerd.sock"), Path.of("/var/run/docker/containerd/containerd.sock"));

    private String socket;

    /** The socket whose moby namespace holds a container Docker just started, as {@code ctr} sees it. */
    @BeforeEach
    void dockersContainerd() {
        String probe = docker.start(docker.run + "-probe", List.of(), "sleep", "600");
        for (Path s : SOCKETS) {
            if (Files.exists(s) && ctr(s.toString(), "task", "ls").contains(probe)) socket = s.toString();
        }
        if (socket == null) {
            String why = "no containerd socket with Docker's moby namespace among " + SOCKETS + " (or no ctr)";
            if ("true".equals(System.getenv("CI"))) throw new AssertionError("CI: " + why);
            System.out.println("[faultline-sidecar-it] SKIPPED: " + why);
            Assumptions.abort(why);
        }
    }

    private static String ctr(String socket, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ctr", "-a", socket, "-n", "moby"));
        cmd.addAll(List.of(args));
        return DockerHost.exec(cmd);
    }

    /** The task's status as {@code ctr task ls} shows it: RUNNING, PAUSED, STOPPED. */
    private String taskStatus(String id) {
        for (String line : ctr(socket, "task", "ls").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && f[0].equals(id)) return f[2];
        }
        return "none";
    }

    private String[] args(String... verb) {
        List<String> a = new ArrayList<>(
                List.of("--runtime", "containerd", "--containerd-address", socket, "--containerd-namespace", "moby"));
        a.addAll(List.of(verb));
        return a.toArray(String[]::new);
    }

    private void awaitPaused(String id) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (!taskStatus(id).equals("PAUSED") && System.currentTimeMillis() < deadline) Thread.sleep(100);
        assertEquals("PAUSED", taskStatus(id));
    }

    @Test
    void killStopPauseAndIptablesOnContainersDockerStartedThroughItsMobyNamespace() throws Exception {
        String a = docker.start(docker.run + "-a", List.of(), "sleep", "600");
        String b = docker.start(docker.run + "-b", List.of(), "sleep", "600");
        String c = docker.start(docker.run + "-c", List.of(), "sleep", "600");

        Process pause = sidecar.start(args("pause", "--duration", "3s", b));
        awaitPaused(b);
        assertEquals("true", docker.inspect(b, "{{.State.Paused}}"), "Docker sees its containerd's pause");
        assertEquals(0, pause.waitFor());
        assertEquals("RUNNING", taskStatus(b));
        assertEquals("false true", docker.inspect(b, "{{.State.Paused}} {{.State.Running}}"));

        // the network namespace is reached through the task's PID (Tasks.Get)
        Process loss = sidecar.start(args("iptables", "--duration", "3s", "loss", "--probability", "1.0", b));
        long ruled = System.currentTimeMillis() + 15_000;
        while (!docker.inNetns(b, "iptables", "-S").contains("faultline:") && System.currentTimeMillis() < ruled)
            Thread.sleep(100);
        assertTrue(docker.inNetns(b, "iptables", "-S").contains("faultline:"), docker.inNetns(b, "iptables", "-S"));
        assertEquals(0, loss.waitFor());
        assertFalse(docker.inNetns(b, "iptables", "-S").contains("faultline:"), docker.inNetns(b, "iptables", "-S"));

        Sidecar.Run kill = sidecar.run(args("kill", a));
        assertEquals(0, kill.exitCode(), kill.output());
        assertTrue(
                kill.output().contains("runtime=containerd") && kill.output().contains("namespace moby"),
                kill.output());
        assertTrue(kill.output().contains("action=kill") && kill.output().contains(a), kill.output());
        long deadline = System.currentTimeMillis() + 10_000;
        while (!docker.inspect(a, "{{.State.Running}}").equals("false") && System.currentTimeMillis() < deadline)
            Thread.sleep(100);
        assertEquals("false 137", docker.inspect(a, "{{.State.Running}} {{.State.ExitCode}}"));

        // sleep as PID 1 ignores SIGTERM: stop's SIGKILL after --time ends it
        Sidecar.Run stop = sidecar.run(args("stop", "--time", "1", c));
        assertEquals(0, stop.exitCode(), stop.output());
        deadline = System.currentTimeMillis() + 10_000;
        while (!docker.inspect(c, "{{.State.Running}}").equals("false") && System.currentTimeMillis() < deadline)
            Thread.sleep(100);
        assertEquals("false 137", docker.inspect(c, "{{.State.Running}} {{.State.ExitCode}}"));
    }

    /** Pumba's exec is Tasks.Exec beside the task, in Docker's moby namespace; docker exec is the independent view. */
    @Test
    void execRunsACommandBesideTheTaskAndReportsItsExitCode() throws Exception {
        String a = docker.start(docker.run + "-exec", List.of(), "sleep", "600");
        Sidecar.Run touch = sidecar.run(args("exec", "--command", "touch /faultline-exec", a));
        assertEquals(0, touch.exitCode(), touch.output());
        assertFalse(DockerHost.exec(List.of("docker", "exec", a, "ls", "/faultline-exec"))
                .startsWith("ERR"));
        Sidecar.Run fails = sidecar.run(args("exec", "--command", "ls /no-such-file", a));
        assertEquals(1, fails.exitCode(), fails.output());
        assertTrue(fails.output().contains("exit code 1"), fails.output());
        assertFalse(ctr(socket, "task", "ps", a).contains("faultline-exec-"), "an exec process was left");
    }

    @Test
    void aPauseOfASidecarKilledMidwayIsResumedFromTheJournalByTheNextStart() throws Exception {
        String b = docker.start(docker.run + "-j", List.of(), "sleep", "600");
        Process pause = sidecar.start(args("pause", "--duration", "120s", b));
        awaitPaused(b);
        pause.destroyForcibly().waitFor();
        assertEquals("PAUSED", taskStatus(b), "its watchdog waits for the deadline, 120 s");

        Sidecar.Run next = sidecar.run(args("--dry-run", "kill", b));
        assertTrue(
                next.output().contains("action=recover")
                        && next.output().contains("kind=pause")
                        && next.output().contains("verified=true"),
                next.output());
        assertEquals("RUNNING", taskStatus(b));
    }

    @Test
    void restartOfADockerOwnedContainerAndKubernetesNamespacesAreRefusedNamingWhy() throws Exception {
        // by its id: containerd knows no Docker names
        String c = docker.start(docker.run + "-r", List.of(), "sleep", "600");
        Sidecar.Run r = sidecar.run(args("restart", c));
        assertEquals(1, r.exitCode(), r.output());
        assertTrue(r.output().contains("has no containerd snapshot"), r.output());
        assertEquals("RUNNING", taskStatus(c), "refused before anything was stopped");
        List<String> withNamespace = new ArrayList<>(List.of("--namespace", "default"));
        withNamespace.addAll(List.of(args("kill", docker.run + "-probe")));
        Sidecar.Run ns = sidecar.run(withNamespace.toArray(String[]::new));
        assertEquals(1, ns.exitCode(), ns.output());
        assertTrue(ns.output().contains("containerd's own namespace is --containerd-namespace"), ns.output());
    }
}
