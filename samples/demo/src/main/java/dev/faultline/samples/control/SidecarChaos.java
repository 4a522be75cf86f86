package dev.faultline.samples.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Faultline sidecar's CLI on this host, running a Pumba-style schedule until closed, e.g.
 * {@code faultline-sidecar --random --interval 4s crash --signal SIGKILL re2:^web-}.
 * {@code crash} signals the container's main process (as a real fault would), so Docker's restart
 * policy brings the container back, which it does not after an Engine-API {@code docker kill}.
 */
public final class SidecarChaos implements AutoCloseable {

    private final Process process;
    private final Path output;
    private final List<String> command;

    private SidecarChaos(Process process, Path output, List<String> command) {
        this.process = process;
        this.output = output;
        this.command = command;
    }

    /**
     * Crashes one random matching container every {@code interval}, until {@link #close()} or {@code limit}
     * crashes: the bound ends the chaos by itself if this JVM dies without closing it.
     */
    public static SidecarChaos crashRandomly(Path sidecarJar, Duration interval, int limit, String targets)
            throws IOException {
        List<String> args = List.of(
                "--random",
                "--interval",
                interval.toMillis() + "ms",
                "--limit",
                String.valueOf(limit),
                "crash",
                "--signal",
                "SIGKILL",
                targets);
        return start(sidecarJar, args);
    }

    public static SidecarChaos start(Path sidecarJar, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", sidecarJar.toString()));
        command.addAll(args);
        Path output = Files.createTempFile("faultline-sidecar", ".log");
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(p::destroy, "faultline-sidecar-stop")); // a SIGTERMed demo stops it too
        return new SidecarChaos(p, output, command);
    }

    /**
     * Whether this process runs as root (uid 0, read from Linux's /proc): the sidecar started from here signals
     * the containers' main processes in the host PID namespace, which only root may do.
     */
    public static boolean runsAsRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[1].equals("0");
                }
            }
        } catch (IOException e) {
            // not Linux: the engine's processes are not ours to signal
        }
        return false;
    }

    public String commandLine() {
        return String.join(" ", command.subList(command.indexOf("-jar") + 1, command.size()))
                .replaceFirst("^\\S*faultline-sidecar\\.jar", "faultline-sidecar");
    }

    /** What the sidecar printed so far (its structured action log). */
    public String output() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Stops the schedule the way an operator would (SIGTERM), then waits for the sidecar to exit. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
