package dev.faultline.sidecar.jvmcontrol;

import java.util.List;

/**
 * How the verbs reach JVMs: finding them in a container's PID namespace, loading the sidecar's own agent jar with
 * options the sidecar built, and connecting to the agent's unix-socket connector. Implemented over jvm/ (JvmFinder,
 * JvmAttacher) and common/jmx's unix-socket client.
 */
public interface JvmAccess {
    /** Every JVM in the PID namespace of the container whose main process is {@code containerHostPid}. */
    List<FoundJvm> find(String container, String containerId, long containerHostPid);

    /**
     * Loads the agent with {@code agentOptions}, or gives the options to the agent already loaded (a command such as
     * {@code cmd=clear}); throws {@link IllegalStateException} with the one-line cause when refused.
     */
    void attach(FoundJvm jvm, String agentOptions);

    /**
     * Whether Faultline is loaded in this JVM now, read again (another sidecar process may have attached since it was
     * found); false when it is gone. Signals nothing, loads nothing.
     */
    boolean faultlineLoaded(FoundJvm jvm);

    /** The agent's connector in the control directory {@code dir}, logged in with {@code secret}. */
    AgentLink connect(FoundJvm jvm, ControlDirectory dir, AttachSecret secret);

    /** The agent's operations the verbs use (its {@code dev.faultline:type=Agent} MBean). */
    interface AgentLink extends AutoCloseable {
        /** Arms the spec; returns the fault's id. */
        String add(String spec);

        /** Disarms one fault; false when it is not (or no longer) armed. */
        boolean remove(String id);

        int clear();

        String[] list();

        @Override
        void close();
    }
}
