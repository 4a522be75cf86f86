package dev.faultline.common;

import javax.management.MBeanServer;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import javax.net.ServerSocketFactory;
import javax.net.ssl.SSLServerSocketFactory;
import javax.rmi.ssl.SslRMIClientSocketFactory;
import java.io.IOException;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.rmi.registry.LocateRegistry;
import java.rmi.server.RMIServerSocketFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * A remote JMX connector the way operators expect it: RMI registry and connector on one port, bound to one
 * address (loopback unless told), with a password file and TLS when asked. Clients connect with
 * {@code service:jmx:rmi:///jndi/rmi://<advertise>:<port>/jmxrmi}.
 */
public final class RemoteJmx {
    private RemoteJmx() {
    }

    /** @param advertise the host name the RMI stub hands to clients (what they can reach) */
    public record Options(String bindHost, int port, String advertise, String passwordFile, String accessFile, boolean ssl) {
    }

    public static JMXConnectorServer start(Options o, MBeanServer server) throws IOException {
        if (System.getProperty("java.rmi.server.hostname") == null) {
            // the stub handed to clients names this host; without it RMI may name an address we did not bind
            System.setProperty("java.rmi.server.hostname", o.advertise());
        }
        RMIServerSocketFactory serverSockets = new BoundServerSocketFactory(o.bindHost(), o.ssl());
        SslRMIClientSocketFactory clientSockets = o.ssl() ? new SslRMIClientSocketFactory() : null;
        LocateRegistry.createRegistry(o.port(), clientSockets, serverSockets);
        Map<String, Object> env = new HashMap<>();
        env.put(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, serverSockets);
        if (clientSockets != null) {
            env.put(RMIConnectorServer.RMI_CLIENT_SOCKET_FACTORY_ATTRIBUTE, clientSockets);
            env.put("com.sun.jndi.rmi.factory.socket", clientSockets);
        }
        if (o.passwordFile() != null) {
            env.put("jmx.remote.x.password.file", o.passwordFile());
            if (o.accessFile() != null) env.put("jmx.remote.x.access.file", o.accessFile());
        }
        String at = o.advertise() + ":" + o.port();
        JMXConnectorServer connector = JMXConnectorServerFactory.newJMXConnectorServer(
                new JMXServiceURL("service:jmx:rmi://" + at + "/jndi/rmi://" + at + "/jmxrmi"), env, server);
        connector.start();
        return connector;
    }

    /** Binds to the configured address only (the JDK's default factory binds every interface). */
    private record BoundServerSocketFactory(String host, boolean ssl) implements RMIServerSocketFactory, Serializable {
        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            ServerSocketFactory factory = ssl ? SSLServerSocketFactory.getDefault() : ServerSocketFactory.getDefault();
            return factory.createServerSocket(port, 50, InetAddress.getByName(host));
        }
    }
}
