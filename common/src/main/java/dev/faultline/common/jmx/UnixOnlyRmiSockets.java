package dev.faultline.common.jmx;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.rmi.server.RMISocketFactory;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * RMI's process-wide socket factory while this process reads from targets: a stub's endpoint without a socket factory
 * of its own (plain TCP, host and port chosen by the target) is connected through this one. Reading a stub makes RMI
 * send a DGC call to its endpoint at once, before {@link UnixJmx} can look at it, and a retry thread keeps trying
 * later; so a TCP endpoint first met inside {@link TargetFilter#reading} is refused there and for good, and no byte
 * reaches it. Every other socket (this process's own JMX server, TCP clients of endpoints no target named) is the
 * JDK's default, unchanged. Installed only where unix-socket JMX is used as a client.
 */
final class UnixOnlyRmiSockets extends RMISocketFactory {
    private static final UnixOnlyRmiSockets INSTANCE = new UnixOnlyRmiSockets();
    private static final RMISocketFactory DEFAULT = RMISocketFactory.getDefaultSocketFactory();
    /** "host:port" of the TCP endpoints a target's stub named. */
    private static final Set<String> REFUSED = ConcurrentHashMap.newKeySet();

    private UnixOnlyRmiSockets() {}

    /** Installs it, once; refused where another process-wide factory was set (it could not be kept from TCP). */
    static synchronized void install() throws IOException {
        RMISocketFactory current = RMISocketFactory.getSocketFactory();
        if (current == INSTANCE) return;
        if (current != null)
            throw new IOException("a process-wide RMI socket factory is set already (" + current
                    + "); Faultline reads no stub from a target JVM without its own");
        RMISocketFactory.setSocketFactory(INSTANCE);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        String endpoint = host + ":" + port;
        if (TargetFilter.isReading()) REFUSED.add(endpoint);
        if (REFUSED.contains(endpoint))
            throw new IOException("refused to connect to " + endpoint
                    + " over TCP: a target JVM's stub named it, and only its unix socket is reached");
        return DEFAULT.createSocket(host, port);
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        return DEFAULT.createServerSocket(port);
    }

    @Override
    public String toString() {
        return "faultline: no TCP to endpoints named by a target JVM";
    }
}
