package dev.faultline.agent.it;

import java.util.Map;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import javax.rmi.ssl.SslRMIClientSocketFactory;

/**
 * An operator's TLS JMX client in its own JVM (its trust store is a system property, so it must not share the
 * test JVM): {@code JmxTlsClient <port> <user> <password>} prints {@code OK <faults listed>} or {@code ERR <cause>}.
 */
public final class JmxTlsClient {
    private JmxTlsClient() {}

    public static void main(String[] args) throws Exception {
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + args[0] + "/jmxrmi");
        Map<String, Object> env = Map.of(
                JMXConnector.CREDENTIALS,
                new String[] {args[1], args[2]},
                "com.sun.jndi.rmi.factory.socket",
                new SslRMIClientSocketFactory());
        try (JMXConnector c = JMXConnectorFactory.connect(url, env)) {
            String[] list = (String[])
                    c.getMBeanServerConnection().invoke(ForkedService.AGENT, "list", new Object[0], new String[0]);
            System.out.println("OK " + list.length);
        } catch (Exception e) {
            Throwable root = e;
            while (root.getCause() != null) root = root.getCause();
            System.out.println("ERR " + root.getClass().getName() + ": " + root.getMessage());
        }
    }
}
