package dev.faultline.maven;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Puts the Faultline agent on the test JVM's command line: sets a project property ({@code argLine} by default, which
 * surefire and failsafe read) to its value plus {@code -javaagent:<faultline-agent.jar>=<options>}. The jar is this
 * plugin's own dependency {@code dev.faultline:faultline-agent} (same version), resolved from the build's
 * repositories like any other. JaCoCo's {@code prepare-agent} in shape: what is on the line stays there (other agents
 * too), and {@code skip} leaves the property defined (empty when it was not set) so {@code @{argLine}} still resolves.
 */
@Mojo(name = "prepare-agent", defaultPhase = LifecyclePhase.INITIALIZE, threadSafe = true)
public class PrepareAgentMojo extends AbstractMojo {
    static final String AGENT_ARTIFACT = "dev.faultline:faultline-agent";

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    MavenProject project;

    @Parameter(property = "plugin.artifactMap", readonly = true, required = true)
    Map<String, Artifact> pluginArtifactMap;

    /** The property to set; {@code argLine} is the one surefire and failsafe read. */
    @Parameter(property = "faultline.propertyName", defaultValue = "argLine")
    String propertyName;

    /** Leaves the agent off the line (the property is still defined). */
    @Parameter(property = "faultline.skip", defaultValue = "false")
    boolean skip;

    /** The agent's {@code faults}: a file of specs, one a line, armed when the test JVM starts. */
    @Parameter(property = "faultline.faults")
    File faults;

    /** The agent's {@code log.level}: trace, debug, info, warn, error or off. */
    @Parameter(property = "faultline.logLevel")
    String logLevel;

    /**
     * Any other of the agent's options, by their own words ({@code <jmx.port>9010</jmx.port>},
     * {@code <metrics.port>9464</metrics.port>} …); the agent refuses unknown words at start, naming them.
     */
    @Parameter
    Map<String, String> options;

    @Override
    public void execute() throws MojoExecutionException {
        Properties properties = project.getProperties();
        String old = properties.getProperty(propertyName);
        if (skip) {
            getLog().info("Skipping the Faultline agent (faultline.skip)");
            if (old == null) properties.setProperty(propertyName, "");
            return;
        }
        File jar = agentJar();
        if (!jar.isFile()) {
            // only in Faultline's own reactor, before the agent module is packaged (mvn compile, mvn test): Maven hands
            // out its target/classes, which is no agent; tests that arm faults then fail with the extension's message
            getLog().warn(AGENT_ARTIFACT + " resolved to " + jar + ", not a jar (not packaged in this build yet): "
                    + propertyName + " left without the Faultline agent; run the package phase or later");
            if (old == null) properties.setProperty(propertyName, "");
            return;
        }
        String value;
        try {
            value = AgentArgument.appendTo(old, AgentArgument.of(jar.toPath(), agentOptions()));
        } catch (IllegalArgumentException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
        getLog().info(propertyName + " set to " + value);
        properties.setProperty(propertyName, value);
    }

    private File agentJar() throws MojoExecutionException {
        Artifact agent = pluginArtifactMap.get(AGENT_ARTIFACT);
        if (agent == null || agent.getFile() == null) {
            throw new MojoExecutionException(AGENT_ARTIFACT + " is not among this plugin's resolved dependencies");
        }
        return agent.getFile();
    }

    private Map<String, String> agentOptions() {
        Map<String, String> words = new LinkedHashMap<>();
        if (faults != null) words.put("faults", faults.getAbsolutePath());
        if (logLevel != null && !logLevel.isBlank()) words.put("log.level", logLevel);
        if (options != null) words.putAll(options);
        return words;
    }
}
