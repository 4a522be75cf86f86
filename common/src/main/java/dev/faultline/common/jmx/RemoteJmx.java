package dev.faultline.common.jmx;

import java.io.IOException;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.rmi.AlreadyBoundException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIClientSocketFactory;
import java.rmi.server.RMIServerSocketFactory;
import java.util.HashMap;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnection;
import javax.management.remote.rmi.RMIConnectorServer;
import javax.management.remote.rmi.RMIJRMPServerImpl;
import javax.net.ServerSocketFactory;
import javax.net.ssl.SSLServerSocketFactory;
import javax.rmi.ssl.SslRMIClientSocketFactory;
import javax.security.auth.Subject;
import org.slf4j.Logger;

/**
 * The remote JMX connector of both programs, as operators expect it: RMI registry and connector on one port,
 * bound to one address, a password always (the operator's file or a generated one), TLS when asked. It serves
 * the given MBean server (Faultline's own, never the platform's) through {@link RemoteAccess}. Clients connect
 * with {@link JmxOptions#url()}.
 */
public final class RemoteJmx {
    /** Only the credentials (a String[]) are read before login. */
    static final String CREDENTIALS_FILTER = "java.lang.String;!*";
    /**
     * What an authenticated client's calls may carry: names, strings, numbers and the connector's own envelopes (up
     * to 1 MiB: a MarshalledObject is one byte array).
     * No query expressions or other objects: our MBeans take Strings only.
     */
    static final String CALL_FILTER =
            "maxdepth=20;maxarray=1048576;java.lang.String;java.lang.Number;java.lang.Long;java.lang.Integer;"
                    + "java.lang.Boolean;java.lang.Object;java.rmi.MarshalledObject;javax.management.ObjectName;javax.management.Attribute;"
                    + "javax.management.AttributeList;java.util.ArrayList;java.util.Vector;javax.management.NotificationFilterSupport;"
                    + "javax.management.relation.MBeanServerNotificationFilter;!*";

    private RemoteJmx() {}

    /** A running connector, and the generated password file if there is one (removed when the JVM exits). */
    public record Connector(JMXConnectorServer server, String url, JmxOptions options, Path generatedPasswordFile) {
        /** How clients log in, for the start-up log line of either program; never the secret. */
        public String auth() {
            if (options.authNone()) return "none";
            if (generatedPasswordFile != null)
                return "user=" + Credentials.GENERATED_USER + " password-file=" + generatedPasswordFile
                        + " (generated)";
            return "password-file=" + options.passwordFile()
                    + (options.accessFile() != null ? " access-file=" + options.accessFile() : "");
        }
    }

    public static Connector start(JmxOptions o, MBeanServer faultlineOnly, Logger log) throws IOException {
        if (System.getProperty("java.rmi.server.hostname") == null) {
            // the stub handed to clients names this host; without it RMI may name an address we did not bind
            System.setProperty("java.rmi.server.hostname", o.advertise());
        }
        RMIServerSocketFactory serverSockets = new BoundServerSocketFactory(o.bindHost(), o.ssl());
        SslRMIClientSocketFactory clientSockets = o.ssl() ? new SslRMIClientSocketFactory() : null;
        Map<String, Object> env = new HashMap<>();
        env.put(
                "jmx.remote.x.daemon",
                "true"); // as the JDK's jmxremote: our connector never keeps the service's JVM alive
        env.put(RMIConnectorServer.CREDENTIALS_FILTER_PATTERN, CREDENTIALS_FILTER);
        env.put(RMIConnectorServer.SERIAL_FILTER_PATTERN, CALL_FILTER);
        Path generated = null;
        String passwordFile = o.passwordFile();
        if (o.generatesPassword()) {
            generated = Credentials.generatedFile(o.credentialsDir(), o.port());
            Credentials.generate(o.credentialsDir(), o.port());
            passwordFile = generated.toString();
        } else if (passwordFile != null && Credentials.readableByOthers(Path.of(passwordFile))) {
            log.warn("JMX: the password file {} can be read by other users (chmod 600 it)", passwordFile);
        }
        if (passwordFile != null) env.put("jmx.remote.x.password.file", passwordFile);

        Registry registry = LocateRegistry.createRegistry(o.port(), clientSockets, serverSockets);
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        RMIJRMPServerImpl rmiServer = new GuardedServer(o.port(), clientSockets, serverSockets, env, previous);
        RMIConnectorServer connector = new RMIConnectorServer(
                new JMXServiceURL("service:jmx:rmi://" + o.advertise() + ":" + o.port()),
                env,
                rmiServer,
                faultlineOnly);
        // without an access file, only a generated password's user may attach (whoever reads it is already our user)
        connector.setMBeanServerForwarder(RemoteAccess.forwarder(
                o.accessFile() == null ? null : AccessFile.read(Path.of(o.accessFile())),
                generated != null ? Role.ATTACH : Role.READWRITE));
        // the login endpoint is exported under the guard, so RMI resolves the login call's argument through it. RMI
        // keeps the exporting thread's context loader only if it descends from the loader of the exported object's
        // class (else it dispatches under that class's loader: the agent's own, since the core left the boot
        // loader), so the guard's parent is that loader; it resolves only String, which every loader sees.
        t.setContextClassLoader(new PreAuthenticationGuard(GuardedServer.class.getClassLoader()));
        try {
            connector.start();
        } finally {
            t.setContextClassLoader(previous);
        }
        try {
            // into our own registry object, as the JDK's jmxremote does: binding through a JNDI URL would connect
            // over the network, and with TLS that client would have to trust our own certificate
            registry.bind("jmxrmi", rmiServer.toStub());
        } catch (AlreadyBoundException e) {
            connector.stop();
            throw new IOException("jmxrmi is already bound on port " + o.port(), e);
        }
        if (o.authNone()) {
            log.warn(
                    "JMX: authentication is OFF (asked for explicitly): any local user who can reach {}:{} controls Faultline here",
                    o.bindHost(),
                    o.port());
        }
        if (generated != null) {
            Path file =
                    generated; // a stale one would open nothing (the next start writes a new one), but leave no secret
            // behind
            Runtime.getRuntime().addShutdownHook(new Thread(() -> file.toFile().delete(), "faultline-jmx-credentials"));
        }
        return new Connector(connector, o.url(), o, generated);
    }

    /** Connections made after login go back to the connector's own class loader (not the login guard). */
    static final class GuardedServer extends RMIJRMPServerImpl {
        private final ClassLoader connections;

        GuardedServer(
                int port,
                RMIClientSocketFactory csf,
                RMIServerSocketFactory ssf,
                Map<String, ?> env,
                ClassLoader connections)
                throws IOException {
            super(port, csf, ssf, env);
            this.connections = connections;
        }

        @Override
        protected RMIConnection makeClient(String connectionId, Subject subject) throws IOException {
            Thread t = Thread.currentThread();
            ClassLoader previous = t.getContextClassLoader();
            t.setContextClassLoader(connections);
            try {
                return super.makeClient(connectionId, subject);
            } finally {
                t.setContextClassLoader(previous);
            }
        }
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
