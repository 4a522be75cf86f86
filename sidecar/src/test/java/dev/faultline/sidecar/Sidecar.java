package dev.faultline.sidecar;

import dev.faultline.common.jmx.Credentials;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** The built sidecar jar run as a user runs it: a separate process, with its own journal file. */
public final class Sidecar implements AutoCloseable {
    public static final String JAR =
            System.getProperty("faultline.sidecar.jar", new File("target/faultline-sidecar.jar").getAbsolutePath());
    public final Path journal;
    private final List<Process> started = new CopyOnWriteArrayList<>();

    private final String jar;
    private final boolean archived;

    public Sidecar() {
        this(JAR, true);
    }

    /** A given build's jar, without the class archive: two builds side by side in a benchmark start alike. */
    public Sidecar(String jar) {
        this(jar, false);
    }

    private Sidecar(String jar, boolean archived) {
        this.jar = jar;
        this.archived = archived;
        try {
            journal = Files.createTempDirectory("faultline-journal").resolve("journal");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public Process start(String... args) throws IOException {
        return start(Map.of(), args);
    }

    /** With more environment, e.g. {@code FAULTLINE_TEST_KILL_AT} for the crash matrix. */
    public Process start(Map<String, String> env, String... args) throws IOException {
        List<String> cmd =
                new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java", "-XX:TieredStopAtLevel=1"));
        if (archived) cmd.addAll(classDataSharing());
        cmd.addAll(List.of("-jar", jar));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("FAULTLINE_JOURNAL", journal.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private static List<String> cds;

    /**
     * The sidecar's classes archived once per built jar (JDK dynamic CDS), so that the hundreds of starts the crash
     * matrix makes each cost less; without an archive (it could not be made) the flags are left out.
     */
    static synchronized List<String> classDataSharing() {
        if (cds != null) return cds;
        File jar = new File(JAR);
        Path archive = jar.toPath().resolveSibling("sidecar-" + jar.length() + "-" + jar.lastModified() + ".jsa");
        List<String> use =
                List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
        if (!Files.exists(archive)) {
            try (var old = Files.newDirectoryStream(archive.getParent(), "sidecar-*.jsa")) {
                for (Path stale : old) Files.deleteIfExists(stale); // of an earlier build
            } catch (IOException ignored) {
                // left
            }
            try {
                Path journal = Files.createTempDirectory("faultline-cds").resolve("journal");
                ProcessBuilder pb = new ProcessBuilder(
                                System.getProperty("java.home") + "/bin/java",
                                "-XX:TieredStopAtLevel=1",
                                "-XX:ArchiveClassesAtExit=" + archive,
                                "-jar",
                                JAR,
                                "--dry-run",
                                "kill",
                                "re2:^faultline-cds-no-such-container$")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
                pb.environment().put("FAULTLINE_JOURNAL", journal.toString());
                pb.start().waitFor(120, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                // run without
            }
        }
        cds = Files.exists(archive) ? use : List.of();
        return cds;
    }

    /**
     * Stops every sidecar this one started that still runs (SIGTERM, so that it reverts what it changed; SIGKILL after
     * 15 s) and removes its journal's directory: a failed assertion must not leave a change in force or a file behind.
     */
    @Override
    public void close() {
        for (Process p : started) if (p.isAlive()) p.destroy();
        for (Process p : started) {
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        started.clear();
        try (var files = Files.walk(journal.getParent())) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        } catch (IOException ignored) {
            // a temp dir left
        }
    }

    /** The password a daemon of this sidecar on {@code port} generated beside its journal, once it is there. */
    public Credentials credentials(int port) throws Exception {
        Path file = Credentials.generatedFile(journal.getParent(), port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) throw new AssertionError("no generated JMX password at " + file);
            Thread.sleep(50);
        }
        return Credentials.read(file);
    }

    public record Run(int exitCode, String output) {}

    /** Runs to the end and returns what it printed. */
    public Run run(String... args) throws Exception {
        return run(Map.of(), args);
    }

    public Run run(Map<String, String> env, String... args) throws Exception {
        Process p = start(env, args);
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("sidecar did not finish: " + String.join(" ", args));
        }
        return new Run(p.exitValue(), out);
    }
}
