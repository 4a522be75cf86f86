package dev.faultline.common;

import javax.management.MBeanServer;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import javax.management.remote.rmi.RMIJRMPServerImpl;
import javax.net.ServerSocketFactory;
import javax.net.ssl.SSLServerSocketFactory;
import javax.rmi.ssl.SslRMIClientSocketFactory;
import java.io.IOException;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
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
        Registry registry = LocateRegistry.createRegistry(o.port(), clientSockets, serverSockets);
        Map<String, Object> env = new HashMap<>();
        if (o.passwordFile() != null) {
            env.put("jmx.remote.x.password.file", o.passwordFile());
            if (o.accessFile() != null) env.put("jmx.remote.x.access.file", o.accessFile());
        }
        // The stub goes straight into our own registry object, as the JDK's own jmxremote does: binding through a
        // JNDI URL would connect to the registry over the network, and with TLS that client would have to trust
        // our own certificate.
        RMIJRMPServerImpl rmiServer = new RMIJRMPServerImpl(o.port(), clientSockets, serverSockets, env);
        String at = o.advertise() + ":" + o.port();
        RMIConnectorServer connector = new RMIConnectorServer(new JMXServiceURL("service:jmx:rmi://" + at), env, rmiServer, server);
        connector.start();
        try {
            registry.bind("jmxrmi", rmiServer.toStub());
        } catch (java.rmi.AlreadyBoundException e) {
            connector.stop();
            throw new IOException("jmxrmi is already bound on port " + o.port(), e);
        }
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
