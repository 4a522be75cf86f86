package dev.faultline.samples.fleet;

import static org.junit.jupiter.api.Assertions.*;

import dev.faultline.common.process.HungPrograms;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A hung {@code docker} is cut at the call's timeout with all it started; the error names the command and timeout. */
class DockerHungCommandTest {
    public static void main(String[] args) {
        long t0 = System.nanoTime();
        String result;
        try {
            result = Docker.call(Duration.ofMillis(500), "ps", "-aq");
        } catch (IllegalStateException e) {
            result = e.getMessage();
        }
        System.out.println("took=" + (System.nanoTime() - t0) / 1_000_000 + " result=" + result);
    }

    @Test
    void aHungDockerCallIsCutAtItsTimeout() throws Exception {
        try (HungPrograms hung = HungPrograms.named("docker")) {
            HungPrograms.Forked f = hung.java(List.of(), Map.of(), DockerHungCommandTest.class);
            assertEquals(0, f.exitCode(), f.output());
            assertTrue(
                    f.output()
                            .contains("result=docker ps -aq: java.io.IOException: "
                                    + "`docker ps -aq` did not finish within 500ms; killed"),
                    f.output());
            String took = f.output().replaceAll("(?s).*took=(\\d+) .*", "$1");
            assertTrue(Long.parseLong(took) >= 500 && Long.parseLong(took) < 4_500, "cut at " + took + " ms");
            assertFalse(hung.pids().isEmpty(), "the hung docker ran: " + f.output());
            assertEquals(List.of(), hung.stillRunning(), "killed with all it started");
        }
    }
}
