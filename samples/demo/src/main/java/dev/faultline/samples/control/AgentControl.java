package dev.faultline.samples.control;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import javax.management.MBeanException;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * An operator's remote JMX connection to one service's Faultline agent ({@code dev.faultline:type=Agent}),
 * the same thing jconsole or jmxterm would do.
 */
public final class AgentControl implements AutoCloseable {

    public static final String OBJECT_NAME = "dev.faultline:type=Agent";
    private static final String[] STRING_ARG = {String.class.getName()};

    private final JMXConnector connector;
    private final MBeanServerConnection mbeans;
    private final ObjectName agent;

    private AgentControl(JMXConnector connector) throws IOException {
        this.connector = connector;
        this.mbeans = connector.getMBeanServerConnection();
        try {
            this.agent = new ObjectName(OBJECT_NAME);
        } catch (MalformedObjectNameException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String serviceUrl(String host, int port) {
        return "service:jmx:rmi:///jndi/rmi://" + host + ":" + port + "/jmxrmi";
    }

    /**
     * Connects, retrying until {@code patience} runs out (a service that was just started may not listen yet).
     * @param credentials {@code {user, password}}: every agent's connector requires them
     */
    public static AgentControl connect(String host, int port, String[] credentials, Duration patience)
            throws IOException {
        long deadline = System.nanoTime() + patience.toNanos();
        JMXServiceURL url = new JMXServiceURL(serviceUrl(host, port));
        while (true) {
            JMXConnector connector = null;
            try {
                connector = JMXConnectorFactory.connect(
                        url, credentials == null ? Map.of() : Map.of(JMXConnector.CREDENTIALS, credentials));
                AgentControl control = new AgentControl(connector);
                control.version(); // the agent's MBean is registered, not just the connector
                return control;
            } catch (IOException | RuntimeException e) {
                if (connector != null) {
                    try {
                        connector.close();
                    } catch (IOException ignored) {
                        // a half-open connection we are dropping anyway
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("no Faultline agent answered JMX at " + url + ": " + e, e);
                }
                sleep(200);
            }
        }
    }

    /** Arms a fault; returns its id. */
    public String add(String spec) {
        return (String) invoke("add", spec);
    }

    public boolean remove(String id) {
        return (Boolean) invoke("remove", id);
    }

    /** The kill switch: disarms everything, returns how many faults were armed. */
    public int clear() {
        return (Integer) mbeansInvoke("clear", new Object[0], new String[0]);
    }

    public String[] list() {
        return (String[]) mbeansInvoke("list", new Object[0], new String[0]);
    }

    public boolean armed() {
        return (Boolean) attribute("Armed");
    }

    public long injectedTotal() {
        return ((Number) attribute("InjectedTotal")).longValue();
    }

    public String version() {
        return String.valueOf(attribute("Version"));
    }

    private Object invoke(String operation, String arg) {
        return mbeansInvoke(operation, new Object[] {arg}, STRING_ARG);
    }

    private Object mbeansInvoke(String operation, Object[] args, String[] signature) {
        try {
            return mbeans.invoke(agent, operation, args, signature);
        } catch (MBeanException e) {
            // The agent refuses a bad spec with a message naming the bad token: pass that on as is.
            throw new IllegalArgumentException(
                    operation + " refused: " + e.getTargetException().getMessage(), e);
        } catch (Exception e) {
            throw new IllegalStateException(operation + " failed: " + e, e);
        }
    }

    private Object attribute(String name) {
        try {
            return mbeans.getAttribute(agent, name);
        } catch (Exception e) {
            throw new IllegalStateException("reading " + name + " failed: " + e, e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        try {
            connector.close();
        } catch (IOException ignored) {
            // the service may already be gone; nothing to undo
        }
    }
}
