package dev.faultline.sidecar.experiment.change;

import static org.junit.jupiter.api.Assertions.*;

import dev.faultline.common.process.HungPrograms;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A kill point whose {@code sh -c kill} hangs halts the sidecar at the command deadline: the crash matrix goes on. */
class KillPointsHungCommandTest {
    public static void main(String[] args) {
        KillPoints.holdAfterRecovery(); // arms them
        KillPoints.reached(KillPoints.JOURNALLED);
        System.out.println("not killed");
    }

    @Test
    void aHungKillCommandIsCutAndTheSidecarHalts() throws Exception {
        try (HungPrograms hung = HungPrograms.named("sh")) {
            HungPrograms.Forked f = hung.java(
                    List.of("-Dfaultline.sidecar.commandDeadline=500ms"),
                    Map.of("FAULTLINE_TEST_KILL_AT", KillPoints.JOURNALLED),
                    KillPointsHungCommandTest.class);
            assertEquals(137, f.exitCode(), f.output());
            assertTrue(
                    f.output()
                            .matches("(?s).*faultline-test: `sh -c kill -s KILL \"\\$1\" kill \\d+` "
                                    + "did not finish within 500ms; "
                                    + "killed; halting.*"),
                    f.output());
            assertFalse(f.output().contains("not killed"), f.output());
            assertTrue(f.took().compareTo(Duration.ofSeconds(8)) < 0, "took " + f.took());
            assertFalse(hung.pids().isEmpty());
            assertEquals(List.of(), hung.stillRunning());
        }
    }
}
