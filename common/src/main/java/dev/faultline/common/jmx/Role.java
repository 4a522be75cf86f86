package dev.faultline.common.jmx;

/**
 * What an authenticated JMX user may do: the two roles of the JDK's access file, and the sidecar's {@code attach}
 * (loading the agent into a JVM in another container runs our code in someone else's process: it is a right of its
 * own, granted only by name).
 */
public enum Role {
    /** read attributes and call the read-only operations ({@code list()}) */
    READONLY,
    /** everything Faultline's MBeans offer, but attaching to JVMs */
    READWRITE,
    /** readwrite, and the sidecar's {@code jvm} verbs, which load the agent into JVMs in other containers */
    ATTACH;

    /** Whether this role may call operations that change something. */
    public boolean writes() {
        return this != READONLY;
    }
}
