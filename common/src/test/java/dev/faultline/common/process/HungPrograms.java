package dev.faultline.common.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Stand-ins for tc, nsenter, docker… that hang: each records its PID and the PID of the {@code sleep 600} it starts,
 * then waits for it. A JVM forked with their directory first on its PATH runs them instead of the real ones, so a
 * test drives the production code path unchanged and then checks that every one of them is gone.
 */
public final class HungPrograms implements AutoCloseable {
    /** Records its PID and its child's in the file named second; the first line names the shell that runs it. */
    static final String SCRIPT = "#!%s\n"
            + "# a hung program: records its PID and its child's, then waits\n"
            + "echo $$ >> '%s'\n"
            + "sleep 600 &\n"
            + "echo $! >> '%s'\n"
            + "wait\n";

    private final Path dir;

    private HungPrograms(Path dir) {
        this.dir = dir;
    }

    /** A directory holding a hung program under each of {@code names}, each a {@code /bin/sh} script. */
    public static HungPrograms named(String... names) throws IOException {
        return interpretedBy("/bin/sh", names);
    }

    /** The same, run by {@code shell}: {@code /bin/bash} for a stand-in mounted over {@code /bin/sh} itself. */
    public static HungPrograms interpretedBy(String shell, String... names) throws IOException {
        Path dir = Files.createTempDirectory("faultline-hung");
        for (String name : names) {
            Path p = dir.resolve(name);
            Files.writeString(p, String.format(SCRIPT, shell, dir.resolve("pids"), dir.resolve("pids")));
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return new HungPrograms(dir);
    }

    public Path dir() {
        return dir;
    }

    /** The PIDs the hung programs recorded: each one's and its sleep's. */
    public List<Long> pids() throws IOException {
        Path f = dir.resolve("pids");
        if (!Files.exists(f)) return List.of();
        return Files.readAllLines(f).stream()
                .filter(l -> !l.isBlank())
                .map(Long::parseLong)
                .toList();
    }

    /** Those of {@link #pids()} still running (a zombie is not: it waits only for init to reap it). */
    public List<Long> stillRunning() throws IOException {
        List<Long> running = new ArrayList<>();
        for (long pid : pids()) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                if (stat.charAt(stat.lastIndexOf(')') + 2) != 'Z') running.add(pid);
            } catch (IOException gone) {
                // ended and reaped
            }
        }
        return running;
    }

    /** How a forked JVM ended, what it printed (stdout and stderr), and how long it ran. */
    public record Forked(int exitCode, String output, Duration took) {}

    /**
     * Runs {@code main} in a JVM with this JVM's classpath, the hung programs first on its PATH, {@code env} added to
     * its environment; fails after a minute.
     */
    public Forked java(List<String> jvmOptions, Map<String, String> env, Class<?> main, String... args)
            throws Exception {
        return java(List.of(), jvmOptions, env, main, args);
    }

    /** The same JVM started by {@code launcher}, a command that ends by running the words after it. */
    public Forked java(
            List<String> launcher, List<String> jvmOptions, Map<String, String> env, Class<?> main, String... args)
            throws Exception {
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path")));
        cmd.addAll(jvmOptions);
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        Path log = dir.resolve("forked.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("PATH", dir + ":" + System.getenv("PATH"));
        pb.environment().putAll(env);
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("the forked JVM did not end within 60 s: " + Files.readString(log));
        }
        return new Forked(p.exitValue(), Files.readString(log), Duration.ofNanos(System.nanoTime() - t0));
    }

    /** Kills whatever a failed test left running, and removes the directory. */
    @Override
    public void close() throws IOException {
        for (long pid : stillRunning()) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        }
    }
}
