package dev.faultline.sidecar.jvmcontrol;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The agent jar the sidecar ships with (the same build): the only jar it ever loads into a JVM. The
 * {@code faultline.agent.jar} property or {@code FAULTLINE_AGENT_JAR} names it; else {@code faultline-agent.jar}
 * beside the sidecar's own jar (the image and the distribution put it there).
 */
public final class AgentJar {
    public static final String PROPERTY = "faultline.agent.jar";
    public static final String ENV = "FAULTLINE_AGENT_JAR";

    private AgentJar() {}

    public static Path locate() {
        String named = System.getProperty(PROPERTY);
        if (named == null || named.isBlank()) named = System.getenv(ENV);
        if (named != null && !named.isBlank()) return existing(Path.of(named), PROPERTY + " / " + ENV);
        try {
            Path self = Path.of(AgentJar.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            return existing(self.resolveSibling("faultline-agent.jar"), "beside the sidecar's jar");
        } catch (URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot find the agent jar: set " + ENV, e);
        }
    }

    private static Path existing(Path p, String how) {
        if (!Files.isRegularFile(p))
            throw new IllegalStateException("the agent jar " + p + " (" + how
                    + ") is not there: the sidecar loads only the agent it ships with; set " + ENV);
        return p.toAbsolutePath();
    }
}
