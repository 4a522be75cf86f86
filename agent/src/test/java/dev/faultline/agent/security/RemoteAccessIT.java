package dev.faultline.agent.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.agent.it.ForkedService;
import dev.faultline.agent.it.Jdks;
import dev.faultline.common.jmx.Credentials;
import dev.faultline.common.jmx.JmxClient;
import dev.faultline.common.probe.OtherUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.BadAttributeValueExpException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent's control plane seen from outside the process: a second OS user, an attacker's pre-login payload,
 * readonly and readwrite operators, and class names that must stay names.
 */
class RemoteAccessIT {
    static List<Jdks.Jdk> jdks() {
        return Jdks.all();
    }

    static OtherUser.Result probeAs(Jdks.Jdk jdk, int port, Path passwordFile, String login) throws Exception {
        return OtherUser.probe(jdk.java(), port, passwordFile, ForkedService.AGENT.toString(), "clear", login);
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aSecondOsUserGetsNothingWithoutThePasswordAndOnlyFaultlineWithIt(Jdks.Jdk jdk) throws Exception {
        OtherUser.ensure();
        try (ForkedService svc = ForkedService.builder(jdk).start()) { // defaults: nothing about auth given
            Credentials generated = ForkedService.credentials(svc.jmxPort());
            Path file = Credentials.generatedFile(ForkedService.CREDENTIALS_DIR, svc.jmxPort());
            assertEquals(
                    "rw-------",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                    "the generated password file");
            long deadline = System.currentTimeMillis() + 10_000; // the log line follows the file
            while (!svc.stderr().contains(file.toString()) && System.currentTimeMillis() < deadline) Thread.sleep(20);
            assertTrue(
                    svc.stderr().contains(file.toString()) && !svc.stderr().contains(generated.password()),
                    "the log names the file, never the secret:\n" + svc.stderr());

            OtherUser.Result anonymous = probeAs(jdk, svc.jmxPort(), file, "");
            assertTrue(anonymous.line("READ-PASSWORD-FILE").contains("refused AccessDeniedException"), anonymous.out());
            assertTrue(
                    anonymous
                            .line("CONNECT")
                            .startsWith(
                                    "CONNECT refused SecurityException: Authentication failed! Credentials required"),
                    anonymous.out());

            OtherUser.Result wrong = probeAs(jdk, svc.jmxPort(), file, generated.user() + " not-the-password");
            assertTrue(
                    wrong.line("CONNECT")
                            .startsWith("CONNECT refused FailedLoginException: Invalid username or password"),
                    wrong.out());

            svc.add("latency on=read port=1 delay=1ms");
            OtherUser.Result given = probeAs(jdk, svc.jmxPort(), file, generated.user() + " " + generated.password());
            assertEquals("CONNECT ok", given.line("CONNECT"), given.out());
            String names = given.line("NAMES");
            assertTrue(names.contains("dev.faultline:type=Agent"), names);
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
            assertEquals("LIST ok 1", given.line("LIST"), given.out());
            assertEquals(
                    "WRITE ok 1", given.line("WRITE"), "with the password the operator may clear(): " + given.out());
            assertEquals(0, svc.list().length);
            assertTrue(svc.process().isAlive());
            // local tools of the same user still find the MBean in the platform server (jconsole's local attach)
            assertTrue(
                    svc.send("platform-mbean dev.faultline:type=Agent").startsWith("OK"),
                    "the platform server keeps our MBeans");
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void readonlyMayListAndReadButNotChangeAndNoRoleMayCreateMBeans(Jdks.Jdk jdk, @TempDir Path dir) throws Exception {
        Path passwords =
                Files.writeString(dir.resolve("jmx.password"), "reader r3ad\noperator s3cret\nstranger str4nge\n");
        Path access = Files.writeString(dir.resolve("jmx.access"), "reader readonly\noperator readwrite\n");
        try (ForkedService svc = ForkedService.builder(jdk)
                .agentArgs("jmx.auth=" + passwords + ",jmx.access=" + access)
                .start()) {
            ObjectName agent = ForkedService.AGENT;
            try (JMXConnector reader =
                            JmxClient.await("127.0.0.1", svc.jmxPort(), new Credentials("reader", "r3ad"), 20_000);
                    JMXConnector operator =
                            JmxClient.connect("127.0.0.1", svc.jmxPort(), new Credentials("operator", "s3cret"));
                    JMXConnector stranger =
                            JmxClient.connect("127.0.0.1", svc.jmxPort(), new Credentials("stranger", "str4nge"))) {
                MBeanServerConnection r = reader.getMBeanServerConnection();
                MBeanServerConnection w = operator.getMBeanServerConnection();
                String id = (String)
                        w.invoke(agent, "add", new Object[] {"latency on=read port=1 delay=1ms"}, new String[] {
                            String.class.getName()
                        });
                assertEquals(
                        1, ((String[]) r.invoke(agent, "list", new Object[0], new String[0])).length, "readonly lists");
                assertEquals(true, r.getAttribute(agent, "Armed"), "readonly reads attributes");
                for (String op : List.of("add", "remove", "clear")) {
                    Object[] args =
                            op.equals("clear") ? new Object[0] : new Object[] {op.equals("add") ? "error on=read" : id};
                    String[] sig = op.equals("clear") ? new String[0] : new String[] {String.class.getName()};
                    SecurityException e =
                            assertThrows(SecurityException.class, () -> r.invoke(agent, op, args, sig), op);
                    assertTrue(e.getMessage().contains("readwrite"), e.getMessage());
                }
                assertEquals(
                        1,
                        ((String[]) w.invoke(agent, "list", new Object[0], new String[0])).length,
                        "the readonly refusals changed nothing");
                assertThrows(
                        SecurityException.class,
                        () -> stranger.getMBeanServerConnection().invoke(agent, "list", new Object[0], new String[0]),
                        "a user the access file does not name may do nothing");
                for (MBeanServerConnection any : List.of(r, w)) {
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
                    assertThrows(SecurityException.class, () -> any.unregisterMBean(agent));
                }
                assertEquals(1, w.invoke(agent, "clear", new Object[0], new String[0]));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aPreAuthenticationPayloadThatIsNotStringsIsRefusedAndLogged(Jdks.Jdk jdk) throws Exception {
        try (ForkedService svc = ForkedService.builder(jdk).start()) {
            svc.list(); // up and answering
            // BadAttributeValueExpException is the classic entry of deserialisation gadget chains
            for (Object payload : List.of(
                    new ArrayList<>(List.of("faultline", "x")),
                    new BadAttributeValueExpException("gadget"),
                    new HashMap<>(Map.of("k", "v")))) {
                Exception e = assertThrows(
                        Exception.class,
                        () -> JMXConnectorFactory.connect(
                                JmxClient.url("127.0.0.1", svc.jmxPort()), Map.of(JMXConnector.CREDENTIALS, payload)));
                assertTrue(
                        String.valueOf(e).contains("before authentication")
                                || String.valueOf(e.getCause()).contains("before authentication"),
                        "refused: " + e);
                String logged =
                        "refused a " + payload.getClass().getName() + " sent by 127.0.0.1 before authentication";
                long deadline = System.currentTimeMillis() + 5000;
                while (!svc.stderr().contains(logged) && System.currentTimeMillis() < deadline) Thread.sleep(20);
                assertTrue(svc.stderr().contains(logged), "logged: " + svc.stderr());
            }
            try (JMXConnector again = svc.connect()) {
                assertEquals(
                        0,
                        ((String[]) again.getMBeanServerConnection()
                                        .invoke(ForkedService.AGENT, "list", new Object[0], new String[0]))
                                .length,
                        "the process keeps serving");
            }
        }
    }

    @Test
    void authenticationOffIsExplicitLoopbackOnlyAndWarned() throws Exception {
        try (ForkedService svc =
                ForkedService.builder(Jdks.current()).agentArgs("jmx.auth=none").start()) {
            try (JMXConnector c = JmxClient.await("127.0.0.1", svc.jmxPort(), null, 20_000)) {
                assertEquals(
                        0,
                        ((String[]) c.getMBeanServerConnection()
                                        .invoke(ForkedService.AGENT, "list", new Object[0], new String[0]))
                                .length);
            }
            assertTrue(svc.stderr().contains("authentication is OFF"), svc.stderr());
        }
        try (ForkedService svc = ForkedService.builder(Jdks.current())
                .agentArgs("jmx.host=0.0.0.0,jmx.auth=none")
                .start()) {
            assertTrue(svc.stderr().contains("jmx.auth=none is allowed only on loopback"), svc.stderr());
            assertTrue(
                    svc.send("connect 127.0.0.1 1 200").startsWith("ERR")
                            || svc.process().isAlive(),
                    "the service runs on without the agent");
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void anExceptionClassIsCheckedWithoutInitialisingIt(Jdks.Jdk jdk) throws Exception {
        try (ForkedService svc = ForkedService.builder(jdk).start()) {
            RuntimeMBeanException notThrowable = assertThrows(
                    RuntimeMBeanException.class,
                    () -> svc.add("error on=read exception=" + StaticSideEffect.class.getName()));
            assertTrue(
                    notThrowable.getCause().getMessage().contains("not a Throwable"),
                    notThrowable.getCause().getMessage());
            RuntimeMBeanException missing =
                    assertThrows(RuntimeMBeanException.class, () -> svc.add("error on=read exception=com.acme.Nope"));
            assertTrue(
                    missing.getCause().getMessage().contains("no such class"),
                    missing.getCause().getMessage());
            String id = svc.add("error on=read port=1 exception=" + StaticSideEffectException.class.getName());
            assertTrue(svc.remove(id));
            Thread.sleep(200);
            assertFalse(
                    svc.stderr().contains("STATIC-INITIALISER-RAN"),
                    "no class named over JMX was initialised:\n" + svc.stderr());
            assertEquals(0, svc.list().length);
        }
    }

    @Test
    void theSecondUsersProbeCannotReadTheCredentialsDirectory() throws Exception {
        OtherUser.ensure();
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(ForkedService.CREDENTIALS_DIR);
        assertEquals("rwx------", PosixFilePermissions.toString(perms), "the generated password's directory");
    }
}
