package dev.faultline.sidecar.jmx;

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
 * The daemon's remote JMX connector: registry and server on one port, bound to one address, with password
 * file and TLS when asked. (The agent has its own copy: it must live in the bootstrap loader, relocated.)
 */
final class RemoteJmx {
    private RemoteJmx() {
    }

    static JMXConnectorServer start(String host, int port, String passwordFile, String accessFile, boolean ssl, String advertise, MBeanServer server) throws IOException {
        if (System.getProperty("java.rmi.server.hostname") == null) System.setProperty("java.rmi.server.hostname", advertise);
        RMIServerSocketFactory serverSockets = new BoundServerSocketFactory(host, ssl);
        SslRMIClientSocketFactory clientSockets = ssl ? new SslRMIClientSocketFactory() : null;
        LocateRegistry.createRegistry(port, clientSockets, serverSockets);
        Map<String, Object> env = new HashMap<>();
        env.put(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, serverSockets);
        if (clientSockets != null) {
            env.put(RMIConnectorServer.RMI_CLIENT_SOCKET_FACTORY_ATTRIBUTE, clientSockets);
            env.put("com.sun.jndi.rmi.factory.socket", clientSockets);
        }
        if (passwordFile != null) {
            env.put("jmx.remote.x.password.file", passwordFile);
            if (accessFile != null) env.put("jmx.remote.x.access.file", accessFile);
        }
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi://" + advertise + ":" + port + "/jndi/rmi://" + advertise + ":" + port + "/jmxrmi");
        JMXConnectorServer connector = JMXConnectorServerFactory.newJMXConnectorServer(url, env, server);
        connector.start();
        return connector;
    }

    private record BoundServerSocketFactory(String host, boolean ssl) implements RMIServerSocketFactory, Serializable {
        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            ServerSocketFactory f = ssl ? SSLServerSocketFactory.getDefault() : ServerSocketFactory.getDefault();
            return f.createServerSocket(port, 50, InetAddress.getByName(host));
        }
    }
}
