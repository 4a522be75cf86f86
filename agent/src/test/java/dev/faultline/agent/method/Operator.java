package dev.faultline.agent.method;

import static dev.faultline.agent.it.ForkedService.name;
import static org.junit.jupiter.api.Assertions.fail;

import dev.faultline.agent.it.ForkedService;
import dev.faultline.common.jmx.JmxClient;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;

/** What an operator does over a real remote JMX connection, for services whose port the tests pick themselves. */
public final class Operator implements AutoCloseable {
    public static final ObjectName AGENT = name("dev.faultline:type=Agent");
    private final JMXConnector connector;
    private final MBeanServerConnection jmx;

    private Operator(JMXConnector connector) throws IOException {
        this.connector = connector;
        this.jmx = connector.getMBeanServerConnection();
    }

    /** An agent on {@code port} that generated its password into {@link ForkedService#CREDENTIALS_DIR}. */
    public static Operator connect(int port) throws Exception {
        try {
            return new Operator(JmxClient.await("127.0.0.1", port, ForkedService.credentials(port), 20_000));
        } catch (IOException e) {
            throw new AssertionError("JMX never answered on " + port, e);
        }
    }

    public MBeanServerConnection jmx() {
        return jmx;
    }

    public String add(String spec) throws Exception {
        return (String) jmx.invoke(AGENT, "add", new Object[] {spec}, new String[] {String.class.getName()});
    }

    public int clear() throws Exception {
        return (Integer) jmx.invoke(AGENT, "clear", new Object[0], new String[0]);
    }

    public String[] list() throws Exception {
        return (String[]) jmx.invoke(AGENT, "list", new Object[0], new String[0]);
    }

    /** add() a spec that must be refused: returns the message the operator sees. */
    public static String refusal(MBeanServerConnection jmx, String spec) {
        try {
            Object id = jmx.invoke(AGENT, "add", new Object[] {spec}, new String[] {String.class.getName()});
            return fail("'" + spec + "' was armed as " + id + " but should have been refused");
        } catch (Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof IllegalArgumentException) return t.getMessage();
            }
            throw new AssertionError("'" + spec + "' failed without a refusal message", e);
        }
    }

    /** Heap used after a full collection, as any JMX console shows it. */
    public static long heapUsedAfterGc(MBeanServerConnection jmx) throws Exception {
        ObjectName memory = name(ManagementFactory.MEMORY_MXBEAN_NAME);
        jmx.invoke(memory, "gc", new Object[0], new String[0]);
        return (Long) ((CompositeData) jmx.getAttribute(memory, "HeapMemoryUsage")).get("used");
    }

    @Override
    public void close() throws IOException {
        connector.close();
    }
}
