package dev.faultline.agent.jmx;

import dev.faultline.agent.AgentOptions;

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
 * The remote JMX connector on {@code jmx.port}: RMI registry and connector on that one port, bound to
 * {@code jmx.host} (loopback unless told), with a password file and TLS when asked. Clients connect with
 * {@code service:jmx:rmi:///jndi/rmi://host:port/jmxrmi}.
 */
public final class RemoteJmx {
    private RemoteJmx() {
    }

    public static JMXConnectorServer start(AgentOptions options, MBeanServer server) throws IOException {
        String host = options.jmxHost();
        int port = options.jmxPort();
        if (System.getProperty("java.rmi.server.hostname") == null) {
            // the stub handed to clients names this host; without it RMI may name an address we did not bind
            System.setProperty("java.rmi.server.hostname", host);
        }
        RMIServerSocketFactory serverSockets = new BoundServerSocketFactory(host, options.jmxSsl());
        SslRMIClientSocketFactory clientSockets = options.jmxSsl() ? new SslRMIClientSocketFactory() : null;
        LocateRegistry.createRegistry(port, clientSockets, serverSockets);

        Map<String, Object> env = new HashMap<>();
        env.put(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, serverSockets);
        if (clientSockets != null) {
            env.put(RMIConnectorServer.RMI_CLIENT_SOCKET_FACTORY_ATTRIBUTE, clientSockets);
            env.put("com.sun.jndi.rmi.factory.socket", clientSockets);
        }
        if (options.jmxAuthFile() != null) {
            env.put("jmx.remote.x.password.file", options.jmxAuthFile());
            if (options.jmxAccessFile() != null) env.put("jmx.remote.x.access.file", options.jmxAccessFile());
        }
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi://" + host + ":" + port + "/jndi/rmi://" + host + ":" + port + "/jmxrmi");
        JMXConnectorServer connector = JMXConnectorServerFactory.newJMXConnectorServer(url, env, server);
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
