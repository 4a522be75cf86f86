package dev.faultline.sidecar.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.faultline.sidecar.Sidecar;
import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.runtime.cri.CgroupFreezer;
import dev.faultline.sidecar.runtime.cri.v1.ContainerState;
import dev.faultline.sidecar.runtime.cri.v1.ContainerStatus;
import io.grpc.StatusRuntimeException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built sidecar jar, run as an operator runs it on a containerd node ({@code --runtime-endpoint}), against pods
 * made as kubelet makes them ({@link CriNode}); the effect of each verb is read from the runtime and the host, never
 * from the sidecar's own words. Needs root and {@code .ci/containerd.sh start}.
 */
class CriSidecarIT extends CriTest {
    private Sidecar.Run run(Map<String, String> env, String... args) throws Exception {
        String[] all = new String[args.length + 2];
        all[0] = "--runtime-endpoint";
        all[1] = CriNode.ENDPOINT;
        System.arraycopy(args, 0, all, 2, args.length);
        Sidecar.Run r = sidecar.run(env, all);
        System.out.printf(
                "[faultline-sidecar-it] %s -> %d%n%s%n",
                String.join(" ", args), r.exitCode(), r.output().strip());
        return r;
    }

    private Sidecar.Run run(String... args) throws Exception {
        return run(Map.of(), args);
    }

    private Process start(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--runtime-endpoint", CriNode.ENDPOINT));
        all.addAll(List.of(args));
        return sidecar.start(all.toArray(String[]::new));
    }

    private String ticker(String namespace, String pod) {
        return node.startContainer(node.runPod(namespace, pod, Map.of()), "app", CriRuntimeIT.TICKER);
    }

    @Test
    void dryRunSelectsNamespacePodContainerNeverTheSandboxOwnPodOrKubeSystem() throws Exception {
        String p = node.run;
        CriNode.Pod web1 = node.runPod("shop", p + "-web-1", Map.of("app", "web"));
        node.startContainer(web1, "app", CriRuntimeIT.TICKER);
        node.startContainer(node.runPod("shop", p + "-web-2", Map.of("app", "api")), "app", CriRuntimeIT.TICKER);
        node.startContainer(node.runPod("other", p + "-web-3", Map.of("app", "web")), "app", CriRuntimeIT.TICKER);
        node.startContainer(
                node.runPod("kube-system", p + "-web-sys", Map.of("app", "web")), "app", CriRuntimeIT.TICKER);
        CriNode.Pod self = node.runPod("shop", p + "-web-self", Map.of("app", "web"));
        node.startContainer(self, "app", CriRuntimeIT.TICKER);
        Map<String, String> ownPod = Map.of("FAULTLINE_POD_UID", self.uid()); // as the DaemonSet's downward API sets it

        Sidecar.Run all = run(ownPod, "--dry-run", "kill", "re2:" + p + "-web");
        assertEquals(0, all.exitCode(), all.output());
        assertTrue(
                all.output().contains("runtime=cri endpoint=" + CriNode.ENDPOINT),
                "the log names runtime and endpoint: " + all.output());
        for (String hit :
                List.of("shop/" + p + "-web-1/app(", "shop/" + p + "-web-2/app(", "other/" + p + "-web-3/app("))
            assertTrue(all.output().contains(hit), hit + " not selected: " + all.output());
        assertFalse(all.output().contains(p + "-web-sys"), "kube-system selected without --namespace kube-system");
        assertFalse(all.output().contains(p + "-web-self"), "the sidecar's own pod selected");
        assertFalse(all.output().contains(web1.id().substring(0, 12)), "a sandbox selected");

        String ns = run(ownPod, "--dry-run", "--namespace", "other", "kill", "re2:" + p)
                .output();
        assertTrue(ns.contains("other/" + p + "-web-3/app(") && !ns.contains("shop/"), ns);
        String label = run(ownPod, "--dry-run", "--label", "app=api", "kill", "re2:" + p)
                .output();
        assertTrue(
                label.contains("shop/" + p + "-web-2/app(") && !label.contains("-web-1/") && !label.contains("-web-3/"),
                label);
        String sys = run(ownPod, "--dry-run", "--namespace", "kube-system", "kill", "re2:" + p)
                .output();
        assertTrue(sys.contains("kube-system/" + p + "-web-sys/app("), "kube-system when named: " + sys);
        String exact =
                run(ownPod, "--dry-run", "stop", "shop/" + p + "-web-1/app").output();
        assertTrue(exact.contains("shop/" + p + "-web-1/app(") && !exact.contains("-web-2/"), exact);
        Sidecar.Run none = run(ownPod, "--dry-run", "kill", "shop/" + p + "-web-self/app");
        assertEquals(0, none.exitCode(), "our own pod by name is an empty selection: " + none.output());
        assertTrue(
                none.output().contains("no containers found") && !none.output().contains("dry_run=true"),
                none.output());
    }

