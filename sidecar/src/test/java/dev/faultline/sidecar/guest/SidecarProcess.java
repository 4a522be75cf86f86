package dev.faultline.sidecar.guest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The built sidecar jar run as a user runs it, in pod mode (the guest has no engine): either inside the app
 * namespace, shaping its own network ({@code self}), or in the guest's root namespace aimed at the app
 * namespace's stand-in process ({@code nsenter -t <pid> -n}). Output goes to a file, so a chatty sidecar never
 * blocks on a full pipe.
 */
final class SidecarProcess implements AutoCloseable {
    static final String JAR = System.getProperty(
            "faultline.sidecar.jar",
            Path.of("target/faultline-sidecar.jar").toAbsolutePath().toString());
    /** The sidecar needs about 8 s to apply under TCG (0.4 s on the host). */
    static final Duration APPLY = Duration.ofSeconds(90);

    final Process process;
    final Path log;
    final long started = System.nanoTime();

    private SidecarProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** @param namespace the network namespace to run in, or null for the guest's own */
    static SidecarProcess start(String namespace, Path journal, String... args) {
        List<String> cmd = new ArrayList<>();
        if (namespace != null)
            cmd.addAll(List.of("ip", "netns", "exec", namespace)); // exec's java: the pid is the JVM's
        // C1 only, serial GC, CDS: a short-lived JVM under TCG starts about twice as fast
        cmd.addAll(List.of(
                System.getProperty("java.home") + "/bin/java",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xshare:auto",
                "-jar",
                JAR,
                "--pod"));
        cmd.addAll(List.of(args));
        try {
            Path log = Files.createTempFile("faultline-sidecar", ".log");
            ProcessBuilder pb =
                    new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("FAULTLINE_JOURNAL", journal.toString());
            pb.environment().put("DOCKER_HOST", "unix:///nonexistent"); // pod mode, never an engine
            return new SidecarProcess(pb.start(), log);
        } catch (IOException e) {
            throw new AssertionError("cannot start the sidecar: " + e, e);
        }
    }

    /** Waits until the app namespace's qdiscs satisfy {@code applied}; fails with the sidecar's output if not. */
    String awaitApplied(NetnsPair ns, Predicate<String> applied) throws InterruptedException {
        long deadline = System.nanoTime() + APPLY.toNanos();
        String q = ns.qdiscs();
        while (!applied.test(q)) {
            if (!process.isAlive())
                throw new AssertionError("the sidecar exited " + process.exitValue() + " before applying: " + output());
            if (System.nanoTime() > deadline)
                throw new AssertionError("not applied after " + APPLY + ": " + q + "\n" + output());
            Thread.sleep(100);
            q = ns.qdiscs();
        }
        Steps.log("sidecar applied " + secondsSince(started));
        return q;
    }

    String awaitApplied(NetnsPair ns) throws InterruptedException {
        return awaitApplied(ns, q -> q.contains("fa17:"));
    }

    int awaitExit(Duration max) throws InterruptedException {
        long t0 = System.nanoTime();
        if (!process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS))
            throw new AssertionError("the sidecar is still running after " + max + ": " + output());
        Steps.log("sidecar exited " + process.exitValue() + " after " + secondsSince(t0) + " of waiting");
        return process.exitValue();
    }

    /** SIGTERM: what stopping the CLI is; it reverts before exiting. */
    void stop() {
        process.destroy();
    }

    /** SIGKILL: no shutdown hook runs; only the watchdog or the next start can revert. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    static String secondsSince(long t0) {
        return String.format(Locale.ROOT, "%.1fs", (System.nanoTime() - t0) / 1e9);
    }

    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) kill();
        Files.deleteIfExists(log);
    }
}
