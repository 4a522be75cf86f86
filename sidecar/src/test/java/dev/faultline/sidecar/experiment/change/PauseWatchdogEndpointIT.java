package dev.faultline.sidecar.experiment.change;

import static org.junit.jupiter.api.Assertions.*;

import dev.faultline.sidecar.Sidecar;
import dev.faultline.sidecar.experiment.CrashMatrix;
import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.runtime.docker.EngineTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pause made through an engine named by {@code --runtime-endpoint} is undone by its watchdog through that same
 * engine, whatever the watchdog's environment says. Here the engine's socket is reached by another path (a link to
 * Docker's) and {@code DOCKER_HOST} names a socket that does not exist: a node where the default is not the engine
 * the pause went through. A watchdog that read its environment would leave the container paused.
 */
class PauseWatchdogEndpointIT extends EngineTest {
    @Test
    void aSigkilledSidecarsPauseIsUndoneByItsWatchdogThroughTheEndpointItWasMadeThrough(@TempDir Path dir)
            throws Exception {
        Path socket = Files.createSymbolicLink(dir.resolve("docker.sock"), Path.of("/var/run/docker.sock"));
        String endpoint = "unix://" + socket;
        Map<String, String> env = Map.of("DOCKER_HOST", "unix://" + dir.resolve("no-engine-here.sock"));
        String name = docker.run + "-endpoint";
        docker.start(name, List.of(), "sleep", "3600");
        String shortId = docker.inspect(name, "{{.Id}}").substring(0, 12);

        Process p = sidecar.start(env, "--runtime-endpoint", endpoint, "pause", "--duration", "1s", name);
        for (int i = 0; i < 200 && CrashMatrix.watchdogsOf(shortId).isEmpty(); i++) Thread.sleep(50);
        assertEquals("true", docker.inspect(name, "{{.State.Paused}}"), "paused");
        List<String> watchdog = CrashMatrix.watchdogsOf(shortId).stream()
                .map(h -> h.info().commandLine().orElse(""))
                .toList();
        assertEquals(1, watchdog.size(), "a watchdog guards the pause");
        p.destroyForcibly(); // SIGKILL: no finally, no shutdown hook
        p.waitFor();
        assertEquals("true", docker.inspect(name, "{{.State.Paused}}"), "still paused after the SIGKILL");

        long t0 = System.nanoTime();
        for (int i = 0; i < 150 && docker.inspect(name, "{{.State.Paused}}").equals("true"); i++) Thread.sleep(100);
        assertEquals(
                "false",
                docker.inspect(name, "{{.State.Paused}}"),
                "the watchdog did not unpause it through " + endpoint + ": " + watchdog);
        System.out.printf(
                "[faultline-sidecar-it] pause watchdog unpaused through %s %.1f s after the SIGKILL%n",
                endpoint, (System.nanoTime() - t0) / 1e9);
        for (int i = 0; i < 100 && !CrashMatrix.watchdogsOf(shortId).isEmpty(); i++) Thread.sleep(100);
        assertEquals(List.of(), CrashMatrix.watchdogsOf(shortId), "the watchdog ended");

        Sidecar.Run next = sidecar.run(env, "--runtime-endpoint", endpoint, "--dry-run", "kill", name);
        assertTrue(next.output().contains("kind=pause verified=true"), next.output());
        assertEquals(List.of(), new Journal(sidecar.journal).pending(), "the journal is empty after the next start");
    }
}
