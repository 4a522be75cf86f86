package dev.faultline.sidecar.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.common.jmx.UnixJmx;
import dev.faultline.sidecar.jvmcontrol.AttachSecret;
import dev.faultline.sidecar.jvmcontrol.ControlDirectory;
import dev.faultline.sidecar.runtime.docker.DockerHost;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Review-23 finding 1 from outside: the target container's own user (uid 4321, the JVM's) swaps the JVM's socket for
 * a listener of its own after the JVM made it: HotSpot's attach socket. Every file check and {@code SO_PEERCRED}'s
 * uid pass for that listener; the sidecar must still send it nothing (no attach request, no agent options with the
 * secret) and refuse, naming the cause.
 */
class AttachSocketSwapIT {
    /** How long the impostor listens: the sidecar's refusals take well under a second. */
    static final long LISTENS_MS = 5_000;

    static DockerHost docker;

    @BeforeAll
    static void engine() {
        docker = DockerHost.require();
        if (DockerHost.exec(List.of("docker", "image", "inspect", JvmAttachIT.JRE17))
                .startsWith("ERR")) {
            String why = JvmAttachIT.JRE17 + " missing (.ci/images.sh builds it)";
            if ("true".equals(System.getenv("CI"))) throw new AssertionError("CI: " + why);
            System.out.println("[faultline-sidecar-it] SKIPPED: " + why);
            Assumptions.abort(why);
        }
    }

    @AfterAll
    static void clean() {
        if (docker != null) docker.close();
    }

    /** The container's user running {@link SocketSwapper} on {@code socket} (a path in the container). */
    record Swapper(Process process, BufferedReader out) {
        static Swapper start(String container, String socket) throws IOException {
            return start(container, socket, "swap");
        }

        static Swapper start(String container, String socket, String mode) throws IOException {
            Process p = new ProcessBuilder(
                            "docker",
                            "exec",
                            "-u",
                            "4321:4321",
                            container,
                            "java",
                            "-cp",
                            "/app",
                            SocketSwapper.class.getName(),
                            socket,
                            Long.toString(LISTENS_MS),
                            mode)
                    .redirectErrorStream(true)
                    .start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertTrue(first != null && first.startsWith("swapped"), "the swapper did not swap: " + first);
            return new Swapper(p, out);
        }

        /** Everything it printed about the connections it received, once its time is over. */
        String stop() throws Exception {
            StringBuilder b = new StringBuilder();
            String line;
            while ((line = out.readLine()) != null) b.append(line).append('\n');
            if (!process.waitFor(LISTENS_MS + 10_000, TimeUnit.MILLISECONDS)) process.destroyForcibly();
            return b.toString();
        }
    }

