package dev.faultline.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.VirtualMachine;
import dev.faultline.common.jmx.UnixJmx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sidecar's way into a JVM (#23), agent side, on JDK 17 and 25: a service started WITHOUT the agent is attached
 * with the JDK attach API from a copy of the agent jar, which is then replaced by garbage before the first add()
 * (the sidecar hands the jar over as /proc/&lt;helper&gt;/fd/3 and kills the helper: the agent must never reopen
 * it by path). Control goes over {@code jmx.unix} with the per-attach secret through {@link UnixJmx#connect}; a
 * second attach is a command ({@code cmd=clear}) or fails naming why. One forked service per JDK.
 */
class UnixSocketJmxIT {
    static final ObjectName AGENT = ForkedService.AGENT;
    static final String[] STRING = {String.class.getName()};

    static List<Jdks.Jdk> jdks() {
        return Jdks.all();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void attachServeOnAUnixSocketControlAndClearByASecondAttach(Jdks.Jdk jdk) throws Exception {
        Path work = Files.createTempDirectory("faultline-unix-jmx");
        Path jar = work.resolve("agent-handed-over.jar");
        Files.copy(Path.of(ForkedService.AGENT_JAR), jar);
        Path dir = Files.createDirectory(
                work.resolve("jmx"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path link = Files.createSymbolicLink(work.resolve("jmx-link"), dir);
        String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(24));
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        try (ServerSocket upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                ForkedService svc = ForkedService.builder(jdk)
                        .withoutAgent()
                        .jvmArg("-XX:+EnableDynamicAgentLoading")
                        .start()) {
            String connect = "connect 127.0.0.1 " + upstream.getLocalPort() + " 2000";
            assertTrue(svc.send(connect).startsWith("OK connected"));
            VirtualMachine vm =
                    VirtualMachine.attach(String.valueOf(svc.process().pid()));
            try {
                // the first attach names a symlink for jmx.unix: the agent loads, the connector is refused, the attach
                // fails
                AgentInitializationException symlink = assertThrows(
                        AgentInitializationException.class,
                        () -> vm.loadAgent(jar.toString(), "jmx.unix=" + link + ",jmx.unix.secret=" + secret));
                assertTrue(
                        attachOutcome(vm).startsWith("refused: ")
                                && attachOutcome(vm).contains("symbolic link"),
                        "why, for the attacher: " + attachOutcome(vm) + " / " + symlink);
                assertTrue(vm.getSystemProperties().getProperty("dev.faultline.agent.started") != null);
                assertFalse(Files.exists(dir.resolve(UnixJmx.SOCKET)), "nothing served through the link");

                // a second attach adding jmx.unix starts it, since none is served yet
                vm.loadAgent(jar.toString(), "jmx.unix=" + dir + ",jmx.unix.secret=" + secret);
                assertEquals("ok", attachOutcome(vm));
                assertEquals(dir.toString(), vm.getSystemProperties().getProperty("dev.faultline.agent.jmx.unix"));
                Path socket = dir.resolve(UnixJmx.SOCKET);
                Path urlFile = dir.resolve(UnixJmx.URL_FILE);
                assertEquals("rw-------", mode(socket));
                assertEquals("rw-------", mode(urlFile));

                // the jar the agent was loaded from is gone, and garbage sits at its path: the first add() installs
                // the hooks from inst/ of the jar the agent holds open
                Files.delete(jar);
                Files.write(jar, new byte[] {'n', 'o', 't', ' ', 'a', ' ', 'j', 'a', 'r'});
                String url = Files.readString(urlFile).trim();
                // before any connection to it is pooled: every new connection checks who serves the socket
                IOException otherUid = assertThrows(
                        IOException.class,
                        () -> UnixJmx.connect(
                                socket,
                                socket.toString(),
                                url,
                                secret,
                                uid + 1,
                                svc.process().pid()));
                assertTrue(chain(otherUid).contains("not as the expected uid " + (uid + 1)), chain(otherUid));
                try (JMXConnector c = UnixJmx.connect(
                        socket,
                        socket.toString(),
                        url,
                        secret,
                        uid,
                        svc.process().pid())) {
                    MBeanServerConnection jmx = c.getMBeanServerConnection();
                    String id = (String) jmx.invoke(
                            AGENT,
                            "add",
                            new Object[] {
                                "error on=connect port=" + upstream.getLocalPort() + " message=injected-over-unix-jmx"
                            },
                            STRING);
                    assertTrue(id.startsWith("f"), id);
                    String faulted = svc.send(connect);
                    assertTrue(faulted.contains("injected-over-unix-jmx"), "the fault acts: " + faulted);
                    assertEquals(1, ((String[]) jmx.invoke(AGENT, "list", new Object[0], new String[0])).length);
                    assertEquals(
                            List.of(),
                            openedByPath(svc.process().pid(), jar),
                            "the garbage at the jar's path is never opened");
                    SecurityException runtime = assertThrows(
                            SecurityException.class,
                            () -> jmx.getAttribute(new ObjectName("java.lang:type=Runtime"), "InputArguments"));
                    assertTrue(runtime.getMessage().contains("not a Faultline MBean"), runtime.getMessage());

                    // the kill switch needing no connection
                    // (from the build's jar: the path the first one came from holds garbage now, as a killed helper's
                    // /proc/<pid>/fd/3 would be gone)
                    vm.loadAgent(ForkedService.AGENT_JAR, "cmd=clear");
                    assertEquals("ok", attachOutcome(vm));
                    assertTrue(svc.send(connect).startsWith("OK connected"), "cmd=clear disarmed the fault");
                    assertEquals(0, ((String[]) jmx.invoke(AGENT, "list", new Object[0], new String[0])).length);
                }
                SecurityException wrong = assertThrows(
                        SecurityException.class,
                        () -> UnixJmx.connect(
                                socket,
                                socket.toString(),
                                url,
                                secret + "x",
                                uid,
                                svc.process().pid()));
                assertTrue(wrong.getMessage().contains("authentication failed"), wrong.toString());

                // a second attach that changes nothing, or that asks for what only a first load can do, fails
                assertThrows(AgentInitializationException.class, () -> vm.loadAgent(ForkedService.AGENT_JAR, null));
                assertTrue(attachOutcome(vm).contains("changes nothing"), attachOutcome(vm));
                assertThrows(
                        AgentInitializationException.class,
                        () -> vm.loadAgent(ForkedService.AGENT_JAR, "jmx.port=" + ForkedService.freePort()));
                assertTrue(
                        attachOutcome(vm).contains("jmx.port=")
                                && attachOutcome(vm).contains("cannot change"),
                        attachOutcome(vm));
                assertThrows(
                        AgentInitializationException.class,
                        () -> vm.loadAgent(ForkedService.AGENT_JAR, "jmx.unix=" + dir + ",jmx.unix.secret=" + secret));
                assertTrue(attachOutcome(vm).contains("already"), attachOutcome(vm));

                // another directory and secret: a later sidecar (the one that made the first is gone) takes over; the
                // first socket and address file go, and only the new secret logs in
                Path dir2 = Files.createDirectory(
                        work.resolve("jmx2"),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                String secret2 = HexFormat.of().formatHex(new SecureRandom().generateSeed(24));
                vm.loadAgent(ForkedService.AGENT_JAR, "jmx.unix=" + dir2 + ",jmx.unix.secret=" + secret2);
                assertEquals("ok", attachOutcome(vm));
                assertEquals(dir2.toString(), vm.getSystemProperties().getProperty("dev.faultline.agent.jmx.unix"));
                assertFalse(
                        Files.exists(socket) || Files.exists(urlFile), "the first socket and address file are gone");
                Path socket2 = dir2.resolve(UnixJmx.SOCKET);
                String url2 = Files.readString(dir2.resolve(UnixJmx.URL_FILE)).trim();
                try (JMXConnector c = UnixJmx.connect(
                        socket2,
                        socket2.toString(),
                        url2,
                        secret2,
                        uid,
                        svc.process().pid())) {
                    assertEquals(
                            0,
                            ((String[]) c.getMBeanServerConnection()
                                            .invoke(AGENT, "list", new Object[0], new String[0]))
                                    .length);
                }
                assertThrows(
                        SecurityException.class,
                        () -> UnixJmx.connect(
                                socket2,
                                socket2.toString(),
                                url2,
                                secret,
                                uid,
                                svc.process().pid()));
            } finally {
                vm.detach();
            }
            assertTrue(svc.process().isAlive());
            assertFalse(svc.stderr().contains(secret), "the secret is never printed: " + svc.stderr());
            assertTrue(svc.stderr().contains("cmd=clear (a second attach): 1 faults disarmed"), svc.stderr());
        } finally {
            deleteTree(work);
        }
    }

    /**
     * A service started with {@code -javaagent} and {@code jmx.unix} but no secret: the connector is refused with a
     * log line; the sidecar's later attach with the secret starts it (nothing served yet), and the fault acts.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void aJvmStartedWithTheAgentGetsItsUnixSocketFromALaterAttach(Jdks.Jdk jdk) throws Exception {
        Path work = Files.createTempDirectory("faultline-unix-jmx-premain");
        Path dir = Files.createDirectory(
                work.resolve("jmx"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(24));
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        try (ServerSocket upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                ForkedService svc = ForkedService.builder(jdk)
                        .withoutRemoteJmx()
                        .agentArgs("jmx.unix=" + dir)
                        .start()) {
            assertTrue(
                    svc.stderrShows("a connector nobody could log in to; not started", Duration.ofSeconds(20)),
                    svc.stderr());
            assertFalse(Files.exists(dir.resolve(UnixJmx.SOCKET)));
            VirtualMachine vm =
                    VirtualMachine.attach(String.valueOf(svc.process().pid()));
            try {
                vm.loadAgent(ForkedService.AGENT_JAR, "jmx.unix=" + dir + ",jmx.unix.secret=" + secret);
                assertEquals("ok", attachOutcome(vm));
            } finally {
                vm.detach();
            }
            Path socket = dir.resolve(UnixJmx.SOCKET);
            String url = Files.readString(dir.resolve(UnixJmx.URL_FILE)).trim();
            try (JMXConnector c = UnixJmx.connect(
                    socket, socket.toString(), url, secret, uid, svc.process().pid())) {
                c.getMBeanServerConnection()
                        .invoke(
                                AGENT,
                                "add",
                                new Object[] {
                                    "error on=connect port=" + upstream.getLocalPort() + " message=premain-unix"
                                },
                                STRING);
                String faulted = svc.send("connect 127.0.0.1 " + upstream.getLocalPort() + " 2000");
                assertTrue(faulted.contains("premain-unix"), faulted);
            }
            assertFalse(svc.stderr().contains(secret), svc.stderr());
        } finally {
            deleteTree(work);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aSecretGivenInAFileIsReadOnceAndIsInNoOptionsStringJfrRecords(Jdks.Jdk jdk) throws Exception {
        Path work = Files.createTempDirectory("faultline-unix-secret");
        Path dir = Files.createDirectory(
                work.resolve("jmx"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path other = Files.createDirectory(
                work.resolve("jmx2"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path recording = work.resolve("attach.jfr");
        String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(24));
        String inOptions = "in-options-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(8));
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        // what the sidecar does: the secret in a file of the directory it made, 0400, not in the options
        Path secretFile = dir.resolve(UnixJmx.SECRET_FILE);
        Files.writeString(
                Files.createFile(
                        secretFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r--------"))),
                secret);
        try (ForkedService svc = ForkedService.builder(jdk)
                .withoutAgent()
                .jvmArg("-XX:+EnableDynamicAgentLoading", "-XX:StartFlightRecording")
                .start()) {
            long pid = svc.process().pid();
            VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid));
            try {
                vm.loadAgent(ForkedService.AGENT_JAR, "jmx.unix=" + dir);
                assertEquals("ok", attachOutcome(vm));
                assertFalse(Files.exists(secretFile, LinkOption.NOFOLLOW_LINKS), "read once and deleted");
                Path socket = dir.resolve(UnixJmx.SOCKET);
                String url = Files.readString(dir.resolve(UnixJmx.URL_FILE)).trim();
                try (JMXConnector c = UnixJmx.connect(socket, socket.toString(), url, secret, uid, pid)) {
                    assertEquals(
                            0,
                            ((String[]) c.getMBeanServerConnection()
                                            .invoke(AGENT, "list", new Object[0], new String[0]))
                                    .length,
                            "logged in with the secret from the file");
                }
                // without a file (it is gone) and without the option: refused, naming the file, not started
                AgentInitializationException none = assertThrows(
                        AgentInitializationException.class,
                        () -> vm.loadAgent(ForkedService.AGENT_JAR, "jmx.unix=" + other));
                assertTrue(
                        attachOutcome(vm).contains(other.resolve(UnixJmx.SECRET_FILE) + " does not exist"),
                        attachOutcome(vm) + " / " + none);
                // the contrast: a secret given the other way, in the options string (faultline attach's way)
                vm.loadAgent(ForkedService.AGENT_JAR, "jmx.unix=" + other + ",jmx.unix.secret=" + inOptions);
                assertEquals("ok", attachOutcome(vm));

                // review-23 finding 8: the sidecar done, cmd=close leaves nothing of the connector in the service
                String jcmd = Path.of(jdk.home(), "bin", "jcmd").toString();
                assertTrue(run(jcmd, String.valueOf(pid), "Thread.print").contains("\"RMI TCP Accept"));
                vm.loadAgent(ForkedService.AGENT_JAR, "cmd=close");
                assertEquals("ok", attachOutcome(vm));
                assertFalse(Files.exists(other.resolve(UnixJmx.SOCKET), LinkOption.NOFOLLOW_LINKS));
                assertEquals(null, vm.getSystemProperties().getProperty("dev.faultline.agent.jmx.unix"));
                String threads = "";
                for (long end = System.nanoTime() + 10_000_000_000L; System.nanoTime() < end; Thread.sleep(200)) {
                    threads = rmiThreads(run(jcmd, String.valueOf(pid), "Thread.print"));
                    if (threads.isEmpty()) break;
                }
                assertEquals("", threads, "no RMI listener or connection thread left in the service");
                assertThrows(
                        AgentInitializationException.class, () -> vm.loadAgent(ForkedService.AGENT_JAR, "cmd=close"));
                assertTrue(attachOutcome(vm).contains("nothing changed"), attachOutcome(vm));
            } finally {
                vm.detach();
            }
            String dumped = run(
                    Path.of(jdk.home(), "bin", "jcmd").toString(),
                    String.valueOf(pid),
                    "JFR.dump",
                    "filename=" + recording);
            assertTrue(Files.size(recording) > 0, dumped);
            byte[] raw = Files.readAllBytes(recording);
            assertFalse(contains(raw, secret), "the file's secret is nowhere in the recording");
            if (jdk.feature() < 22) {
                System.out.println("[faultline-it] " + jdk + ": no jdk.JavaAgent event before JDK 22; checked that the"
                        + " recording holds no secret only");
                return;
            }
            String agents = run(
                    Path.of(jdk.home(), "bin", "jfr").toString(),
                    "print",
                    "--events",
                    "jdk.JavaAgent",
                    recording.toString());
            assertTrue(agents.contains("jmx.unix=" + dir + "\""), "the event records the options: " + agents);
            assertFalse(agents.contains(secret), agents);
            assertTrue(agents.contains(inOptions), "what the options carry is recorded: " + agents);
        } finally {
            deleteTree(work);
        }
    }

    /** The RMI threads of a thread dump that serve a connector: its listener, and connections not idle. */
    static String rmiThreads(String dump) {
        StringBuilder b = new StringBuilder();
        for (String line : dump.split("\n")) {
            if (line.startsWith("\"RMI TCP Accept")
                    || (line.startsWith("\"RMI TCP Connection(") && !line.contains("(idle)")))
                b.append(line).append('\n');
        }
        return b.toString();
    }

    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IOException(String.join(" ", command) + " failed: " + out);
        return out;
    }

    static boolean contains(byte[] haystack, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + n.length <= haystack.length; i++) {
            for (int j = 0; j < n.length; j++) if (haystack[i + j] != n[j]) continue outer;
            return true;
        }
        return false;
    }

    /** The target's descriptors open on the file now at {@code path} (one opened before it was replaced shows "(deleted)"). */
    static List<String> openedByPath(long pid, Path path) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            return fds.map(fd -> {
                        try {
                            return fd + " -> " + Files.readSymbolicLink(fd);
                        } catch (IOException gone) {
                            return "";
                        }
                    })
                    .filter(l -> l.endsWith(" -> " + path))
                    .toList();
        }
    }

    static String attachOutcome(VirtualMachine vm) throws IOException {
        return String.valueOf(vm.getSystemProperties().getProperty("dev.faultline.agent.attach"));
    }

    static String chain(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) b.append(c).append(" <- ");
        return b.toString();
    }

    static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
