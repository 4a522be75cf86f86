package dev.faultline.sidecar.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.faultline.sidecar.Sidecar;
import dev.faultline.sidecar.experiment.TargetWitness;
import dev.faultline.sidecar.experiment.change.KillPoints;
import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.network.Watchdogs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The built sidecar SIGKILLed during a network change on a CRI pod: by its own kill points (at each step of the
 * change) and then started again, or killed once the change is in force and never started again, so that only the
 * watchdog it left is there at the deadline. Either way the pod's network namespace ends as it was, seen with the
 * host's {@code tc qdisc show}, {@code iptables-save} and {@code ip link} through nsenter; no watchdog is left and
 * the journal is empty once a start has verified it. The kernel here has no sch_netem: a tbf rate and an iptables
 * rule are the changes, as in the Docker crash matrix. Needs root and {@code .ci/containerd.sh start}.
 */
class CriNetworkCrashIT extends CriTest {
    /** The change each case makes, as an operator types it, with the duration appended in front of the effect. */
    static final Map<String, List<String>> CHANGES = Map.of(
            "rate", List.of("netem", "--duration", "%s", "rate", "--rate", "1mbit"),
            "loss", List.of("iptables", "--duration", "%s", "loss", "--probability", "0.5"));

    /** Every kill point of the change, then a next start (any command: recovery comes first) that reverts it. */
    @ParameterizedTest
    @ValueSource(strings = {"rate", "loss"})
    void aSigkilledSidecarsNetworkChangeIsRevertedByTheNextStart(String kind) throws Exception {
        String pod = node.run + "-" + kind;
        String id = node.startContainer(node.runPod("shop", pod, Map.of()), "app", CriRuntimeIT.TICKER);
        long pid = cri.process(id).pid();
        String target = "shop/" + pod + "/app";
        String before = witness(pid);
        for (String point : KillPoints.ALL) {
            // a long change, so that only the next start can revert it; the revert step is reached after a short one
            String duration = point.equals(KillPoints.REVERTING) ? "300ms" : "60s";
            Sidecar.Run crashed = run(Map.of("FAULTLINE_TEST_KILL_AT", point), change(kind, duration, target));
            assertEquals(137, crashed.exitCode(), kind + " @" + point + " was not killed: " + crashed.output());
            assertEquals(1, journal().pending().size(), kind + " @" + point + ": the journal holds the change");
            String during = witness(pid);
            if (point.equals(KillPoints.JOURNALLED))
                assertEquals(before, during, "nothing applied before the first command");
            else assertNotEquals(before, during, kind + " @" + point + ": the change is in force after the kill");

            Sidecar.Run next = run(Map.of(), "--dry-run", "kill", target);
            assertEquals(0, next.exitCode(), next.output());
            assertTrue(
                    next.output().contains("action=recover") && next.output().contains("kind=network verified=true"),
                    next.output());
            assertEquals(before, witness(pid), kind + " @" + point + ": the next start left the pod's network changed");
            assertEquals(
                    List.of(), watchdogsOf(id), kind + " @" + point + ": the crashed sidecar's watchdog is stopped");
            assertEquals(List.of(), journal().pending(), kind + " @" + point + ": the journal is empty");
        }
    }

    /** Killed while the change is in force, never started again: the watchdog reverts it at the deadline (+2 s). */
    @ParameterizedTest
    @ValueSource(strings = {"rate", "loss"})
    void aSigkilledSidecarsNetworkChangeIsRevertedByItsWatchdogWithoutAnotherStart(String kind) throws Exception {
        String pod = node.run + "-wd-" + kind;
        String id = node.startContainer(node.runPod("shop", pod, Map.of()), "app", CriRuntimeIT.TICKER);
        long pid = cri.process(id).pid();
        String target = "shop/" + pod + "/app";
        String before = witness(pid);
        List<String> args = new ArrayList<>(List.of("--runtime-endpoint", CriNode.ENDPOINT));
        args.addAll(List.of(change(kind, "1s", target)));
        Process p = sidecar.start(args.toArray(String[]::new));
        String said = awaitLine(p, "action=applied");
        Thread.sleep(100); // the watchdog is started right after that line is written
        p.destroyForcibly(); // SIGKILL: no finally, no shutdown hook
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        assertNotEquals(before, witness(pid), "in force after the kill: " + said);
        assertEquals(1, watchdogsOf(id).size(), "its watchdog outlives the sidecar");
        long end = t0 + TimeUnit.SECONDS.toNanos(15);
        String now = witness(pid);
        while (!now.equals(before) && System.nanoTime() < end) {
            Thread.sleep(50);
            now = witness(pid);
        }
        assertEquals(before, now, "the watchdog did not revert the " + kind + " change");
        System.out.printf(
                "[faultline-sidecar-it] %s on a CRI pod: the watchdog reverted it %d ms after the SIGKILL%n",
                kind, (System.nanoTime() - t0) / 1_000_000);
        long gone = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!watchdogsOf(id).isEmpty() && System.nanoTime() < gone) Thread.sleep(50);
        assertEquals(List.of(), watchdogsOf(id), "the watchdog ends after its revert");
        assertEquals(1, journal().pending().size(), "the journal keeps it until a start verifies it");

        Sidecar.Run next = run(Map.of(), "--dry-run", "kill", target);
        assertTrue(next.output().contains("kind=network verified=true"), next.output());
        assertEquals(List.of(), journal().pending(), "the journal is empty after the next start");
        assertEquals(before, witness(pid));
    }

    private static String[] change(String kind, String duration, String target) {
        List<String> args = new ArrayList<>();
        for (String a : CHANGES.get(kind)) args.add(a.equals("%s") ? duration : a);
        args.add(target);
        return args.toArray(String[]::new);
    }

    private Sidecar.Run run(Map<String, String> env, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--runtime-endpoint", CriNode.ENDPOINT));
        all.addAll(List.of(args));
        Sidecar.Run r = sidecar.run(env, all.toArray(String[]::new));
        System.out.printf("[faultline-sidecar-it] %s %s -> %d%n", env, String.join(" ", args), r.exitCode());
        return r;
    }

    private Journal journal() {
        return new Journal(sidecar.journal);
    }

    /** The pod's network namespace as the host's own tools show it. */
    static String witness(long pid) {
        List<String> ns = List.of("nsenter", "-t", Long.toString(pid), "-n", "--");
        return String.join(
                "\n",
                "tc: " + CriNode.exec(concat(ns, "tc", "qdisc", "show")),
                "iptables: " + TargetWitness.iptables(CriNode.exec(concat(ns, "iptables-save"))),
                "links: " + CriNode.exec(concat(ns, "ip", "-o", "link", "show")));
    }

    private static List<String> concat(List<String> a, String... b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(List.of(b));
        return out;
    }

    /** Watchdog shells of changes in this container: change ids end in its short id. */
    static List<String> watchdogsOf(String containerId) {
        String shortId = containerId.substring(0, 12);
        return ProcessHandle.allProcesses()
                .map(h -> h.info().commandLine().orElse(""))
                .filter(c -> Watchdogs.isWatchdog(c) && c.contains(shortId))
                .toList();
    }

    private static String awaitLine(Process p, String word) throws Exception {
        BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream()));
        StringBuilder said = new StringBuilder();
        for (String line; (line = lines.readLine()) != null; ) {
            said.append(line).append('\n');
            if (line.contains(word)) return said.toString();
        }
        throw new AssertionError("the sidecar ended before it said " + word + ":\n" + said);
    }
}
