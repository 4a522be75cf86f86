package dev.faultline.sidecar.it;

import dev.faultline.common.jmx.Credentials;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The built sidecar jar run as a user runs it: a separate process, with its own journal file. */
public final class Sidecar {
    public static final String JAR = System.getProperty("faultline.sidecar.jar", new File("target/faultline-sidecar.jar").getAbsolutePath());
    public final Path journal;

    public Sidecar() {
        try {
            journal = Files.createTempDirectory("faultline-journal").resolve("journal");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java", "-XX:TieredStopAtLevel=1", "-jar", JAR));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("FAULTLINE_JOURNAL", journal.toString());
        return pb.start();
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

    public record Run(int exitCode, String output) {
    }

    /** Runs to the end and returns what it printed. */
    public Run run(String... args) throws Exception {
        Process p = start(args);
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("sidecar did not finish: " + String.join(" ", args));
        }
        return new Run(p.exitValue(), out);
    }
}
