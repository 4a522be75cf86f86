package dev.faultline.sidecar.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.sidecar.experiment.journal.Journal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The app namespace's qdiscs and links come back byte for byte: when --duration ends, on stop (SIGTERM), and
 * after a SIGKILL of the sidecar, by its watchdog at the deadline or by the next sidecar's start. (Every other
 * guest test also ends with a checked SIGTERM revert.)
 */
class NetemRevertGuestIT extends GuestTest {

    @Test
    void afterTheDuration() throws Exception {
        SidecarProcess s =
                inPod("netem", "--duration", "5s", "--interface", "eth0", "delay", "--time", "50", "--jitter", "5");
        s.awaitApplied(ns);
        long t0 = System.nanoTime();
        assertEquals(0, s.awaitExit(Duration.ofSeconds(120)), s.output());
        figure(
                "revert after --duration",
                "5 s",
                f("exited 0 and reverted %.1f s after the qdisc was seen", (System.nanoTime() - t0) / 1e9),
                "netem --duration 5s … delay --time 50 --jitter 5");
        assertReverted(s);
    }

    @Test
    void afterStop() throws Exception {
        SidecarProcess s = atProcess(
                "netem",
                "--duration",
                "5m",
                "--interface",
                "eth0",
                "--target",
                "10.99.0.2/32",
                "--target",
                "fd99::/64",
                "loss",
                "--percent",
                "10");
        s.awaitApplied(ns, q -> q.contains("netem fa18:"));
        assertNotEquals(prior, ns.state());
        stopAndCheckReverted(s);
    }

    @Test
    void afterSigkillByTheWatchdog() throws Exception {
        // --ingress: the most pieces to give back (netem on flifb0, the ingress qdisc and its filter, the IFB device)
        SidecarProcess s =
                atProcess("netem", "--duration", "6s", "--interface", "eth0", "--ingress", "delay", "--time", "50");
        String applied = s.awaitApplied(ns);
        long t0 = System.nanoTime();
        List<ProcessHandle> dogs = awaitWatchdogs(1);
        assertEquals(1, dogs.size(), "one watchdog for the change");
        s.kill();
        assertEquals(applied, ns.qdiscs(), "a SIGKILL reverts nothing by itself");
        // the watchdog reverts 2 s after the deadline (6 s from apply)
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!ns.state().equals(prior) && System.nanoTime() < deadline) Thread.sleep(200);
        double after = (System.nanoTime() - t0) / 1e9;
        figure(
                "revert after SIGKILL: watchdog",
                "deadline 6 s + 2 s",
                f("reverted %.1f s after the qdisc was seen, no sidecar running", after),
                "netem --duration 6s --ingress delay --time 50; kill -9");
        assertEquals(prior, ns.state(), "the watchdog gave everything back");
        assertTrue(after > 5, "reverted at the deadline, not before: " + after + " s");
        dogs.get(0).onExit().get(30, TimeUnit.SECONDS);
        assertEquals(List.of(), watchdogs(), "the watchdog ends after its revert");
    }

    @Test
    void afterSigkillByTheNextStart() throws Exception {
        SidecarProcess s = inPod(
                "netem",
                "--duration",
                "5m",
                "--interface",
                "eth0",
                "--target",
                "10.99.0.3/32",
                "delay",
                "--time",
                "50");
        String applied = s.awaitApplied(ns, q -> q.contains("netem fa18:"));
        assertEquals(1, awaitWatchdogs(1).size(), "one watchdog for the change");
        s.kill();
        assertEquals(applied, ns.qdiscs(), "a SIGKILL reverts nothing by itself");
        assertEquals(1, new Journal(journal).pending().size(), "the change is still open in the journal");
        // any next start reverts orphans first; a dry run changes nothing of its own
        long t0 = System.nanoTime();
        SidecarProcess next =
                inPod("--dry-run", "netem", "--duration", "1s", "--interface", "eth0", "delay", "--time", "1");
        assertEquals(0, next.awaitExit(Duration.ofSeconds(120)), next.output());
        figure(
                "revert after SIGKILL: next start",
                "5 min change, sidecar killed",
                f(
                        "the next sidecar reverted it and stopped its watchdog, %.1f s after it started",
                        (System.nanoTime() - t0) / 1e9),
                "netem --duration 5m --target 10.99.0.3/32 delay --time 50; kill -9; faultline-sidecar --pod --dry-run …");
        assertTrue(
                next.output().contains("action=recover") && next.output().contains("watchdogs_stopped=1"),
                next.output());
        assertEquals(prior, ns.state(), "the next start gave everything back");
        assertEquals(List.of(), new Journal(journal).pending());
        assertEquals(
                List.of(),
                watchdogs(),
                "the crashed sidecar's watchdog is ended, not left to fire at its old deadline");
    }
}
