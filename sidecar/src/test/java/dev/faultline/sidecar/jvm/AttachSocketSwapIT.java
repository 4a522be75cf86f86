package dev.faultline.sidecar.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
                            Long.toString(LISTENS_MS))
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
}
