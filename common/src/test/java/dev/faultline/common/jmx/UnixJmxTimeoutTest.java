package dev.faultline.common.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A target JVM (a real forked process serving the unix-socket connector) that is SIGSTOPped, as the sidecar's own
 * {@code pause} fault does to a container: a call in flight and a new login both end with a timeout, not a hang.
 */
class UnixJmxTimeoutTest {
    private static final Duration CALL_TIMEOUT = Duration.ofMillis(1500);
    private Path dir;
    private Process target;

    @BeforeEach
    void startTarget() throws Exception {
        Path work = Files.createTempDirectory("unix-jmx-timeout");
        dir = Files.createDirectory(
                work.resolve("jmx"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        target = new ProcessBuilder(
                        java.toString(),
                        "-Xmx64m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        UnixJmxTarget.class.getName(),
                        dir.toString(),
                        "timeout-secret")
                .redirectErrorStream(true)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8));
        // the first "ready" line (SLF4J may warn before it)
        String seen = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            StringBuilder lines = new StringBuilder();
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.equals("ready")) return "ready";
                lines.append(line).append('\n');
            }
            return lines.toString();
        });
        assertEquals("ready", seen, "the target's output");
    }

    @AfterEach
    void stopTarget() throws Exception {
        signal("CONT");
        target.destroyForcibly();
        target.waitFor(10, TimeUnit.SECONDS);
        try (Stream<Path> s = Files.walk(dir.getParent())) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(target.pid())).start();
        assertTrue(kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + name);
    }

    @Test
    void aStoppedTargetFailsTheCallAndTheLoginWithinTheTimeout() throws Exception {
        Path socket = dir.resolve(UnixJmx.SOCKET);
        String url = Files.readString(dir.resolve(UnixJmx.URL_FILE)).trim();
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        ObjectName ping = new ObjectName("dev.faultline:type=Ping");
        JMXConnector c =
                UnixJmx.connect(socket, socket.toString(), url, "timeout-secret", uid, target.pid(), CALL_TIMEOUT);
        assertEquals("pong", c.getMBeanServerConnection().getAttribute(ping, "Name"));
        signal("STOP");
        long t = System.nanoTime();
        Exception stuck = assertTimeoutPreemptively(
                Duration.ofSeconds(20),
                () -> assertThrows(
                        Exception.class, () -> c.getMBeanServerConnection().getAttribute(ping, "Name")));
        System.out.println("[unix-jmx-timeout] a call to the stopped target failed after "
                + (System.nanoTime() - t) / 1_000_000 + " ms (RMI retries on a fresh connection once)");
        assertTrue(chain(stuck).contains("SocketTimeoutException"), chain(stuck));
        // closing tells the target, so it fails the same way, bounded too
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try {
                c.close();
            } catch (IOException expected) {
                // the stopped target did not hear it
            }
        });
        long t0 = System.nanoTime();
        IOException login = assertTimeoutPreemptively(
                Duration.ofSeconds(20),
                () -> assertThrows(
                        IOException.class,
                        () -> UnixJmx.connect(
                                socket, socket.toString(), url, "timeout-secret", uid, target.pid(), CALL_TIMEOUT)));
        System.out.println("[unix-jmx-timeout] a login to the stopped target failed after "
                + (System.nanoTime() - t0) / 1_000_000 + " ms: " + login);
        assertTrue(chain(login).contains("SocketTimeoutException"), chain(login));
        // and the connector works again once the target runs
        signal("CONT");
        try (JMXConnector again =
                UnixJmx.connect(socket, socket.toString(), url, "timeout-secret", uid, target.pid(), CALL_TIMEOUT)) {
            assertEquals("pong", again.getMBeanServerConnection().getAttribute(ping, "Name"));
        }
    }

    private static String chain(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) b.append(c).append(" <- ");
        return b.toString();
    }
}
