package dev.faultline.sidecar.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.common.jmx.Credentials;
import dev.faultline.common.jmx.JmxClient;
import dev.faultline.common.probe.OtherUser;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import javax.management.BadAttributeValueExpException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar daemon runs as root and holds the engine socket: its port must give a neighbour nothing. Seen from
 * outside the process: a second OS user, readonly and readwrite operators, a pre-login payload.
 */
class SidecarRemoteAccessIT {
    static final String SIDECAR = "dev.faultline:type=Sidecar";

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aSecondOsUserGetsNothingWithoutThePasswordAndOnlyFaultlineWithIt() throws Exception {
        OtherUser.ensure();
        int port = freePort();
        Path file;
        try (RunningDaemon daemon = new RunningDaemon(List.of("daemon", "--jmx-port", String.valueOf(port)))) {
            Credentials generated = daemon.sidecar.credentials(port);
            file = Credentials.generatedFile(daemon.sidecar.journal.getParent(), port);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertTrue(daemon.logged("password-file=" + file), daemon.output());
            assertFalse(daemon.output().contains(generated.password()), "the log never holds the secret");
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();

            OtherUser.Result anonymous = OtherUser.probe(java, port, file, SIDECAR, "stopAll", "");
            assertTrue(anonymous.line("READ-PASSWORD-FILE").contains("refused AccessDeniedException"), anonymous.out());
            assertTrue(
                    anonymous
                            .line("CONNECT")
                            .startsWith(
                                    "CONNECT refused SecurityException: Authentication failed! Credentials required"),
                    anonymous.out());
            OtherUser.Result wrong = OtherUser.probe(java, port, file, SIDECAR, "stopAll", generated.user() + " guess");
            assertTrue(wrong.line("CONNECT").startsWith("CONNECT refused FailedLoginException"), wrong.out());

            OtherUser.Result given = OtherUser.probe(
                    java, port, file, SIDECAR, "stopAll", generated.user() + " " + generated.password());
            assertEquals("CONNECT ok", given.line("CONNECT"), given.out());
            String names = given.line("NAMES");
            assertTrue(names.contains(SIDECAR), names);
            for (String name : names.substring(names.indexOf('[') + 1, names.lastIndexOf(']'))
                    .split(", ")) {
                assertTrue(
                        name.startsWith("dev.faultline:") || name.equals("JMImplementation:type=MBeanServerDelegate"),
                        "only Faultline on the wire: " + name);
            }
            for (String refused :
                    List.of("MLET", "DIAGNOSTIC-COMMAND", "HOTSPOT-DIAGNOSTIC", "THREADING", "UNREGISTER")) {
                assertTrue(given.line(refused).startsWith(refused + " refused"), given.out());
            }
            assertEquals("LIST ok 0", given.line("LIST"), given.out());
            assertEquals("WRITE ok 0", given.line("WRITE"), given.out());
            assertTrue(daemon.process.isAlive());
        }
        assertFalse(Files.exists(file), "a stopped daemon leaves no generated password behind");
    }

    @Test
    void readonlyMayListButNotRunOrStopAndAStrangerMayDoNothing(@TempDir Path dir) throws Exception {
        Path passwords =
                Files.writeString(dir.resolve("jmx.password"), "viewer v1ew\noperator s3cret\nstranger str4nge\n");
        Path access = Files.writeString(dir.resolve("jmx.access"), "viewer readonly\noperator readwrite\n");
        int port = freePort();
        try (RunningDaemon daemon = new RunningDaemon(List.of(
                        "daemon",
                        "--jmx-port",
                        String.valueOf(port),
                        "--jmx-password-file",
                        passwords.toString(),
                        "--jmx-access-file",
                        access.toString()));
                JMXConnector viewer = JmxClient.await("127.0.0.1", port, new Credentials("viewer", "v1ew"), 30_000);
                JMXConnector operator = JmxClient.connect("127.0.0.1", port, new Credentials("operator", "s3cret"));
                JMXConnector stranger = JmxClient.connect("127.0.0.1", port, new Credentials("stranger", "str4nge"))) {
            ObjectName sidecar = new ObjectName(SIDECAR);
            MBeanServerConnection r = viewer.getMBeanServerConnection();
            assertEquals(
                    0, ((String[]) r.invoke(sidecar, "list", new Object[0], new String[0])).length, "readonly lists");
            assertEquals(0, r.getAttribute(sidecar, "ExperimentsRunning"), "readonly reads attributes");
            Map<String, Object[]> writes = Map.of(
                    "run",
                    new Object[] {"kill --dry-run nothing-here"},
                    "stop",
                    new Object[] {"e1"},
                    "stopAll",
                    new Object[0]);
            for (var w : writes.entrySet()) {
                String[] sig = w.getValue().length == 0 ? new String[0] : new String[] {String.class.getName()};
                SecurityException e = assertThrows(
                        SecurityException.class, () -> r.invoke(sidecar, w.getKey(), w.getValue(), sig), w.getKey());
                assertTrue(e.getMessage().contains("needs the readwrite role"), e.getMessage());
            }
            assertEquals(
                    0,
                    operator.getMBeanServerConnection().invoke(sidecar, "stopAll", new Object[0], new String[0]),
                    "readwrite may");
            assertThrows(
                    SecurityException.class,
                    () -> stranger.getMBeanServerConnection().invoke(sidecar, "list", new Object[0], new String[0]));
            for (MBeanServerConnection any : List.of(r, operator.getMBeanServerConnection())) {
                assertThrows(
                        SecurityException.class,
                        () -> any.createMBean("javax.management.loading.MLet", new ObjectName("x:type=MLet")));
                assertThrows(
                        Exception.class,
                        () -> any.invoke(
                                new ObjectName("com.sun.management:type=DiagnosticCommand"),
                                "vmSystemProperties",
                                new Object[0],
                                new String[0]));
            }
            assertTrue(daemon.process.isAlive());
        }
    }

    @Test
    void aPreAuthenticationPayloadThatIsNotStringsIsRefusedAndLogged() throws Exception {
        int port = freePort();
        try (RunningDaemon daemon = new RunningDaemon(List.of("daemon", "--jmx-port", String.valueOf(port)))) {
            Credentials generated = daemon.sidecar.credentials(port);
            JmxClient.await("127.0.0.1", port, generated, 30_000).close();
            Exception e = assertThrows(
                    Exception.class,
                    () -> JMXConnectorFactory.connect(
                            JmxClient.url("127.0.0.1", port),
                            Map.of(JMXConnector.CREDENTIALS, new BadAttributeValueExpException("gadget"))));
            assertTrue(
                    String.valueOf(e).contains("before authentication")
                            || String.valueOf(e.getCause()).contains("before authentication"),
                    "refused: " + e);
            assertTrue(
                    daemon.logged(
                            "refused a javax.management.BadAttributeValueExpException sent by 127.0.0.1 before authentication"),
                    daemon.output());
            try (JMXConnector again = JmxClient.connect("127.0.0.1", port, generated)) {
                assertEquals(
                        0,
                        ((String[]) again.getMBeanServerConnection()
                                        .invoke(new ObjectName(SIDECAR), "list", new Object[0], new String[0]))
                                .length,
                        "the daemon keeps serving");
            }
        }
    }
}
