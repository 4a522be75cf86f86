package dev.faultline.sidecar.jvmcontrol;

import dev.faultline.common.jmx.UnixJmx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.management.JMException;
import javax.management.MBeanException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import javax.management.remote.JMXConnector;

/**
 * The attached agent's {@code dev.faultline:type=Agent} over its unix-socket connector, reached through the
 * target's filesystem: the address file and the socket lstat-checked first (no links, the target's uid), then
 * {@link UnixJmx#connect}, which checks the peer's uid on every connection.
 */
final class UnixAgentLink implements JvmAccess.AgentLink {
    private static final String AGENT = "dev.faultline:type=Agent";
    /** The agent serves before its attach returns; a little slack for a loaded machine. */
    private static final long APPEAR_MS = 5_000;

    private final JMXConnector connector;
    private final MBeanServerConnection mbeans;
    private final ObjectName agent;

    private UnixAgentLink(JMXConnector connector) throws IOException, JMException {
        this.connector = connector;
        this.mbeans = connector.getMBeanServerConnection();
        this.agent = new ObjectName(AGENT);
    }

    static JvmAccess.AgentLink connect(FoundJvm jvm, ControlDirectory dir, AttachSecret secret) {
        long deadline = System.currentTimeMillis() + APPEAR_MS;
        Path urlFile;
        while (true) {
            try {
                urlFile = dir.agentFile(UnixJmx.URL_FILE);
                break;
            } catch (IllegalStateException notYet) {
                if (System.currentTimeMillis() > deadline) throw notYet;
                sleep();
            }
        }
        Path socket = dir.agentFile(UnixJmx.SOCKET);
        try {
            String url = Files.readString(urlFile, StandardCharsets.UTF_8);
            JMXConnector c = UnixJmx.connect(
                    socket, dir.inContainer() + "/" + UnixJmx.SOCKET, url, secret.reveal(), jvm.uid(), jvm.hostPid());
            return new UnixAgentLink(c);
        } catch (IOException | JMException | RuntimeException e) {
            throw new IllegalStateException(
                    jvm.container() + " pid " + jvm.hostPid() + ": cannot connect to the agent in " + dir + ": "
                            + e.getMessage(),
                    e);
        }
    }

    @Override
    public String add(String spec) {
        return (String) invoke("add", spec);
    }

    @Override
    public boolean remove(String id) {
        return (Boolean) invoke("remove", id);
    }

    @Override
    public int clear() {
        return (Integer) invoke("clear");
    }

    @Override
    public String[] list() {
        return (String[]) invoke("list");
    }

    private Object invoke(String op, String... args) {
        String[] sig = new String[args.length];
        Arrays.fill(sig, String.class.getName());
        try {
            return mbeans.invoke(agent, op, args, sig);
        } catch (RuntimeMBeanException | MBeanException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("the agent refused " + op + "(): " + cause.getMessage(), cause);
        } catch (IOException | JMException e) {
            throw new IllegalStateException("the agent's connector: " + op + "(): " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            connector.close();
        } catch (IOException ignored) {
            // the JVM went away
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the agent's connector");
        }
    }
}
