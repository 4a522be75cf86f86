package dev.faultline.sidecar.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.experiment.journal.Owner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Next-start recovery without an engine (pod mode): what a SIGKILLed pod-mode sidecar left is reverted too. */
class RecoveryTest {
    @Test
    void podModeRevertsSelfAndEndedProcessesAndKeepsContainersForTheEngine(@TempDir Path dir) throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        long deadOwner = gone.pid();
        Path marker = dir.resolve("reverted");
        Journal j = new Journal(dir.resolve("journal"));
        j.applying(new Journal.Entry(
                "self-change",
                "self",
                new Owner(deadOwner, 0),
                0,
                List.of(List.of("sh", "-c", "echo self > " + marker))));
        j.applying(new Journal.Entry(
                "process-change",
                "pid:" + deadOwner,
                new Owner(deadOwner, 0),
                0,
                List.of(List.of("sh", "-c", "echo process >> " + marker))));
        j.applying(new Journal.Entry(
                "container-change",
                "0123456789ab",
                new Owner(deadOwner, 0),
                0,
                List.of(List.of("sh", "-c", "echo container >> " + marker))));

        assertEquals(2, Recovery.revertOrphans(j, null));

        assertEquals(
                List.of("self"),
                Files.readAllLines(marker),
                "self is reverted in our namespace; an ended process's namespace is gone");
        List<Journal.Entry> open = j.pending();
        assertEquals(1, open.size());
        assertTrue(
                open.get(0).id().equals("container-change"),
                "a container's change waits for a sidecar with the engine");
    }
}
