package dev.faultline.samples.fleet;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the built pieces are: the demo runs from a checkout after {@code mvn package}, so it finds the
 * agent, sidecar and hello-service jars under the repository root ({@code -Dfaultline.home}, else the
 * first directory upwards from the working directory that holds {@code samples/hello-service}).
 */
public final class SampleFiles {

    private final Path home;

    private SampleFiles(Path home) {
        this.home = home;
    }

    public static SampleFiles locate() {
        String configured = System.getProperty("faultline.home");
        if (configured != null && !configured.isBlank()) {
            return new SampleFiles(Path.of(configured).toAbsolutePath().normalize());
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("samples/hello-service"))) {
                return new SampleFiles(dir);
            }
        }
        throw new IllegalStateException("cannot find the Faultline checkout (a directory with samples/hello-service) "
                + "above " + Path.of("").toAbsolutePath() + "; run from the checkout or pass -Dfaultline.home=<dir>");
    }

    public Path home() {
        return home;
    }

    public Path agentJar() {
        return home.resolve("agent/target/faultline-agent.jar");
    }

    public Path sidecarJar() {
        return home.resolve("sidecar/target/faultline-sidecar.jar");
    }

    public Path helloServiceJar() {
        return home.resolve("samples/hello-service/target/hello-service.jar");
    }

    /** The image build context: the Dockerfile plus the two jars Maven copies into its target/. */
    public Path helloServiceDir() {
        return home.resolve("samples/hello-service");
    }

    /** Fails with the one command that fixes it when a jar has not been built. */
    public static Path requireBuilt(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first with `mvn -B -q -DskipTests package`");
        }
        return jar;
    }
}
