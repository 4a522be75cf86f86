package dev.faultline.sidecar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.sidecar.Sidecar;
import dev.faultline.sidecar.runtime.docker.EngineTest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Pumba's {@code stop --restart --duration D} on the real engine: stopped, then started again after D; a SIGKILLed sidecar's pending start is made by the next start. */
class StopRestartIT extends EngineTest {
    private String state(String c) {
        return docker.inspect(c, "{{.State.Running}}");
    }

    private void await(String c, String running, long ms) throws InterruptedException {
        long deadline = System.currentTimeMillis() + ms;
        while (!state(c).equals(running) && System.currentTimeMillis() < deadline) Thread.sleep(50);
        assertEquals(running, state(c), c);
    }

    @Test
    void stopRestartStartsTheContainerAgainAfterTheDuration() throws Exception {
        String a = docker.start(docker.run + "-stop-restart", List.of(), "sleep", "600");
        String started = docker.inspect(a, "{{.State.StartedAt}}");
        long t0 = System.nanoTime();
        Process stop = sidecar.start("stop", "--time", "0", "--restart", "--duration", "3s", a);
        await(a, "false", 10_000);
        assertTrue(stop.waitFor(30, TimeUnit.SECONDS));
        long took = (System.nanoTime() - t0) / 1_000_000;
        String out = new String(stop.getInputStream().readAllBytes());
        assertEquals(0, stop.exitValue(), out);
        assertEquals("true", state(a), out);
        assertTrue(!docker.inspect(a, "{{.State.StartedAt}}").equals(started), "not started again");
        assertTrue(took >= 3_000, "started again after " + took + " ms");
    }

    @Test
    void theNextStartStartsWhatASigkilledSidecarLeftStopped() throws Exception {
        String a = docker.start(docker.run + "-stop-killed", List.of(), "sleep", "600");
        Process stop = sidecar.start("stop", "--time", "0", "--restart", "--duration", "120s", a);
        await(a, "false", 10_000);
        Thread.sleep(300); // the journal entry is written before the stop
        stop.destroyForcibly();
        assertTrue(stop.waitFor(10, TimeUnit.SECONDS));
        assertEquals("false", state(a));
        Sidecar.Run next = sidecar.run("--dry-run", "kill", "re2:^faultline-no-such-container$");
        assertTrue(next.output().contains("kind=stopped verified=true"), next.output());
        assertEquals("true", state(a));
    }
}
