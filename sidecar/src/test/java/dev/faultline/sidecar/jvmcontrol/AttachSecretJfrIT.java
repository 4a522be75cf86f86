package dev.faultline.sidecar.jvmcontrol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.sidecar.jvm.AttachTarget;
import dev.faultline.sidecar.runtime.docker.DockerHost;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Review-23 findings 7 and 8 from outside, through the sidecar's own session code: a JDK 25 service (Temurin, with
 * JFR, as uid 4321 in a container) recording from its start is attached by {@link JvmSessions}; its recording's
 * {@code jdk.JavaAgent} events show the options the sidecar gave and no secret; after the sidecar's shutdown
 * ({@link JvmSessions#closeAll}) no RMI listener of the agent's connector is left in the service.
 */
class AttachSecretJfrIT {
    static final String IMAGE = "faultline/jre-base:local";
    static final String JDK25 = System.getProperty("faultline.jdk25.home", "/usr/lib/jvm/temurin-25-jdk-amd64");
    static final Path CLASSES = Path.of("target", "test-classes").toAbsolutePath();

    static DockerHost docker;

    @BeforeAll
    static void engine() {
        docker = DockerHost.require();
        String why = null;
        if (DockerHost.exec(List.of("docker", "image", "inspect", IMAGE)).startsWith("ERR"))
            why = IMAGE + " missing (.ci/images.sh builds it)";
        else if (!new File(JDK25, "bin/jfr").canExecute()) why = "no JDK 25 with jfr at " + JDK25;
        if (why != null) {
            if ("true".equals(System.getenv("CI"))) throw new AssertionError("CI: " + why);
            System.out.println("[faultline-sidecar-it] SKIPPED: " + why);
            Assumptions.abort(why);
        }
    }

    @AfterAll
    static void clean() {
        if (docker != null) docker.close();
    }

    @Test
    void theSidecarsAttachLeavesNoSecretInJfrAndItsShutdownNoConnectorInTheService() throws Exception {
        String name = docker.run + "-jfr";
        String out = DockerHost.exec(List.of(
                "docker",
                "run",
                "-d",
                "--name",
                name,
                "--label",
                "dev.faultline.test=" + docker.run,
                "--user",
                "4321:4321",
                "-v",
                CLASSES + ":/app:ro",
                "-v",
                JDK25 + ":/opt/jdk:ro",
                IMAGE,
                "/opt/jdk/bin/java",
                "-XX:+EnableDynamicAgentLoading",
                "-XX:StartFlightRecording",
                "-cp",
                "/app",
                AttachTarget.class.getName()));
        assertFalse(out.startsWith("ERR"), out);
        long end = System.nanoTime() + 60_000_000_000L;
        while (!DockerHost.exec(List.of("docker", "logs", name)).contains("target up")) {
            if (System.nanoTime() > end) throw new AssertionError(DockerHost.exec(List.of("docker", "logs", name)));
            Thread.sleep(100);
        }
        long pid = docker.pid(name);
        List<FoundJvm> found = JvmSessions.access().find(name, name, pid);
        assertEquals(1, found.size(), found.toString());
        FoundJvm jvm = found.get(0);
        JvmSessions.Session s = JvmSessions.session(jvm);
        String dir = s.dir.inContainer();
        assertEquals(0, s.link.list().length, "logged in with the secret from the file");
        assertFalse(
                Files.exists(s.dir.onHost().resolve("jmx.secret")), "the agent took the secret file and deleted it");
        String threadsBefore = jcmd(name, "Thread.print");
        assertTrue(threadsBefore.contains("\"RMI TCP Accept"), "the connector serves");

        JvmSessions.closeAll(); // the sidecar's shutdown: cmd=close by a repeated attach
        String threads = "";
        for (long until = System.nanoTime() + 10_000_000_000L; System.nanoTime() < until; Thread.sleep(200)) {
            threads = rmiThreads(jcmd(name, "Thread.print"));
            if (threads.isEmpty()) break;
        }
        assertEquals("", threads, "no RMI listener or connection thread left in the service");

        String dumped = jcmd(name, "JFR.dump", "filename=/tmp/attach.jfr");
        Path recording = Files.createTempFile("attach", ".jfr");
        try {
            String cp = DockerHost.exec(List.of("docker", "cp", name + ":/tmp/attach.jfr", recording.toString()));
            assertFalse(cp.startsWith("ERR"), cp + " / " + dumped);
            String agents = DockerHost.exec(
                    List.of(JDK25 + "/bin/jfr", "print", "--events", "jdk.JavaAgent", recording.toString()));
            System.out.println("[attach-secret-jfr-it] jdk.JavaAgent events:\n" + agents);
            assertTrue(agents.contains("jmx.unix=" + dir + "\""), agents);
            assertTrue(agents.contains("\"cmd=close\""), agents);
            assertFalse(agents.contains("secret"), agents);
        } finally {
            Files.deleteIfExists(recording);
        }
    }

    static String jcmd(String container, String... command) {
        List<String> cmd =
                new ArrayList<>(List.of("docker", "exec", "-u", "4321:4321", container, "/opt/jdk/bin/jcmd", "1"));
        cmd.addAll(List.of(command));
        String out = DockerHost.exec(cmd);
        if (out.startsWith("ERR")) throw new AssertionError(String.join(" ", cmd) + ": " + out);
        return out;
    }

    static String rmiThreads(String dump) {
        StringBuilder b = new StringBuilder();
        for (String line : dump.split("\n")) {
            if (line.startsWith("\"RMI TCP Accept")
                    || (line.startsWith("\"RMI TCP Connection(") && !line.contains("(idle)")))
                b.append(line).append('\n');
        }
        return b.toString();
    }
}
