package dev.faultline.sidecar.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.sidecar.Sidecar;
import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.runtime.docker.DockerHost;
import dev.faultline.sidecar.runtime.docker.EngineTest;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The crash matrix's other failures: the target restarted under a change (its namespace gone, a new one in place),
 * the engine restarted under a change, and a journal that cannot be written (the change is refused, nothing
 * changes). The target is witnessed from outside the sidecar, as in {@link CrashMatrixIT}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashCasesIT extends EngineTest {
    static final List<List<String>> NETWORK_CHANGES = List.of(
            List.of("netem", "--duration", "4s", "rate", "--rate", "1mbit"),
            List.of("netem", "--duration", "4s", "--ingress", "rate", "--rate", "1mbit"),
            List.of("iptables", "--duration", "4s", "loss", "--probability", "0.5"));

    /** The network as seen from outside: what a change would leave behind (a restart gives the target a new MAC). */
    String network(String name) {
        return TargetWitness.of(docker, name, false)
                .replaceAll("link/ether \\S+", "link/ether *")
                .replaceAll("\\d+: eth0@if\\d+", "eth0");
    }

    boolean changed(String name) {
        String tc = docker.inNetns(name, "tc", "qdisc", "show");
        return tc.contains("fa17:")
                || tc.contains("ingress")
                || docker.inNetns(name, "iptables", "-S").contains("faultline:")
                || docker.inspect(name, "{{.State.Paused}}").equals("true");
    }

    void awaitChanged(String name) throws InterruptedException {
        for (int i = 0; i < 200 && !changed(name); i++) Thread.sleep(50);
        assertTrue(changed(name), "the change is in force in " + name);
    }

    static String shortId(DockerHost docker, String name) {
        return docker.inspect(name, "{{.Id}}").substring(0, 12);
    }

    void assertNothingLeft(String name, String before, String when) {
        assertEquals(before, network(name), when + ": the target's network as it was");
        assertEquals("running false", docker.inspect(name, "{{.State.Status}} {{.State.Paused}}"), when);
        assertEquals(List.of(), CrashMatrix.watchdogsOf(shortId(docker, name)), when + ": no watchdog left");
        assertEquals(List.of(), new Journal(sidecar.journal).pending(), when + ": nothing open in the journal");
    }

    /** No next start: the pause's watchdog, a process outside the sidecar's JVM, unpauses at the deadline. */
    @Test
    @Order(0)
    void aSigkilledSidecarsPauseIsUndoneByItsWatchdogAtTheDeadline() throws Exception {
        String name = docker.run + "-paused";
        docker.start(name, List.of(), "sleep", "3600");
        String before = network(name);
        Process p = sidecar.start("pause", "--duration", "1s", name);
        awaitChanged(name);
        for (int i = 0; i < 50 && CrashMatrix.watchdogsOf(shortId(docker, name)).isEmpty(); i++) Thread.sleep(100);
        assertTrue(!CrashMatrix.watchdogsOf(shortId(docker, name)).isEmpty(), "a watchdog guards the pause");
        p.destroyForcibly();
        p.waitFor();
        assertEquals("true", docker.inspect(name, "{{.State.Paused}}"), "still paused after the SIGKILL");
        long t0 = System.nanoTime();
        for (int i = 0; i < 300 && docker.inspect(name, "{{.State.Paused}}").equals("true"); i++) Thread.sleep(100);
        assertEquals("false", docker.inspect(name, "{{.State.Paused}}"), "unpaused by the watchdog");
        System.out.printf(
                "[faultline-crash] pause watchdog unpaused %.1f s after the SIGKILL (deadline 1 s + 2 s)%n",
                (System.nanoTime() - t0) / 1e9);
        for (int i = 0;
                i < 50 && !CrashMatrix.watchdogsOf(shortId(docker, name)).isEmpty();
                i++) Thread.sleep(100);
        assertEquals(List.of(), CrashMatrix.watchdogsOf(shortId(docker, name)), "the watchdog ended");
        assertEquals(before, network(name));
        // the journal still lists it (nobody marked it done): the next start verifies it is undone and closes it
        Sidecar.Run next = sidecar.run("--dry-run", "kill", name);
        assertTrue(next.output().contains("verified=true"), next.output());
        assertNothingLeft(name, before, "after the watchdog and the next start");
    }

    @Test
    @Order(1)
    void aTargetRestartedUnderAChangeIsLeftClean() throws Exception {
        String name = docker.run + "-restarted";
        docker.start(name, List.of(), "sleep", "3600");
        String before = network(name);
        for (List<String> change : NETWORK_CHANGES) {
            for (boolean sidecarKilled : new boolean[] {false, true}) {
                List<String> args = new ArrayList<>(change);
                args.add(name);
                Process p = sidecar.start(args.toArray(String[]::new));
                awaitChanged(name);
                long oldPid = docker.pid(name);
                assertTrue(DockerHost.exec(List.of("docker", "restart", "-t", "0", name))
                        .contains(name));
                assertTrue(docker.pid(name) != oldPid, "a new main process, a new network namespace");
                String when = change
                        + (sidecarKilled
                                ? ", target restarted, sidecar SIGKILLed, next start"
                                : ", target restarted, sidecar reverts at its deadline");
                if (sidecarKilled) {
                    p.destroyForcibly();
                    p.waitFor();
                    Sidecar.Run next = sidecar.run("--dry-run", "kill", name);
                    assertTrue(next.output().contains("action=recover"), next.output());
                } else {
                    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
                    String out = new String(p.getInputStream().readAllBytes());
                    assertEquals(0, p.exitValue(), when + ": " + out);
                }
                assertNothingLeft(name, before, when);
            }
        }
    }

    @Test
    @Order(2)
    void aFullJournalDiskRefusesTheChangeAndChangesNothing() throws Exception {
        String name = docker.run + "-full";
        docker.start(name, List.of(), "sleep", "3600");
        String before = network(name);
        Path disk = Files.createTempDirectory("faultline-full-disk");
        assertEquals("", DockerHost.exec(List.of("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", disk.toString())));
        try {
            DockerHost.exec(
                    List.of("dd", "if=/dev/zero", "of=" + disk.resolve("filler"), "bs=4k")); // until the disk is full
            Path journal = disk.resolve("journal");
            List<List<String>> changes = new ArrayList<>(NETWORK_CHANGES);
            changes.add(List.of("pause", "--duration", "4s"));
            for (List<String> change : changes) {
                List<String> args = new ArrayList<>(change);
                args.add(name);
                Sidecar.Run r =
                        sidecar.run(Map.of("FAULTLINE_JOURNAL", journal.toString()), args.toArray(String[]::new));
                assertEquals(1, r.exitCode(), r.output());
                assertTrue(
                        r.output().contains("cannot write the journal " + journal)
                                && r.output().contains("No space left on device")
                                && r.output().contains("nothing was changed"),
                        change + ": " + r.output());
                assertNothingLeft(name, before, change + " with the journal's disk full");
            }
        } finally {
            DockerHost.exec(List.of("umount", disk.toString()));
            Files.deleteIfExists(disk);
        }
    }

    /** Last: it restarts the engine this machine's other tests use (and waits until it answers again). */
    @Test
    @Order(3)
    void theEngineRestartedUnderAChangeLeavesTheTargetClean() throws Exception {
        String name = docker.run + "-engine";
        // the engine stops its containers when it stops; this one comes back by its restart policy, in a new namespace
        docker.start(name, List.of("--restart", "always", "--stop-timeout", "1"), "sleep", "3600");
        String before = network(name);
        for (List<String> change : List.of(NETWORK_CHANGES.get(0), NETWORK_CHANGES.get(2))) {
            List<String> args = new ArrayList<>(change);
            args.add(name);
            Process p = sidecar.start(args.toArray(String[]::new));
            awaitChanged(name);
            restartEngine();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.exitValue(), change + ": " + out);
            for (int i = 0;
                    i < 100 && !docker.inspect(name, "{{.State.Status}}").equals("running");
                    i++) Thread.sleep(100);
            assertNothingLeft(name, before, change + ", engine restarted mid-change");
        }
    }

    /** SIGTERM to dockerd, then the same command line again, as .ci/services.sh started it. */
    static void restartEngine() throws Exception {
        long pid = Long.parseLong(
                DockerHost.exec(List.of("pidof", "dockerd")).trim().split("\\s+")[0]);
        List<String> argv =
                List.of(Files.readString(Path.of("/proc/" + pid + "/cmdline")).split("\0"));
        ProcessHandle engine = ProcessHandle.of(pid).orElseThrow();
        engine.destroy();
        engine.onExit().get(60, TimeUnit.SECONDS);
        List<String> cmd = new ArrayList<>(List.of("setsid"));
        cmd.addAll(argv);
        new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File("/tmp/faultline-dockerd.log")))
                .start();
        for (int i = 0; i < 120; i++) {
            if (!DockerHost.exec(List.of("docker", "info", "--format", "{{.ServerVersion}}"))
                    .startsWith("ERR")) return;
            Thread.sleep(500);
        }
        throw new AssertionError("the engine did not come back after a restart: see /tmp/faultline-dockerd.log");
    }
}
