package dev.faultline.sidecar.experiment.change;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.network.ChangePlan;
import dev.faultline.sidecar.network.NetnsExecutor;
import dev.faultline.sidecar.targets.PodTargets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A revert counts only once the target is verified clean: run with real shell commands in our own namespace (pod
 * mode's {@code self}), where the "change" is a file, its revert removes it and its check is that it is gone.
 */
class RevertVerifiedTest {
    /** A change whose revert works only from the {@code worksFrom}-th call on (a flaky engine, a busy netlink). */
    static ChangePlan plan(Path leftover, Path calls, int worksFrom) {
        return new ChangePlan(
                List.of(List.of("sh", "-c", "touch \"$1\"", "apply", leftover.toString())),
                List.of(List.of(
                        "sh",
                        "-c",
                        "echo x >> \"$2\"; [ $(wc -l < \"$2\") -ge \"$3\" ] && rm -f \"$1\"; exit 0",
                        "revert",
                        leftover.toString(),
                        calls.toString(),
                        Integer.toString(worksFrom))),
                List.of(List.of(
                        "sh",
                        "-c",
                        "[ ! -e \"$1\" ] || { echo \"$1 is still there\"; exit 1; }",
                        "verify",
                        leftover.toString())));
    }

    @Test
    void aRevertThatDidNotTakeIsRetriedAndOnlyThenMarkedDone(@TempDir Path dir) throws Exception {
        Path leftover = dir.resolve("qdisc"), calls = dir.resolve("calls");
        Journal journal = new Journal(dir.resolve("journal"));
        Change change =
                new NetworkChange("t1", PodTargets.self(), NetnsExecutor.nsenter(0), plan(leftover, calls, 3), journal);
        long failedBefore = OpenChanges.failedReverts();
        change.apply(Duration.ofMinutes(5));
        assertTrue(Files.exists(leftover));
        assertEquals(1, journal.pending().size());

        assertTrue(change.revert(), "verified on the third attempt");
        assertFalse(Files.exists(leftover));
        assertEquals(3, Files.readAllLines(calls).size());
        assertEquals(2, OpenChanges.failedReverts() - failedBefore, "two attempts left it in place, and were counted");
        assertEquals(List.of(), journal.pending(), "done only once verified");
    }

    @Test
    void aRevertThatKeepsFailingStaysOpenVisibleAndIsRetriedInTheBackground(@TempDir Path dir) throws Exception {
        Path leftover = dir.resolve("qdisc"), calls = dir.resolve("calls");
        Journal journal = new Journal(dir.resolve("journal"));
        Change change =
                new NetworkChange("t2", PodTargets.self(), NetnsExecutor.nsenter(0), plan(leftover, calls, 6), journal);
        change.apply(Duration.ofMinutes(5));

        assertFalse(change.revert(), "three attempts, none verified");
        assertEquals(1, journal.pending().size(), "the journal keeps it: the next start tries again");
        assertTrue(OpenChanges.pendingReverts().contains(change));
        assertTrue(
                change.summary().contains("revert-pending t2")
                        && change.summary().contains("is still there"),
                change.summary());

        // the background retry gets there (attempts 4-6, after 1 s, 2 s …) and closes it
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!journal.pending().isEmpty() && System.nanoTime() < deadline) Thread.sleep(50);
        assertEquals(List.of(), journal.pending());
        assertFalse(Files.exists(leftover));
        assertFalse(OpenChanges.pendingReverts().contains(change));
    }

    @Test
    void anInterruptedRevertStillRunsToTheEndAndKeepsTheInterrupt(@TempDir Path dir) throws Exception {
        Path leftover = dir.resolve("qdisc"), calls = dir.resolve("calls");
        Journal journal = new Journal(dir.resolve("journal"));
        Change change =
                new NetworkChange("t3", PodTargets.self(), NetnsExecutor.nsenter(0), plan(leftover, calls, 2), journal);
        change.apply(Duration.ofMinutes(5));
        Thread.currentThread().interrupt(); // a stop() interrupts the experiment thread that reverts
        boolean verified = change.revert();
        assertTrue(Thread.interrupted(), "the interrupt is handed back");
        assertTrue(verified);
        assertEquals(List.of(), journal.pending());
    }
}
