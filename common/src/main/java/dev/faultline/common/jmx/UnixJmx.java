package dev.faultline.common.jmx;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.rmi.server.RemoteObject;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import javax.management.MBeanServer;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXAuthenticator;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXPrincipal;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnector;
import javax.management.remote.rmi.RMIConnectorServer;
import javax.management.remote.rmi.RMIServer;
import javax.security.auth.Subject;
import org.slf4j.Logger;

/**
 * The agent's guarded connector (the MBean server holding only {@code dev.faultline:*}, {@link RemoteAccess},
 * {@link PreAuthenticationGuard}, the same deserialization filters as {@link RemoteJmx}) carried on a unix-domain
 * socket {@code <dir>/jmx.sock} instead of TCP: no RMI registry, no port in the pod's network. The stub goes to
 * {@code <dir>/jmx.url} (0600); one user, {@value #USER}, logs in with a per-attach secret the sidecar generated,
 * which is never written anywhere. {@link #connect} is the sidecar's side.
 */
public final class UnixJmx {
    public static final String USER = "faultline-sidecar";
    public static final String SOCKET = "jmx.sock";
    public static final String URL_FILE = "jmx.url";
    /** Where the sidecar puts the login's secret for the agent, which deletes it once read ({@link #takeSecret}). */
    public static final String SECRET_FILE = "jmx.secret";

    private static final int MAX_SECRET = 1024;
    /** RMI's port for the exported objects: meaningless on a unix socket, but one fixed value keeps them on one listener. */
    private static final int PORT = 1;

    private static final Set<PosixFilePermission> GROUP_OR_OTHERS_WRITE =
            Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    private UnixJmx() {}

    /** A served connector; {@link #stop} closes it and removes both files. */
    public record Served(JMXConnectorServer server, Path socket, Path urlFile, String url) {
        public void stop() throws IOException {
            try {
                server.stop();
            } finally {
                Files.deleteIfExists(urlFile);
                Files.deleteIfExists(socket);
            }
        }
    }

