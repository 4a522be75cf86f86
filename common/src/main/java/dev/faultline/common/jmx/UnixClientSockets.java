package dev.faultline.common.jmx;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.rmi.server.RMIClientSocketFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * How a client reaches a connector served on a unix-domain socket: part of the stub the agent writes to
 * {@code jmx.url}, so both sides have this class under this name. The stub names the socket as the target sees it
 * (a path inside its container) and the connector's random id; it never decides where this process connects: only a
 * route that {@link UnixJmx#connect} registered for that id and path does (the host path, e.g. through
 * {@code /proc/<pid>/root}, and the uid the serving process must run as). A stub naming anything else opens
 * nothing.
 */
public final class UnixClientSockets implements RMIClientSocketFactory, Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Where a stub's socket is reached from this process, who must be serving it (the uid and the very process), and
     * how long any read or write on it may wait ({@link ChannelSocket}).
     */
    record Route(Path host, String containerPath, UserPrincipal user, int uid, long pid, int maxWaitMillis) {}

    private static final Map<String, Route> ROUTES = new ConcurrentHashMap<>();
    /** The factories read by the current thread's stub deserialization, when {@link UnixJmx} asks for them. */
    private static final ThreadLocal<List<UnixClientSockets>> READ = new ThreadLocal<>();

    private final String path;
    private final String id;

    UnixClientSockets(String path, String id) {
        this.path = path;
        this.id = id;
    }

    String path() {
        return path;
    }

    String id() {
        return id;
    }

    /**
     * Routes this connector's id; returns the route it replaces, or null. A route through another host path for the
     * same id (a second target copying an id) is refused; one through the same path is replaced (the caller's latest
     * word on who must serve it).
     */
    Route route(Route route) throws IOException {
        Route existing = ROUTES.put(id, route);
        if (existing != null && !existing.host().equals(route.host())) {
            ROUTES.put(id, existing);
            throw new IOException("connector id " + id + " is already routed to " + existing.host()
                    + "; refused to route it to " + route.host());
        }
        return existing;
    }

    /** Undoes {@link #route} after a connection that failed: the route before it, or none. */
    void unroute(Route route, Route previous) {
        if (previous == null) ROUTES.remove(id, route);
        else ROUTES.replace(id, route, previous);
    }

    /** Forgets this route when its connector closes, unless a later connect to the same socket replaced it. */
    void closed(Route route) {
        ROUTES.computeIfPresent(id, (k, v) -> v == route ? null : v);
    }

    static int routes() {
        return ROUTES.size();
    }

    static List<UnixClientSockets> collecting() {
        List<UnixClientSockets> read = new ArrayList<>();
        READ.set(read);
        return read;
    }

    static void stopCollecting() {
        READ.remove();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Route route = ROUTES.get(id);
        if (route == null || !route.containerPath().equals(path))
            throw new IOException("refused to connect to " + path + ": no route to that socket was set up here");
        Object before = socketFile(route.host());
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            UnixPeer.connect(channel, route.host());
            // the same socket file after the connect as before it: one swapped in between (for a link) is refused
            if (!before.equals(socketFile(route.host())))
                throw new IOException(route.host() + " changed while connecting; refused");
            UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
            if (!peer.user().equals(route.user()))
                throw new IOException("the process serving " + route.host() + " runs as "
                        + peer.user().getName() + ", not as the expected uid " + route.uid() + "; refused");
            // a swap and a swap back passes the file checks, and a listener of the same uid the one above: only the
            // process that accepted tells, before RMI writes its handshake and the login with the secret
            UnixPeer.requireServedBy(
                    channel, route.pid(), route.maxWaitMillis(), route.host().toString());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new ChannelSocket(channel, route.maxWaitMillis());
    }

    /** The file's identity (device and inode), if it is a socket and not a link; else a refusal naming what it is. */
    private static Object socketFile(Path host) throws IOException {
        BasicFileAttributes a = Files.readAttributes(host, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isSymbolicLink() || !a.isOther())
            throw new IOException(host + " is " + (a.isSymbolicLink() ? "a symbolic link" : "not a socket")
                    + "; refused to connect through it");
        return a.fileKey();
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        if (path == null || !path.startsWith("/") || id == null || id.isEmpty())
            throw new InvalidObjectException("a unix-socket stub without an absolute path and an id");
        List<UnixClientSockets> read = READ.get();
        if (read != null) read.add(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnixClientSockets f && f.path.equals(path) && f.id.equals(id);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, id);
    }

    @Override
    public String toString() {
        return "unix:" + path;
    }
}