    @Test
    void aListenerSwappedInByTheContainersUserGetsNothingAndTheSidecarRefusesNamingWhy() throws Exception {
        String secret = "swap-it-secret-" + System.nanoTime();
        String name = JvmAttachIT.startJvm(docker, JvmAttachIT.JRE17, List.of(), List.of());
        long pid = docker.pid(name);
        JvmProcess p = new JvmAttacher().probe(new JvmFinder().find(pid).get(0)); // HotSpot's listener is up now
        Path tmp = Path.of("/proc", Long.toString(pid), "root", "tmp");

        // 1. the attach socket: neither the properties request nor a load carrying the secret reaches the impostor
        Swapper attachSwap = Swapper.start(name, "/tmp/.java_pid1");
        long t0 = System.nanoTime();
        AttachRefusedException e = assertThrows(
                AttachRefusedException.class,
                () -> new JvmAttacher().attach(p, "jmx.unix=/tmp/fl-jmx,jmx.unix.secret=" + secret));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("[attach-swap-it] attach refused in " + ms + " ms: " + e.getMessage());
        assertTrue(e.getMessage().contains("served by a process other than the JVM (pid " + pid + ")"), e.getMessage());
        assertTrue(e.getMessage().contains("swapped"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
        assertTrue(ms < 2000, "refused in " + ms + " ms");
        AttachRefusedException load = assertThrows(
                AttachRefusedException.class,
                () -> new HotSpotAttach(p)
                        .loadAgent(
                                "/tmp/none.jar",
                                "jmx.unix=/tmp/fl-jmx,jmx.unix.secret=" + secret,
                                Duration.ofSeconds(5)));
        assertTrue(load.getMessage().contains("served by a process other than the JVM"), load.getMessage());
        String heard = attachSwap.stop();
        System.out.println("[attach-swap-it] the impostor saw:\n" + heard);
        // the connections did reach it (the swap worked), and not one byte came with them
        assertTrue(heard.contains("received 0 bytes"), heard);
        assertFalse(heard.matches("(?s).*received [1-9].*"), heard);
        assertFalse(heard.contains(secret), heard);

        // the real socket back under its name: the same sidecar reaches the JVM itself again
        Files.move(tmp.resolve(".java_pid1.moved"), tmp.resolve(".java_pid1"), StandardCopyOption.REPLACE_EXISTING);
        assertEquals(17, JvmFinder.feature(new JvmAttacher().probe(p).javaVersion()));
        assertEquals("true", docker.inspect(name, "{{.State.Running}}"), "the JVM runs on");
    }

    /**
     * The agent's {@code jmx.sock}, which the sidecar's login (with the per-attach secret) goes to: the container's
     * user binds the name before the agent serves there, and, once the agent serves, swaps its own listener in.
     * The sidecar's own pieces: the control directory with the secret file, its attacher, {@link UnixJmx#connect}
     * as {@code UnixAgentLink} calls it.
     */
    @Test
    void aJmxSocketListenerOfTheContainersUserBoundFirstOrSwappedInGetsNeitherLoginNorSecret() throws Exception {
        String name = JvmAttachIT.startJvm(docker, JvmAttachIT.JRE17, List.of(), List.of());
        long pid = docker.pid(name);
        JvmProcess p = new JvmAttacher().probe(new JvmFinder().find(pid).get(0));
        AttachSecret secret = AttachSecret.generate();
        ControlDirectory dir = ControlDirectory.create(ControlDirectory.rootOf(pid), p.uid(), p.gid(), secret);
        AttachSecret secret2 = AttachSecret.generate();
        ControlDirectory dir2 = ControlDirectory.create(ControlDirectory.rootOf(pid), p.uid(), p.gid(), secret2);
        try {
            // 1. swapped in after the agent serves: refused before a byte is sent, naming why
            new JvmAttacher().attach(p, "jmx.unix=" + dir.inContainer());
            Swapper swap = Swapper.start(name, dir.inContainer() + "/" + UnixJmx.SOCKET);
            long t0 = System.nanoTime();
            IOException e = assertThrows(IOException.class, () -> login(dir, secret, p));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            String why = chain(e);
            System.out.println("[attach-swap-it] jmx.sock login refused in " + ms + " ms: " + why);
            assertTrue(why.contains("served by a process other than the JVM (pid " + pid + ")"), why);
            String heard = swap.stop();
            System.out.println("[attach-swap-it] the impostor on jmx.sock saw:\n" + heard);
            assertTrue(heard.contains("received 0 bytes"), "the connection reached it: " + heard);
            assertFalse(heard.matches("(?s).*received [1-9].*"), heard);
            assertFalse(heard.contains(secret.reveal()), heard);
            // the agent's socket back under its name: the same login reaches the agent
            Files.move(
                    dir.onHost().resolve(UnixJmx.SOCKET + ".moved"),
                    dir.onHost().resolve(UnixJmx.SOCKET),
                    StandardCopyOption.REPLACE_EXISTING);
            try (JMXConnector c = login(dir, secret, p)) {
                assertEquals(0, agentList(c).length, "logged in to the agent");
            }

            // 2. bound before the agent serves there (a later sidecar's directory): the agent's connector takes the
            // name over, the sidecar logs in to the agent itself, the listener hears nothing
            Swapper first = Swapper.start(name, dir2.inContainer() + "/" + UnixJmx.SOCKET, "first");
            new JvmAttacher().attach(p, "jmx.unix=" + dir2.inContainer());
            try (JMXConnector c = login(dir2, secret2, p)) {
                assertEquals(0, agentList(c).length, "logged in to the agent");
            }
            String heardFirst = first.stop();
            System.out.println("[attach-swap-it] the listener bound first saw:\n" + heardFirst);
            assertFalse(heardFirst.contains("received"), heardFirst);
        } finally {
            dir.remove();
            dir2.remove();
        }
    }

    /** The sidecar's login, as {@code UnixAgentLink} makes it. */
    static JMXConnector login(ControlDirectory dir, AttachSecret secret, JvmProcess p) throws IOException {
        String url = Files.readString(dir.agentFile(UnixJmx.URL_FILE), StandardCharsets.UTF_8);
        return UnixJmx.connect(
                dir.agentFile(UnixJmx.SOCKET),
                dir.inContainer() + "/" + UnixJmx.SOCKET,
                url,
                secret.reveal(),
                p.uid(),
                p.hostPid(),
                Duration.ofSeconds(10));
    }

    static String[] agentList(JMXConnector c) throws Exception {
        return (String[]) c.getMBeanServerConnection()
                .invoke(new ObjectName("dev.faultline:type=Agent"), "list", new Object[0], new String[0]);
    }

    static String chain(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) b.append(c).append(" <- ");
        return b.toString();
    }
}