    /**
     * Serves {@code faultlineOnly} on {@code dir/jmx.sock}. {@code dir} was made by the sidecar: it must be a real
     * directory (not a link), writable by no one but its owner, who is this process's user or root.
     */
    public static Served serve(Path dir, String secret, MBeanServer faultlineOnly, Logger log) throws IOException {
        if (secret == null || secret.isEmpty()) throw new IOException("no secret: a connector nobody can log in to");
        checkDirectory(dir);
        Path socket = dir.resolve(SOCKET);
        removeStaleSocket(socket);
        UnixServerSockets serverSockets = new UnixServerSockets(socket);
        UnixClientSockets clientSockets = new UnixClientSockets(socket.toString(), randomId());
        Map<String, Object> env = new HashMap<>();
        env.put("jmx.remote.x.daemon", "true"); // never keeps the service's JVM alive
        env.put(RMIConnectorServer.CREDENTIALS_FILTER_PATTERN, RemoteJmx.CREDENTIALS_FILTER);
        env.put(RMIConnectorServer.SERIAL_FILTER_PATTERN, RemoteJmx.CALL_FILTER);
        byte[] expected = secret.getBytes(StandardCharsets.UTF_8);
        env.put(JMXConnectorServer.AUTHENTICATOR, (JMXAuthenticator) credentials -> {
            if (credentials instanceof String[] c
                    && c.length == 2
                    && USER.equals(c[0])
                    && c[1] != null
                    && MessageDigest.isEqual(expected, c[1].getBytes(StandardCharsets.UTF_8))) {
                // read-only and with a JMXPrincipal, as the JDK's own authenticator makes it: with a writable empty
                // Subject the first add() failed in the target (Byte Buddy's AccessController.getContext() re-entered
                // ResourcesMgr: study.md, pitfall (b))
                return new Subject(true, Set.of(new JMXPrincipal(USER)), Set.of(), Set.of());
            }
            log.warn("JMX on {}: a login was refused (wrong user or secret)", socket);
            throw new SecurityException("authentication failed");
        });
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        RemoteJmx.GuardedServer rmiServer =
                new RemoteJmx.GuardedServer(PORT, clientSockets, serverSockets, env, previous);
        RMIConnectorServer connector =
                new RMIConnectorServer(new JMXServiceURL("service:jmx:rmi://localhost"), env, rmiServer, faultlineOnly);
        connector.setMBeanServerForwarder(RemoteAccess.forwarder(Map.of(USER, Role.READWRITE)));
        // the login endpoint is exported under the guard, as RemoteJmx does (see there)
        t.setContextClassLoader(new PreAuthenticationGuard(RemoteJmx.GuardedServer.class.getClassLoader()));
        try {
            connector.start();
        } finally {
            t.setContextClassLoader(previous);
        }
        String url = connector.getAddress().toString();
        Path urlFile = dir.resolve(URL_FILE);
        try {
            writePrivately(urlFile, url + "\n");
        } catch (IOException e) {
            connector.stop();
            throw e;
        }
        Served served = new Served(connector, socket, urlFile, url);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                Files.deleteIfExists(urlFile);
                                Files.deleteIfExists(socket);
                            } catch (IOException ignored) {
                                // the directory is the sidecar's to remove
                            }
                        },
                        "faultline-jmx-unix-cleanup"));
        return served;
    }

    /**
     * Reads and deletes {@code dir/}{@value #SECRET_FILE}, the secret the sidecar put there for this attach: given
     * this way, it is in no options string (JDK 22+ records an attached agent's options in JFR's
     * {@code jdk.JavaAgent} event, and HotSpot keeps them in its own properties). The file must be itself (not a
     * link), a regular file owned by this process's user or root, writable by no one else, in a directory
     * {@link #checkDirectory} accepts. A refusal names the file and why; it never quotes the content.
     */
    public static String takeSecret(Path dir) throws IOException {
        checkDirectory(dir);
        Path file = dir.resolve(SECRET_FILE);
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new IOException(file + " does not exist: no secret was given (the sidecar writes it before the "
                    + "attach; jmx.unix.secret=<secret> gives it in the options instead)");
        }
        try {
            if (a.isSymbolicLink() || !a.isRegularFile())
                throw new IOException(
                        file + " is " + (a.isSymbolicLink() ? "a symbolic link" : "not a regular file") + "; refused");
            if (a.permissions().stream().anyMatch(GROUP_OR_OTHERS_WRITE::contains))
                throw new IOException(file + " is writable by group or others; refused");
            int owner = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int self = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            if (owner != self && owner != 0)
                throw new IOException(file + " belongs to uid " + owner + ", neither this process's nor root; refused");
            if (a.size() > MAX_SECRET) throw new IOException(file + " holds over " + MAX_SECRET + " bytes; refused");
            byte[] bytes;
            try (SeekableByteChannel ch =
                    Files.newByteChannel(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
                ByteBuffer b = ByteBuffer.allocate(MAX_SECRET + 1);
                while (b.hasRemaining() && ch.read(b) >= 0) {}
                if (b.position() > MAX_SECRET)
                    throw new IOException(file + " holds over " + MAX_SECRET + " bytes; refused");
                bytes = Arrays.copyOf(b.array(), b.position());
            }
            String secret = new String(bytes, StandardCharsets.UTF_8).trim();
            if (secret.isEmpty()) throw new IOException(file + " is empty; refused");
            return secret;
        } finally {
            Files.deleteIfExists(file); // read once, by this process: never left for anyone else
        }
    }

    /** A refusal names the directory and what is wrong with it. */
    static void checkDirectory(Path dir) throws IOException {
        if (!dir.isAbsolute()) throw new IOException(dir + " is not an absolute path");
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new IOException(dir + " does not exist (it is made before the agent is asked to serve there)");
        }
        if (a.isSymbolicLink()) throw new IOException(dir + " is a symbolic link; refused (it could point anywhere)");
        if (!a.isDirectory()) throw new IOException(dir + " is not a directory");
        if (a.permissions().stream().anyMatch(GROUP_OR_OTHERS_WRITE::contains))
            throw new IOException(dir + " is writable by group or others ("
                    + PosixFilePermissions.toString(a.permissions()) + "); refused");
        int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int self = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (owner != self && owner != 0)
            throw new IOException(
                    dir + " belongs to uid " + owner + ", neither this process's (" + self + ") nor root; refused");
    }

    private static void removeStaleSocket(Path socket) throws IOException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) return;
        PosixFileAttributes a = Files.readAttributes(socket, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isOther()) throw new IOException(socket + " exists and is not a socket; refused to replace it");
        Files.delete(socket);
    }

    /** Created 0600 under a fresh name, never through a link, then moved into place: a reader sees all or nothing. */
    private static void writePrivately(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + "-" + randomId());
        Files.writeString(
                Files.createFile(
                        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                content,
                StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String randomId() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** A real stub address is about 600 characters. */
    private static final int MAX_URL = 8192;

    /** The longest any read or write to a target may wait, unless {@link #connect} is given another bound. */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);

    /** {@link #connect(Path, String, String, String, int, long, Duration)} with {@link #DEFAULT_CALL_TIMEOUT}. */
    public static JMXConnector connect(
            Path hostSocketPath,
            String containerSocketPath,
            String url,
            String secret,
            int expectedUid,
            long expectedPid)
            throws IOException {
        return connect(
                hostSocketPath, containerSocketPath, url, secret, expectedUid, expectedPid, DEFAULT_CALL_TIMEOUT);
    }

    /**
     * Connects to a connector a target JVM serves on a unix socket (the sidecar's side).
     *
     * @param hostSocketPath      the socket as this process reaches it, e.g. {@code /proc/<pid>/root/<dir>/jmx.sock}
     * @param containerSocketPath the socket as the target names it ({@code <dir>/jmx.sock}): the only one the stub may name
     * @param url                 the content of {@code jmx.url}
     * @param secret              the secret given to the agent at attach
     * @param expectedUid         the uid the serving process must run as (checked with {@code SO_PEERCRED} at every connection)
     * @param expectedPid         the process that must accept every connection (host PID; {@link UnixPeer}): nothing,
     *                            not even RMI's handshake, is sent to a listener the target's user swapped in
     * @param callTimeout         the longest any read or write on the socket waits (the login, each call, DGC):
     *                            a paused or silent target fails the call with a timeout instead of holding it
     * @return a connector whose every call reads the target's replies through {@link TargetFilter}
     */
    public static JMXConnector connect(
            Path hostSocketPath,
            String containerSocketPath,
            String url,
            String secret,
            int expectedUid,
            long expectedPid,
            Duration callTimeout)
            throws IOException {
        if (callTimeout.isNegative() || callTimeout.isZero() || callTimeout.toMillis() > Integer.MAX_VALUE)
            throw new IllegalArgumentException("callTimeout must be positive and under 24 days: " + callTimeout);
        UserPrincipal user = FileSystems.getDefault()
                .getUserPrincipalLookupService()
                .lookupPrincipalByName(String.valueOf(expectedUid));
        List<UnixClientSockets> read = UnixClientSockets.collecting();
        RMIServer stub;
        try {
            stub = readStub(url.trim());
        } finally {
            UnixClientSockets.stopCollecting();
        }
        // the stub's one endpoint must be the socket the caller named: a target cannot send us anywhere else
        if (read.size() != 1)
            throw new IOException(
                    "the stub in " + URL_FILE + " names " + read.size() + " unix sockets, not one; refused");
        UnixClientSockets sockets = read.get(0);
        if (!sockets.path().equals(containerSocketPath))
            throw new IOException("the stub in " + URL_FILE + " names the socket " + sockets.path() + ", not "
                    + containerSocketPath + "; refused");
        // and its endpoint is that socket: a factory smuggled in elsewhere (an extra field) beside a TCP endpoint is
        // not
        String endpoint = stub instanceof RemoteObject r && r.getRef() != null
                ? r.getRef().remoteToString()
                : "";
        if (!endpoint.contains(",unix:" + containerSocketPath + "](remote)")
                || endpoint.indexOf("endpoint:[") != endpoint.lastIndexOf("endpoint:["))
            throw new IOException("the stub in " + URL_FILE + " does not reach its connector through "
                    + containerSocketPath + " alone; refused");
        UnixClientSockets.Route route = new UnixClientSockets.Route(
                hostSocketPath, containerSocketPath, user, expectedUid, expectedPid, (int) callTimeout.toMillis());
        UnixClientSockets.Route previous = sockets.route(route);
        Map<String, Object> env = new HashMap<>();
        env.put(JMXConnector.CREDENTIALS, new String[] {USER, secret});
        // no background check thread: its replies would be read outside TargetFilter's scope
        env.put("jmx.remote.x.client.connection.check.period", 0L);
        RMIConnector connector = new RMIConnector(stub, env);
        try {
            TargetFilter.reading(() -> {
                connector.connect();
                return null;
            });
        } catch (Exception e) {
            sockets.unroute(route, previous);
            if (e instanceof IOException io) throw io;
            if (e instanceof RuntimeException r) throw r;
            throw new IOException(e);
        }
        return (JMXConnector) filtered(JMXConnector.class, connector, () -> sockets.closed(route));
    }

    static RMIServer readStub(String url) throws IOException {
        // reading a stub contacts its endpoint (RMI's DGC): one that is plain TCP is refused, not connected
        UnixOnlyRmiSockets.install();
        if (url.length() > MAX_URL)
            throw new IOException(URL_FILE + " holds " + url.length() + " characters, over " + MAX_URL + "; refused");
        String marker = "/stub/";
        int at = url.indexOf(marker);
        if (!url.startsWith("service:jmx:rmi://") || at < 0)
            throw new IOException("not a stub address (service:jmx:rmi://…/stub/…) in " + URL_FILE);
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(url.substring(at + marker.length()));
        } catch (IllegalArgumentException e) {
            throw new IOException("the stub in " + URL_FILE + " is not base64: " + e.getMessage());
        }
        Object stub;
        StubFilter filter = new StubFilter();
        try {
            stub = TargetFilter.reading(() -> {
                try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
                    in.setObjectInputFilter(filter);
                    return in.readObject();
                }
            });
        } catch (IOException e) {
            if (filter.refused() != null)
                throw new IOException(
                        "the stub in " + URL_FILE + " holds " + filter.refused()
                                + ", which no connector stub holds; refused (only " + StubFilter.CLASSES
                                + " are read from it)",
                        e);
            throw new IOException("the stub in " + URL_FILE + " was refused: " + e, e);
        } catch (Exception e) {
            throw new IOException("the stub in " + URL_FILE + " could not be read: " + e, e);
        }
        if (!(stub instanceof RMIServer server))
            throw new IOException(
                    "the stub in " + URL_FILE + " is a " + stub.getClass().getName() + ", not a connector");
        return server;
    }

    /** A proxy whose every call (and every connection or MBeanServerConnection it returns) reads through TargetFilter. */
    private static Object filtered(Class<?> type, Object target, Runnable onClose) {
        // an MBean call's reply is read to the types such calls return; the connector's own calls to its stubs
        boolean reply = type == MBeanServerConnection.class;
        InvocationHandler h = (proxy, m, args) -> {
            try {
                Object r = invokeReading(reply, target, m, args);
                return r instanceof MBeanServerConnection c ? filtered(MBeanServerConnection.class, c, () -> {}) : r;
            } finally {
                if (m.getName().equals("close") && m.getParameterCount() == 0) onClose.run();
            }
        };
        return Proxy.newProxyInstance(UnixJmx.class.getClassLoader(), new Class<?>[] {type}, h);
    }

    private static Object invokeReading(boolean reply, Object target, Method m, Object[] args) throws Exception {
        Callable<Object> call = () -> {
            try {
                return m.invoke(target, args);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof Exception x) throw x;
                if (e.getCause() instanceof Error x) throw x;
                throw e;
            }
        };
        if (!reply) return TargetFilter.reading(call);
        try {
            return TargetFilter.readingReply(call);
        } catch (IOException e) {
            String refused = TargetFilter.refused();
            if (refused == null) throw e;
            throw new IOException(
                    "the target's reply to " + m.getName() + "() holds " + refused + ", which no reply of the agent's "
                            + "MBean holds; refused (only " + TargetFilter.CALL_PATTERN + ")",
                    e);
        }
    }
}
