package dev.faultline.sidecar.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.faultline.sidecar.Sidecar;
import dev.faultline.sidecar.experiment.journal.Journal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The nsenter shell a network change keeps open in a CRI pod's namespace ({@code sh -s faultline-netns-shell PID}):
 * one while the change is in force, none once it is reverted while the daemon runs on, and none after a SIGKILL of
 * the daemon (its stdin closes with the JVM), while the change's watchdog outlives it. Needs root and
 * {@code .ci/containerd.sh start}.
 */
class NetnsShellLifeIT extends CriTest {
    @Test
    void oneShellWhileTheChangeIsInForceNoneOnceItIsRevertedWhileTheDaemonRunsOn() throws Exception {
        String pod = node.run + "-shell";
        long pid = cri.process(node.startContainer(node.runPod("shop", pod, Map.of()), "app", CriRuntimeIT.TICKER))
                .pid();
        try (CriDaemon d = new CriDaemon(sidecar)) {
            for (int round = 0; round < 2; round++) { // a second change gets a shell of its own, and loses it too
                int seen = d.log.size();
                CompletableFuture<Object> run = CompletableFuture.supplyAsync(
                        () -> invoke(d, "netem --duration 1s rate --rate 1mbit shop/" + pod + "/app"));
                d.awaitLine(seen, "action=applied");
                List<ProcessHandle> open = shellsIn(pid);
                assertEquals(1, open.size(), "one shell while the change is in force: " + open);
                assertEquals(
                        d.process.pid(),
                        open.get(0).parent().map(ProcessHandle::pid).orElse(-1L),
                        "the daemon's own child");
                run.get(20, TimeUnit.SECONDS);
                d.awaitLine(seen, "action=reverted");
                assertTrue(d.process.isAlive());
                long until = System.currentTimeMillis() + 3_000; // closed right after that line: within its 2 s bound
                while (!shellsIn(pid).isEmpty() && System.currentTimeMillis() < until) Thread.sleep(20);
                assertEquals(List.of(), shellsIn(pid), "the shell ends with the change, not with the daemon");
                assertFalse(open.get(0).isAlive());
            }
        }
    }

    @Test
    void aSigkilledDaemonsShellEndsWithItAndItsWatchdogDoesNot() throws Exception {
        String pod = node.run + "-shellkill";
        String id = node.startContainer(node.runPod("shop", pod, Map.of()), "app", CriRuntimeIT.TICKER);
        long pid = cri.process(id).pid();
        String before = CriNetworkCrashIT.witness(pid);
        CriDaemon d = new CriDaemon(sidecar);
        try {
            int seen = d.log.size();
            CompletableFuture.runAsync(() -> invoke(d, "netem --duration 30s rate --rate 1mbit shop/" + pod + "/app"));
            d.awaitLine(seen, "action=applied");
            Thread.sleep(100); // the watchdog is started right after that line is written
            List<ProcessHandle> open = shellsIn(pid);
            assertEquals(1, open.size(), "one shell while the change is in force: " + open);
            d.process.destroyForcibly(); // SIGKILL: no finally, no shutdown hook
            assertTrue(d.process.waitFor(10, TimeUnit.SECONDS));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (open.get(0).isAlive() && System.nanoTime() < end) Thread.sleep(10);
            assertFalse(open.get(0).isAlive(), "the shell outlived the SIGKILLed daemon");
            assertEquals(List.of(), shellsIn(pid));
            assertEquals(1, CriNetworkCrashIT.watchdogsOf(id).size(), "the watchdog outlives the daemon");
            assertNotEquals(
                    before, CriNetworkCrashIT.witness(pid), "still in force: only a watchdog or a start reverts it");
        } finally {
            d.close();
        }
        Sidecar.Run next =
                sidecar.run("--runtime-endpoint", CriNode.ENDPOINT, "--dry-run", "kill", "shop/" + pod + "/app");
        assertTrue(next.output().contains("kind=network verified=true"), next.output());
        assertEquals(List.of(), new Journal(sidecar.journal).pending());
        assertEquals(before, CriNetworkCrashIT.witness(pid));
        assertEquals(List.of(), CriNetworkCrashIT.watchdogsOf(id), "the next start stopped the watchdog");
        assertEquals(List.of(), shellsIn(pid), "and left no shell of its own");
    }

    private static Object invoke(CriDaemon d, String words) {
        try {
            return d.connector
                    .getMBeanServerConnection()
                    .invoke(d.name, "run", new Object[] {words}, new String[] {String.class.getName()});
        } catch (Exception e) {
            return e; // the SIGKILL case ends the call this way
        }
    }

    /** Every netns shell into this process's namespace, whoever its parent is now. */
    static List<ProcessHandle> shellsIn(long pid) {
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().orElse("").endsWith("faultline-netns-shell " + pid))
                .toList();
    }
}
