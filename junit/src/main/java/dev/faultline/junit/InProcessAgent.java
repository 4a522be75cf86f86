package dev.faultline.junit;

import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.Set;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;

/**
 * The agent of this JVM, reached through the platform MBean server: the agent registers {@code dev.faultline:*} there
 * (design.md, JMX contract), so no port, no attach and none of the agent's classes (they live in its own loader).
 */
final class InProcessAgent {
    /** What the agent sets once its premain ran (FaultlineAgent.STARTED_PROPERTY). */
    static final String STARTED_PROPERTY = "dev.faultline.agent.started";

    static final String NOT_LOADED = "the Faultline agent is not loaded in this test JVM: add the goal prepare-agent of"
            + " dev.faultline:faultline-maven-plugin to the build (it puts -javaagent on surefire's/failsafe's argLine)";

    private static final ObjectName AGENT = name("dev.faultline:type=Agent");
    /** The agent's control plane registers its MBeans on a thread of its own, shortly after premain. */
    private static final long APPEAR_MILLIS = 10_000;

    private static volatile InProcessAgent connected;

    private final MBeanServer server;

    private InProcessAgent(MBeanServer server) {
        this.server = server;
    }

    /** The agent of this JVM, or an {@link IllegalStateException} with one line that says how to load it. */
    static InProcessAgent connect() {
        InProcessAgent agent = connected;
        if (agent != null) return agent;
        String version = System.getProperty(STARTED_PROPERTY);
        if (version == null) throw new IllegalStateException(NOT_LOADED);
        // asking for the platform server creates it, and the agent's watch then puts its MBeans in
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        long deadline = System.nanoTime() + APPEAR_MILLIS * 1_000_000;
        while (!server.isRegistered(AGENT)) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the Faultline agent " + version + " is loaded but " + AGENT
                        + " did not appear in the platform MBean server within " + APPEAR_MILLIS + " ms;"
                        + " see the agent's log on stderr");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the Faultline agent's MBeans", e);
            }
        }
        connected = agent = new InProcessAgent(server);
        return agent;
    }

    /** Arms a fault: its id, or the agent's refusal as an {@link IllegalArgumentException} with its message. */
    String add(String spec) {
        return (String) invoke("add", spec);
    }

    boolean remove(String id) {
        return (Boolean) invoke("remove", id);
    }

    int activeFaults() {
        try {
            return (Integer) server.getAttribute(AGENT, "ActiveFaults");
        } catch (JMException e) {
            throw new IllegalStateException("reading " + AGENT + " ActiveFaults: " + e, e);
        }
    }

    /** The injection count of an armed fault; empty once it is gone (removed, or its ttl ran out). */
    Optional<Long> injected(String id) {
        Set<ObjectName> names = server.queryNames(name("dev.faultline:type=Fault,id=" + id + ",*"), null);
        for (ObjectName n : names) {
            try {
                return Optional.of((Long) server.getAttribute(n, "Injected"));
            } catch (InstanceNotFoundException e) {
                return Optional.empty();
            } catch (JMException e) {
                throw new IllegalStateException("reading " + n + " Injected: " + e, e);
            }
        }
        return Optional.empty();
    }

    private Object invoke(String operation, String arg) {
        try {
            return server.invoke(AGENT, operation, new Object[] {arg}, new String[] {String.class.getName()});
        } catch (RuntimeMBeanException e) {
            // the agent's own refusal (IllegalArgumentException: a bad spec; IllegalStateException: cannot arm)
            RuntimeException refusal = e.getTargetException();
            throw new IllegalArgumentException(refusal.getMessage(), refusal);
        } catch (MBeanException e) {
            throw new IllegalStateException(AGENT + " " + operation + " failed: " + e.getTargetException(), e);
        } catch (JMException e) {
            throw new IllegalStateException(AGENT + " " + operation + " failed: " + e, e);
        }
    }

    private static ObjectName name(String text) {
        try {
            return new ObjectName(text);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(text + ": " + e.getMessage(), e);
        }
    }
}
