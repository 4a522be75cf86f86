package dev.faultline.agent.jmx;

/**
 * {@code dev.faultline:type=Agent}, as design.md fixes it. Open types only, so jconsole, VisualVM, jmxterm
 * and the sidecar need none of our classes.
 */
public interface AgentMBean {
    String add(String spec);

    boolean remove(String id);

    int clear();

    String[] list();

    boolean isArmed();

    long getInjectedTotal();

    String getVersion();

    int getActiveFaults();

    /** Bugs caught on hook paths (the call went on without a fault). 0 in a healthy agent. */
    long getInternalErrors();

    /** JDK classes the network hooks could not be installed into. 0 in a healthy agent. */
    int getTransformErrors();
}
