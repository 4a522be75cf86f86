package dev.faultline.common.jmx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.management.MBeanServer;
import javax.management.MBeanServerConnection;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import javax.management.StandardMBean;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnector;
import javax.management.remote.rmi.RMIConnectorServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The unix-socket connector in one JVM, on a real socket: what directory it accepts, and what its client reads
 * from a target (the forked-JVM side is agent/…/UnixSocketJmxIT).
 */
class UnixJmxTest {
    public interface PingMBean {
        String getName();

        /** What a hostile target could answer: a serializable class the client has no business reading. */
        File getFile();

        /** Classes a broader filter reads, which no reply of the agent's MBean holds. */
        List<String> getNames();

        ObjectName getSelf();

        /** What the agent's list() answers, and its refusal of a spec. */
        String[] list();

        String add(String spec);
    }

    static StandardMBean ping() throws Exception {
        return new StandardMBean(
                new PingMBean() {
                    @Override
                    public String getName() {
                        return "pong";
                    }

                    @Override
                    public File getFile() {
                        return new File("/etc/passwd");
                    }

                    @Override
                    public List<String> getNames() {
                        return new ArrayList<>(List.of("a"));
                    }

                    @Override
                    public ObjectName getSelf() {
                        try {
                            return new ObjectName("dev.faultline:type=Ping");
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }

                    @Override
                    public String[] list() {
                        return new String[] {"f1 error on=connect"};
                    }

                    @Override
                    public String add(String spec) {
                        throw new IllegalArgumentException("'" + spec + "': unknown action");
                    }
                },
                PingMBean.class);
    }

    private Path work;
    private int uid;
    /** The connectors here are served by this process. */
    private final long pid = ProcessHandle.current().pid();

    @BeforeEach
    void setUp() throws IOException {
        work = Files.createTempDirectory("unix-jmx-test");
        uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    @AfterEach
    void tearDown() throws IOException {
        try (Stream<Path> s = Files.walk(work)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private Path privateDir(String name) throws IOException {
        return Files.createDirectory(
                work.resolve(name), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    private static String refusal(Path dir) {
        return assertThrows(IOException.class, () -> UnixJmx.checkDirectory(dir))
                .getMessage();
    }

    @Test
    void aDirectoryThatIsALinkAFileSharedWritableMissingOrRelativeIsRefusedNamingWhy() throws IOException {
        Path dir = privateDir("ok");
        UnixJmx.checkDirectory(dir);
        assertTrue(refusal(Files.createSymbolicLink(work.resolve("link"), dir)).contains("is a symbolic link"));
        assertTrue(refusal(Files.createFile(work.resolve("file"))).contains("is not a directory"));
        Path shared = privateDir("shared");
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwx---"));
        assertTrue(refusal(shared).contains("writable by group or others (rwxrwx---)"), refusal(shared));
        Path open = privateDir("open");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwx---rwx"));
        assertTrue(refusal(open).contains("writable by group or others"));
        assertTrue(refusal(work.resolve("missing")).contains("does not exist"));
        assertTrue(refusal(Path.of("relative/dir")).contains("not an absolute path"));
    }

    @Test
    void servesOnlyWithTheSecretAndTheClientReadsOnlyAStubForTheSocketItNamed() throws Exception {
        Path dir = privateDir("jmx");
        MBeanServer server = MBeanServerFactory.newMBeanServer("dev.faultline");
        ObjectName ping = new ObjectName("dev.faultline:type=Ping");
        server.registerMBean(ping(), ping);
        String secret = "test-secret-0123456789";
        UnixJmx.Served served = UnixJmx.serve(dir, secret, server, LoggerFactory.getLogger(UnixJmxTest.class));
        try {
            Path socket = dir.resolve(UnixJmx.SOCKET);
            String url = Files.readString(dir.resolve(UnixJmx.URL_FILE)).trim();
            assertEquals(served.url(), url);
            int routes = UnixClientSockets.routes();
            try (JMXConnector c = UnixJmx.connect(socket, socket.toString(), url, secret, uid, pid)) {
                assertEquals(routes + 1, UnixClientSockets.routes(), "routed while connected");
                assertEquals("pong", c.getMBeanServerConnection().getAttribute(ping, "Name"));
                // a reply is read under the same filter as the stub
                Exception reply = assertThrows(
                        Exception.class, () -> c.getMBeanServerConnection().getAttribute(ping, "File"));
                assertTrue(chain(reply).contains("REJECTED"), chain(reply));
                // a call's reply is held to what the agent's MBean returns: a collection or a JMX name is refused,
                // naming the class, though the connector's log-in reads both
                MBeanServerConnection mbeans = c.getMBeanServerConnection();
                for (String[] refused :
                        new String[][] {{"Names", "java.util.ArrayList"}, {"Self", ObjectName.class.getName()}}) {
                    IOException e = assertThrows(IOException.class, () -> mbeans.getAttribute(ping, refused[0]));
                    assertTrue(e.getMessage().contains("reply to getAttribute() holds " + refused[1]), chain(e));
                }
                assertArrayEquals(new String[] {"f1 error on=connect"}, (String[])
                        mbeans.invoke(ping, "list", new Object[0], new String[0]));
                Exception bad = assertThrows(
                        RuntimeMBeanException.class,
                        () -> mbeans.invoke(
                                ping, "add", new Object[] {"explode"}, new String[] {String.class.getName()}));
                assertTrue(chain(bad).contains("'explode': unknown action"), chain(bad));
            }
            assertEquals(routes, UnixClientSockets.routes(), "the route goes with the connector");
            assertTrue(assertThrows(
                            SecurityException.class,
                            () -> UnixJmx.connect(socket, socket.toString(), url, "wrong", uid, pid))
                    .getMessage()
                    .contains("authentication failed"));
            // the target's stub may name only the socket the caller expects there
            assertTrue(assertThrows(
                            IOException.class,
                            () -> UnixJmx.connect(socket, "/tmp/elsewhere/jmx.sock", url, secret, uid, pid))
                    .getMessage()
                    .contains("names the socket " + socket + ", not /tmp/elsewhere/jmx.sock"));
        } finally {
            served.stop();
        }
        assertTrue(Files.notExists(dir.resolve(UnixJmx.SOCKET)) && Files.notExists(dir.resolve(UnixJmx.URL_FILE)));
    }

    @Test
    void aSocketReachedThroughALinkIsRefusedAndSoAreCredentialsThatAreNotStrings() throws Exception {
        Path dir = privateDir("jmx");
        MBeanServer server = MBeanServerFactory.newMBeanServer("dev.faultline");
        UnixJmx.Served served =
                UnixJmx.serve(dir, "another-secret", server, LoggerFactory.getLogger(UnixJmxTest.class));
        try {
            Path socket = dir.resolve(UnixJmx.SOCKET);
            Path link = Files.createSymbolicLink(work.resolve("link.sock"), socket);
            IOException viaLink = assertThrows(
                    IOException.class,
                    () -> UnixJmx.connect(link, socket.toString(), served.url(), "another-secret", uid, pid));
            assertTrue(chain(viaLink).contains(link + " is a symbolic link"), chain(viaLink));

            // the login reads a user and a password and nothing else, here as on the TCP port
            UnixJmx.connect(socket, socket.toString(), served.url(), "another-secret", uid, pid)
                    .close();
            RMIConnector raw = new RMIConnector(UnixJmx.readStub(served.url()), Map.of());
            Exception notStrings = assertThrows(
                    Exception.class,
                    () -> raw.connect(Map.of(JMXConnector.CREDENTIALS, new ArrayList<>(List.of("faultline-sidecar")))));
            assertTrue(chain(notStrings).contains("ArrayList"), chain(notStrings));
        } finally {
            served.stop();
        }
    }

    @Test
    void aStubCarryingAnUnexpectedClassIsRefusedAndOtherStreamsAreLeftAlone() throws Exception {
        String url = "service:jmx:rmi://localhost/stub/"
                + Base64.getEncoder().encodeToString(serialized(new File("/etc/passwd")));
        Path socket = work.resolve(UnixJmx.SOCKET);
        IOException e = assertThrows(
                IOException.class, () -> UnixJmx.connect(socket, socket.toString(), url, "secret", uid, pid));
        assertTrue(
                e.getMessage().contains("holds java.io.File") && e.getMessage().contains("refused"), e.toString());
        // the process-wide filter decides only inside a read from a target
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(serialized(new File("/x"))))) {
            assertEquals(new File("/x"), in.readObject());
        }
        assertTrue(assertThrows(
                        IOException.class,
                        () -> UnixJmx.connect(socket, socket.toString(), "service:jmx:rmi://x:1", "s", uid, pid))
                .getMessage()
                .contains("not a stub address"));
    }

    @Test
    void aStubHoldingAnyClassBeyondTheStubsOwnIsRefusedNamingItAndNothingOfItIsRead() throws Exception {
        Path socket = work.resolve(UnixJmx.SOCKET);
        PlantedPayload.READ.set(0);
        // a real connector stub whose client socket factory is the target's own class
        JMXConnectorServer planted = JMXConnectorServerFactory.newJMXConnectorServer(
                new JMXServiceURL("service:jmx:rmi://127.0.0.1"),
                Map.of(RMIConnectorServer.RMI_CLIENT_SOCKET_FACTORY_ATTRIBUTE, new PlantedPayload()),
                MBeanServerFactory.newMBeanServer("dev.faultline"));
        planted.start();
        String stubUrl = planted.getAddress().toString();
        planted.stop();
        // and classes the call replies may hold (TargetFilter allows them there), which no stub holds
        List<Object> list = new ArrayList<>(List.of(new PlantedPayload()));
        Map<String, Object> payloads = Map.of(
                PlantedPayload.class.getName(),
                stubUrl,
                "java.util.ArrayList",
                "service:jmx:rmi://localhost/stub/" + base64(list),
                "javax.management.ObjectName",
                "service:jmx:rmi://localhost/stub/" + base64(new ObjectName("dev.faultline:type=Agent")),
                "java.lang.Integer",
                "service:jmx:rmi://localhost/stub/" + base64(42));
        for (Map.Entry<String, Object> p : payloads.entrySet()) {
            IOException e = assertThrows(
                    IOException.class,
                    () -> UnixJmx.connect(socket, socket.toString(), (String) p.getValue(), "secret", uid, pid),
                    p.getKey());
            assertTrue(
                    e.getMessage().startsWith("the stub in jmx.url holds " + p.getKey() + ", which no connector"),
                    e.getMessage());
        }
        assertEquals(0, PlantedPayload.READ.get(), "no code of the planted class ran");
        // the filter is the stream's own: the process-wide one still lets this process read its own streams
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(serialized(list)))) {
            assertEquals(1, ((List<?>) in.readObject()).size());
        }
        assertEquals(1, PlantedPayload.READ.get());
    }

    private static String base64(Object o) throws IOException {
        return Base64.getEncoder().encodeToString(serialized(o));
    }

    @Test
    void aStubNamingATcpEndpointIsRefusedAndNoByteReachesIt() throws Exception {
        // a real connector stub for 127.0.0.1:P (what a target may write to jmx.url), then a listener on P
        int port;
        try (ServerSocket free = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        JMXConnectorServer tcp = JMXConnectorServerFactory.newJMXConnectorServer(
                new JMXServiceURL("service:jmx:rmi://127.0.0.1:" + port),
                Map.of(),
                MBeanServerFactory.newMBeanServer("dev.faultline"));
        tcp.start();
        String url = tcp.getAddress().toString();
        tcp.stop();
        try (ServerSocket listener = new ServerSocket()) {
            listener.setReuseAddress(true);
            // RMI closes its own listener on P shortly after the stop, on its accept thread
            for (int tries = 0; ; tries++) {
                try {
                    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                    break;
                } catch (BindException stillRmis) {
                    if (tries == 100) throw stillRmis;
                    Thread.sleep(50);
                }
            }
            listener.setSoTimeout(1000);
            Path socket = work.resolve(UnixJmx.SOCKET);
            long t0 = System.nanoTime();
            IOException e = assertThrows(
                    IOException.class, () -> UnixJmx.connect(socket, socket.toString(), url, "secret", uid, pid));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(e.getMessage().contains("refused"), e.toString());
            assertTrue(ms < 5000, "refused at once, not after RMI's handshake timeout: " + ms + " ms");
            // nothing connected, neither during the read nor from RMI's retry thread afterwards
            assertThrows(SocketTimeoutException.class, listener::accept);
        }
    }

    private static String chain(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) b.append(c).append(" <- ");
        return b.toString();
    }

    private static byte[] serialized(Object o) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(b)) {
            out.writeObject(o);
        }
        return b.toByteArray();
    }
}