    /**
     * {@code --random crash} over three matching pods, again and again: each run exactly one of them EXITED, the rest
     * running; never the kube-system pod nor our own pod, which match the same pattern (with five candidates a rule
     * that did not hold would be hit with 2/5 a run). No kubelet restarts the crashed one: a fresh pod takes its place.
     */
    @Test
    void randomCrashHitsExactlyOneMatchingPodAndNeverTheOnesThatAreNeverHit() throws Exception {
        String p = node.run;
        String sys =
                node.startContainer(node.runPod("kube-system", p + "-web-sys", Map.of()), "app", CriRuntimeIT.TICKER);
        CriNode.Pod self = node.runPod("shop", p + "-web-self", Map.of());
        String own = node.startContainer(self, "app", CriRuntimeIT.TICKER);
        Map<String, String> ownPod = Map.of("FAULTLINE_POD_UID", self.uid());
        Map<String, String> candidates = new LinkedHashMap<>(); // container id -> its target name
        int made = 0;
        for (int round = 0; round < 8; round++) {
            while (candidates.size() < 3) {
                String pod = p + "-web-" + made++;
                candidates.put(ticker("shop", pod), "shop/" + pod + "/app");
            }
            Sidecar.Run r = run(ownPod, "--random", "crash", "--signal", "SIGKILL", "re2:" + p + "-web");
            assertEquals(0, r.exitCode(), r.output());
            List<String> exited = new ArrayList<>();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (exited.isEmpty() && System.nanoTime() < end) {
                for (String id : candidates.keySet())
                    if (node.status(id).getState() == ContainerState.CONTAINER_EXITED) exited.add(id);
                if (exited.isEmpty()) Thread.sleep(10);
            }
            Thread.sleep(200); // a second kill, had there been one, is as fast as the first
            exited.clear();
            for (String id : candidates.keySet())
                if (node.status(id).getState() == ContainerState.CONTAINER_EXITED) exited.add(id);
            assertEquals(
                    1,
                    exited.size(),
                    "round " + round + ": exactly one of " + candidates.values() + " hit: " + exited + "\n"
                            + r.output());
            assertEquals(
                    ContainerState.CONTAINER_RUNNING,
                    node.status(sys).getState(),
                    "round " + round + ": kube-system hit without --namespace");
            assertEquals(
                    ContainerState.CONTAINER_RUNNING,
                    node.status(own).getState(),
                    "round " + round + ": the sidecar's own pod hit");
            String name = candidates.remove(exited.get(0));
            String logged = "containers=[" + name + "(" + exited.get(0).substring(0, 12) + ")]";
            assertTrue(
                    r.output().contains(logged),
                    "the log names the one it hit and no other, " + logged + ": " + r.output());
        }
    }

