package dev.faultline.sidecar.jvm;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.jar.JarFile;

/**
 * The agent jar the sidecar ships with: {@code faultline-agent.jar} beside the sidecar's own jar (the build copies it
 * to {@code sidecar/target/}, the image to {@code /opt/faultline/}). The system property {@code faultline.agent.jar}
 * names another, for builds and tests that run the sidecar from its classes. Nothing a caller sends chooses it.
 */
public final class AgentJar {
    static final String PROPERTY = "faultline.agent.jar";
    static final String AGENT_CLASS = "dev.faultline.agent.FaultlineAgent";

    private AgentJar() {}

    /** The bundled jar, checked to be a regular file whose manifest names Faultline's agent class. */
    public static Path bundled() {
        Path jar = locate();
        if (!Files.isRegularFile(jar, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalStateException("the sidecar's agent jar is missing: no regular file " + jar
                    + " (it ships beside faultline-sidecar.jar; -D" + PROPERTY + "= names another)");
        }
        try (JarFile j = new JarFile(jar.toFile())) {
            String agentClass = j.getManifest() == null
                    ? null
                    : j.getManifest().getMainAttributes().getValue("Agent-Class");
            if (!AGENT_CLASS.equals(agentClass)) {
                throw new IllegalStateException(jar + " is not Faultline's agent jar (Agent-Class " + agentClass + ")");
            }
        } catch (IOException e) {
            throw new IllegalStateException("the sidecar's agent jar " + jar + " cannot be read: " + e);
        }
        return jar;
    }

    private static Path locate() {
        String named = System.getProperty(PROPERTY);
        if (named != null && !named.isBlank()) return Path.of(named).toAbsolutePath();
        try {
            Path own = Path.of(AgentJar.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            return own.resolveSibling("faultline-agent.jar");
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            throw new IllegalStateException("cannot tell where the sidecar's jar is (" + e + "); set -D" + PROPERTY);
        }
    }
}
