package dev.faultline.sidecar.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.network.Watchdogs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * One fresh pair of namespaces per test, its prior state recorded, and everything removed after: the sidecars
 * it started, any watchdog they left, the namespaces, the journal.
 */
@NetemGuest
abstract class GuestTest {
    NetnsPair ns;
    String prior;
    Path journal;
    private final List<SidecarProcess> sidecars = new ArrayList<>();

    @BeforeEach
    void namespaces(TestInfo test) throws Exception {
        Steps.start(test.getDisplayName());
        ns = new NetnsPair();
        Steps.log("namespaces up");
        prior = ns.state();
        journal = Files.createTempDirectory("faultline-journal").resolve("journal");
    }

    @AfterEach
    void removeAll() throws Exception {
        for (SidecarProcess s : sidecars) s.close();
        watchdogs().forEach(ProcessHandle::destroyForcibly);
        ns.close();
        Files.deleteIfExists(journal);
        Files.deleteIfExists(journal.getParent());
        Steps.log("cleaned up");
    }

    /** The sidecar inside the app namespace, shaping its own network: pod mode's {@code self}. */
    SidecarProcess inPod(String... args) {
        return track(SidecarProcess.start(ns.app, journal, args));
    }

    /** The sidecar outside, aimed at the app namespace's process: {@code nsenter -t <pid> -n}, as node mode does. */
    SidecarProcess atProcess(String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.add(ns.standIn());
        return track(SidecarProcess.start(null, journal, a.toArray(String[]::new)));
    }

    private SidecarProcess track(SidecarProcess s) {
        sidecars.add(s);
        return s;
    }

    /** Stops the sidecar as a user does (SIGTERM) and checks it gave back exactly what was there. */
    void stopAndCheckReverted(SidecarProcess s) throws Exception {
        s.stop();
        s.awaitExit(Duration.ofSeconds(120));
        assertReverted(s);
    }

    void assertReverted(SidecarProcess s) {
        assertEquals(prior, ns.state(), "the app namespace's qdiscs and links, byte for byte\n" + s.output());
        assertTrue(s.output().contains("action=reverted"), s.output());
        assertEquals(List.of(), new Journal(journal).pending(), "nothing left open in the journal");
        assertEquals(List.of(), watchdogs(), "no watchdog outlives its change");
    }

    static List<ProcessHandle> watchdogs() {
        return ProcessHandle.allProcesses()
                .filter(p ->
                        p.info().commandLine().map(c -> Watchdogs.isWatchdog(c)).orElse(false))
                .toList();
    }

    /** The watchdog starts just after the last tc command, so a test that saw the qdisc may be a moment early. */
    static List<ProcessHandle> awaitWatchdogs(int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (watchdogs().size() < n && System.nanoTime() < deadline) Thread.sleep(100);
        return watchdogs();
    }

    /** One line per measurement, collected by .ci/netem-guest-tests.sh for BENCHMARKS.md. */
    static void figure(String fault, String asked, String measured, String command) {
        System.out.println("FIGURE | " + fault + " | " + asked + " | " + measured + " | `" + command + "`");
    }

    static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