    @Test
    void crashSignalsTheHostPidAndTheRuntimeReportsExited137() throws Exception {
        String id = ticker("shop", node.run + "-crash");
        long pid = cri.process(id).pid();
        Sidecar.Run r = run("crash", "--signal", "SIGKILL", "shop/" + node.run + "-crash/app");
        assertEquals(0, r.exitCode(), r.output());
        ContainerStatus s = awaitExited(id);
        assertEquals(137, s.getExitCode());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "host pid " + pid + " alive");
    }

    /** Pumba's exec is CRI's ExecSync; the file it makes is seen through the container's root from the host. */
    @Test
    void execIsExecSyncInTheContainer() throws Exception {
        String id = ticker("shop", node.run + "-exec");
        long pid = cri.process(id).pid();
        Sidecar.Run r = run("exec", "--command", "touch /faultline-exec", "shop/" + node.run + "-exec/app");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(Files.exists(Path.of("/proc/" + pid + "/root/faultline-exec")), r.output());
        Sidecar.Run fails = run("exec", "--command", "ls /no-such-file", "shop/" + node.run + "-exec/app");
        assertEquals(1, fails.exitCode(), fails.output());
    }

    @Test
    void stopAndKillAreStopContainerAndRmIsRemoveContainer() throws Exception {
        String stopped = ticker("shop", node.run + "-stop");
        String killed = ticker("shop", node.run + "-kill");
        String removed = ticker("shop", node.run + "-rm");
        assertEquals(
                0, run("stop", "--time", "1", "shop/" + node.run + "-stop/app").exitCode());
        assertEquals(ContainerState.CONTAINER_EXITED, node.status(stopped).getState());
        assertEquals(0, run("kill", "shop/" + node.run + "-kill/app").exitCode());
        assertEquals(ContainerState.CONTAINER_EXITED, node.status(killed).getState());
        assertEquals(0, run("rm", "shop/" + node.run + "-rm/app").exitCode());
        assertThrows(StatusRuntimeException.class, () -> node.status(removed), "still listed after rm");

        Sidecar.Run restart = run("restart", "re2:" + node.run);
        assertEquals(1, restart.exitCode(), restart.output());
        assertTrue(restart.output().contains("CRI has no restart"), restart.output());
        Sidecar.Run term = run("kill", "--signal", "SIGTERM", "re2:" + node.run);
        assertEquals(1, term.exitCode(), term.output());
        assertTrue(term.output().contains("crash --signal SIGTERM"), term.output());
    }

    @Test
    void pauseFreezesTheCgroupAndThawsAfterTheDuration() throws Exception {
        String id = ticker("shop", node.run + "-pause");
        long pid = cri.process(id).pid();
        Path counter = Path.of("/proc/" + pid + "/root/tmp/n");
        CgroupFreezer freezer = CgroupFreezer.of(pid);
        awaitAdvancing(counter, true);
        long t0 = System.nanoTime();
        Process p = start("pause", "--duration", "2s", "shop/" + node.run + "-pause/app");
        awaitFrozen(freezer, true, p);
        awaitAdvancing(counter, false);
        assertEquals(
                ContainerState.CONTAINER_RUNNING,
                node.status(id).getState(),
                "CRI still reports RUNNING: it has no pause");
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "pause did not end");
        System.out.printf("[faultline-sidecar-it] pause 2s ended after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
        assertFalse(freezer.frozen(), "still frozen after the duration");
        awaitAdvancing(counter, true);
    }

    @Test
    void aSigkilledSidecarsFreezeIsThawedByTheNextStartFromItsJournal() throws Exception {
        String id = ticker("shop", node.run + "-frozen");
        long pid = cri.process(id).pid();
        CgroupFreezer freezer = CgroupFreezer.of(pid);
        Process p = start("pause", "--duration", "60s", "shop/" + node.run + "-frozen/app");
        awaitLine(p, "action=applied"); // the watchdog starts once the freeze is in force
        assertTrue(freezer.frozen());
        p.destroyForcibly(); // SIGKILL: no finally, no shutdown hook
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        Thread.sleep(300);
        assertTrue(freezer.frozen(), "frozen until something thaws it");
        assertEquals(1, watchdogsOf(freezer), "its watchdog outlives the sidecar");
        Sidecar.Run next = run("--dry-run", "kill", "re2:" + node.run + "-frozen"); // any start recovers first
        assertTrue(
                next.output().contains("action=recover") && next.output().contains("kind=freeze verified=true"),
                next.output());
        assertFalse(freezer.frozen(), "the next start did not thaw it");
        assertEquals(0, watchdogsOf(freezer), "the crashed sidecar's watchdog is stopped by the recovery");
        awaitAdvancing(Path.of("/proc/" + pid + "/root/tmp/n"), true);
    }

    @Test
    void aSigkilledSidecarsFreezeIsThawedByItsWatchdogWithoutAnotherStart() throws Exception {
        String id = ticker("shop", node.run + "-watchdog");
        CgroupFreezer freezer = CgroupFreezer.of(cri.process(id).pid());
        Process p = start("pause", "--duration", "1s", "shop/" + node.run + "-watchdog/app");
        awaitLine(p, "action=applied");
        p.destroyForcibly();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        long end = t0 + TimeUnit.SECONDS.toNanos(15); // the watchdog's deadline is the duration plus 2 s
        while (freezer.frozen() && System.nanoTime() < end) Thread.sleep(50);
        assertFalse(freezer.frozen(), "the watchdog did not thaw it");
        System.out.printf(
                "[faultline-sidecar-it] watchdog thawed %d ms after the SIGKILL%n",
                (System.nanoTime() - t0) / 1_000_000);
        assertEquals(
                1, new Journal(sidecar.journal).pending().size(), "the journal keeps it until a start verifies it");
    }

    @Test
    void netemRateInThePodsNetworkNamespaceThroughNsenterAndGoneAfter() throws Exception {
        String id = ticker("shop", node.run + "-netem");
        long pid = cri.process(id).pid();
        List<String> tc = List.of("nsenter", "-t", Long.toString(pid), "-n", "tc", "qdisc", "show", "dev", "eth0");
        Process p = start("netem", "--duration", "3s", "rate", "--rate", "1mbit", "shop/" + node.run + "-netem/app");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        String during = CriNode.exec(tc);
        while (!during.contains("fa17:") && System.nanoTime() < end && p.isAlive()) {
            Thread.sleep(20);
            during = CriNode.exec(tc);
        }
        assertTrue(
                during.contains("fa17:") && during.contains("rate 1Mbit"),
                "no rate qdisc in the pod's netns: " + during);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("via=nsenter"), out);
        assertFalse(out.contains("revert-failed"), out);
        System.out.println("[faultline-sidecar-it] netem rate on a CRI pod: "
                + out.lines()
                        .filter(l -> l.contains("apply_ms=") || l.contains("revert_ms="))
                        .map(l -> l.replaceAll(".*((apply|revert)_ms=\\S+).*", "$1"))
                        .toList());
        assertFalse(CriNode.exec(tc).contains("fa17:"), "left after the revert: " + CriNode.exec(tc));
    }

    @Test
    void aSocketThatDoesNotAnswerIsAnErrorNamingIt(@TempDir Path dir) throws Exception {
        Path silent = dir.resolve("silent.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(silent));
            Sidecar.Run r = sidecar.run("--runtime-endpoint", "unix://" + silent, "--dry-run", "kill", "shop/web/app");
            assertNotEquals(0, r.exitCode(), r.output());
            assertTrue(
                    r.output().contains("error: unix://" + silent) && r.output().contains("no answer within"),
                    r.output());
        }
    }

    private static void awaitLine(Process p, String word) throws Exception {
        var lines = new BufferedReader(new InputStreamReader(p.getInputStream()));
        for (String line; (line = lines.readLine()) != null; ) {
            if (line.contains(word)) return;
        }
        fail("the sidecar ended before it said " + word);
    }

    private static long watchdogsOf(CgroupFreezer freezer) {
        return ProcessHandle.allProcesses()
                .filter(h -> h.info()
                        .commandLine()
                        .map(c -> c.contains("faultline-watchdog")
                                && c.contains(freezer.dir().toString()))
                        .orElse(false))
                .count();
    }

    private ContainerStatus awaitExited(String id) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        ContainerStatus s = node.status(id);
        while (s.getState() != ContainerState.CONTAINER_EXITED && System.nanoTime() < end) {
            Thread.sleep(10);
            s = node.status(id);
        }
        assertEquals(ContainerState.CONTAINER_EXITED, s.getState());
        return s;
    }

    private static void awaitFrozen(CgroupFreezer f, boolean frozen, Process sidecar) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (f.frozen() != frozen) {
            if (!sidecar.isAlive())
                fail("sidecar ended: " + new String(sidecar.getInputStream().readAllBytes()));
            if (System.nanoTime() > end) fail(f + " not " + (frozen ? "frozen" : "thawed"));
            Thread.sleep(10);
        }
    }

    /** The container's counter advances (or stands still) over half a second. */
    private static void awaitAdvancing(Path counter, boolean advancing) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!Files.exists(counter) && System.nanoTime() < end) Thread.sleep(20);
        String before = Files.readString(counter);
        Thread.sleep(500);
        String after = Files.readString(counter);
        assertEquals(advancing, !before.equals(after), "counter " + before.strip() + " -> " + after.strip());
    }
}
