package dev.faultline.common.jmx;

import java.io.IOException;
import java.net.MalformedURLException;
import java.util.HashMap;
import java.util.Map;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/** Connects to an agent's or a sidecar's remote connector as an operator does: with a user and password. */
public final class JmxClient {
    private JmxClient() {}

    public static JMXServiceURL url(String host, int port) {
        try {
            return new JMXServiceURL("service:jmx:rmi:///jndi/rmi://" + host + ":" + port + "/jmxrmi");
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** @param credentials null only for a connector started with authentication explicitly off */
    public static JMXConnector connect(String host, int port, Credentials credentials) throws IOException {
        Map<String, Object> env = new HashMap<>();
        if (credentials != null) env.put(JMXConnector.CREDENTIALS, credentials.asArray());
        return JMXConnectorFactory.connect(url(host, port), env);
    }

    /** Retries while nothing listens yet (a process still starting), up to {@code waitMillis}. */
    public static JMXConnector await(String host, int port, Credentials credentials, long waitMillis)
            throws IOException {
        long deadline = System.nanoTime() + waitMillis * 1_000_000;
        while (true) {
            try {
                return connect(host, port, credentials);
            } catch (IOException e) {
                if (System.nanoTime() > deadline) throw e;
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
