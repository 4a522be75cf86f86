package dev.faultline.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.common.jmx.Credentials;
import dev.faultline.common.jmx.JmxClient;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code --docker-label} on a real Docker engine: two containers of the local JRE image, each a JVM with the real
 * agent jar whose JMX port is published on 127.0.0.1 (one says which port by the label {@code dev.faultline.jmx.port},
 * publishing another port too; the other publishes only that one), found by their shared label through the engine's
 * socket; {@code agent add} reaches both, {@code halt-all} clears both, as checked over JMX apart from the CLI. A
 * label nothing carries, a container whose JMX port cannot be told, and an engine that is not there are refused
 * with exit 3, nothing called.
 */
class DockerLabelsIT {
    static final String IMAGE = "faultline/jre-base:local";
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String APP = "app=faultline-cli-it-" + RUN;
    static final List<Integer> jmxPorts = new ArrayList<>();
    static Path passwordFile;
    static Credentials credentials;

    static String docker(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0)
            throw new AssertionError(String.join(" ", cmd) + ": " + out);
        return out.strip();
    }

    /** No engine or no image: skip with the reason, except under CI where it is a failure. */
    static void requireEngineAndImage() {
        String why = null;
        try {
            docker("image", "inspect", "--format", "{{.Id}}", IMAGE);
        } catch (Throwable e) {
            why = "no Docker engine or no " + IMAGE
                    + " (.ci/services.sh starts dockerd, .ci/images.sh builds the image): " + e.getMessage();
        }
        if (why == null) return;
        if ("true".equals(System.getenv("CI"))) throw new AssertionError("CI: " + why);
        System.out.println("[faultline-it] SKIPPED: " + why);
        Assumptions.abort(why);
    }

    @BeforeAll
    static void start() throws Exception {
        requireEngineAndImage();
        Path dir = Files.createTempDirectory("faultline-cli-labels");
        passwordFile = dir.resolve("jmx.password");
        Files.createFile(
                passwordFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        String password = UUID.randomUUID().toString().replace("-", "");
        Files.writeString(passwordFile, "operator " + password + "\n");
        credentials = new Credentials("operator", password);
        String classes = new File(IdleService.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .getPath())
                .getAbsolutePath();
        for (String role : List.of("a", "b")) {
            // the RMI stub the connector hands out names its own port: published at the same number outside
            int port = Processes.freePort();
            jmxPorts.add(port);
            List<String> run = new ArrayList<>(List.of(
                    "run",
                    "-d",
                    "-i",
                    "--name",
                    "faultline-cli-it-" + RUN + "-" + role,
                    "--label",
                    APP,
                    "--label",
                    "role=" + role,
                    "--label",
                    "dev.faultline.cli.it=" + RUN,
                    "-p",
                    "127.0.0.1:" + port + ":" + port,
                    "-v",
                    Processes.AGENT_JAR + ":/opt/faultline-agent.jar:ro",
                    "-v",
                    classes + ":/opt/classes:ro",
                    "-v",
                    passwordFile + ":/etc/faultline/jmx.password:ro"));
            // a: says which port is JMX, and publishes another one too; b: publishes only its JMX port
            if (role.equals("a"))
                run.addAll(List.of("--label", "dev.faultline.jmx.port=" + port, "-p", "127.0.0.1::8080"));
            run.addAll(List.of(
                    IMAGE,
                    "java",
                    "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC",
                    "-Xmx64m",
                    "-Djava.rmi.server.hostname=127.0.0.1",
                    "-javaagent:/opt/faultline-agent.jar=jmx.port=" + port
                            + ",jmx.host=0.0.0.0,jmx.auth=/etc/faultline/jmx.password",
                    "-cp",
                    "/opt/classes",
                    IdleService.class.getName()));
            docker(run.toArray(String[]::new));
        }
        for (int port : jmxPorts)
            JmxClient.await("127.0.0.1", port, credentials, 60_000).close();
    }

    @AfterAll
    static void stop() throws Exception {
        String ids = docker("ps", "-aq", "--filter", "label=dev.faultline.cli.it=" + RUN);
        if (!ids.isBlank()) {
            List<String> rm = new ArrayList<>(List.of("rm", "-f"));
            rm.addAll(List.of(ids.split("\\s+")));
            docker(rm.toArray(String[]::new));
        }
        if (passwordFile != null) {
            Files.deleteIfExists(passwordFile);
            Files.deleteIfExists(passwordFile.getParent());
        }
    }

    static String[] faults(int port) throws Exception {
        try (JMXConnector c = JmxClient.await("127.0.0.1", port, credentials, 30_000)) {
            return (String[]) Processes.invoke(c, "dev.faultline:type=Agent", "list");
        }
    }

    @Test
    void agentAddReachesEveryLabelledContainerAndHaltAllClearsThem() throws Exception {
        Processes.Run add = Processes.cli(
                "agent",
                "add",
                "--docker-label",
                APP,
                "--password-file",
                passwordFile.toString(),
                "--json",
                "latency",
                "on=connect",
                "port=1",
                "delay=1ms",
                "ttl=5m");
        System.out.println("agent add --docker-label " + APP + ": exit " + add.exit() + " in " + add.millis() + " ms\n"
                + add.out() + add.err());
        assertEquals(0, add.exit(), add.out() + add.err());
        for (String role : List.of("a", "b")) {
            assertTrue(add.out().contains("\"container\":\"faultline-cli-it-" + RUN + "-" + role + "\""), add.out());
        }
        for (int port : jmxPorts) {
            assertTrue(add.out().contains("\"target\":\"127.0.0.1:" + port + "\""), add.out());
            assertEquals(1, faults(port).length, "armed on 127.0.0.1:" + port);
        }

        // AND of labels: only b
        Processes.Run onlyB = Processes.cli(
                "agent",
                "list",
                "--docker-label",
                APP,
                "--docker-label",
                "role=b",
                "--password-file",
                passwordFile.toString(),
                "--json");
        assertEquals(0, onlyB.exit(), onlyB.out() + onlyB.err());
        assertTrue(
                onlyB.out().contains("127.0.0.1:" + jmxPorts.get(1))
                        && !onlyB.out().contains("127.0.0.1:" + jmxPorts.get(0)),
                onlyB.out());

        Processes.Run halt =
                Processes.cli("halt-all", "--docker-label", APP, "--password-file", passwordFile.toString());
        System.out.println("halt-all --docker-label " + APP + ": exit " + halt.exit() + " in " + halt.millis() + " ms\n"
                + halt.out() + halt.err());
        assertEquals(0, halt.exit(), halt.out() + halt.err());
        for (int port : jmxPorts) {
            assertTrue(
                    halt.out()
                            .lines()
                            .anyMatch(l -> l.startsWith("127.0.0.1:" + port + " (faultline-cli-it-")
                                    && l.endsWith("cleared 1")),
                    halt.out());
            assertEquals(0, faults(port).length, "cleared on 127.0.0.1:" + port + ", as JMX says apart from the CLI");
        }
    }

    @Test
    void whatFindsNoTargetIsRefusedWithExit3AndCallsNothing() throws Exception {
        // armed before, so "nothing called" can be seen: a refused halt-all leaves it armed
        Processes.Run add = Processes.cli(
                "agent",
                "add",
                "--jmx",
                "127.0.0.1:" + jmxPorts.get(1),
                "--password-file",
                passwordFile.toString(),
                "latency",
                "on=connect",
                "port=2",
                "delay=1ms",
                "ttl=5m");
        assertEquals(0, add.exit(), add.out() + add.err());

        Processes.Run none = Processes.cli(
                "halt-all",
                "--jmx",
                "127.0.0.1:" + jmxPorts.get(1),
                "--docker-label",
                "app=nothing-carries-" + RUN,
                "--password-file",
                passwordFile.toString());
        assertEquals(3, none.exit(), none.out() + none.err());
        assertTrue(
                none.err()
                        .contains("--docker-label app=nothing-carries-" + RUN
                                + ": no running container carries this label; nothing was called"),
                none.err());
        assertEquals(
                1,
                faults(jmxPorts.get(1)).length,
                "nothing was called: the --jmx target given alongside is still armed");

        // a container whose JMX port cannot be told: two published ports, no label
        docker(
                "run",
                "-d",
                "--name",
                "faultline-cli-it-" + RUN + "-two",
                "--label",
                "dev.faultline.cli.it=" + RUN,
                "--label",
                "app=two-" + RUN,
                "-p",
                "127.0.0.1::8080",
                "-p",
                "127.0.0.1::9010",
                "faultline/busybox:local",
                "sleep",
                "600");
        Processes.Run two = Processes.cli(
                "agent", "list", "--docker-label", "app=two-" + RUN, "--password-file", passwordFile.toString());
        assertEquals(3, two.exit(), two.out() + two.err());
        assertTrue(
                two.err().contains("container faultline-cli-it-" + RUN + "-two publishes 2 TCP ports")
                        && two.err().contains("dev.faultline.jmx.port"),
                two.err());

        Processes.Run noEngine = Processes.cli(
                Map.of("DOCKER_HOST", "unix:///nonexistent/docker.sock"),
                "agent",
                "list",
                "--docker-label",
                APP,
                "--password-file",
                passwordFile.toString());
        assertEquals(3, noEngine.exit(), noEngine.out() + noEngine.err());
        assertTrue(noEngine.err().contains("no Docker engine at unix:///nonexistent/docker.sock"), noEngine.err());

        Processes.Run usage = Processes.cli("agent", "list", "--docker-label", "app");
        assertEquals(2, usage.exit(), usage.out() + usage.err());
        assertTrue(usage.err().contains("--docker-label app: give KEY=VALUE"), usage.err());

        Processes.Run clear = Processes.cli(
                "agent", "clear", "--jmx", "127.0.0.1:" + jmxPorts.get(1), "--password-file", passwordFile.toString());
        assertEquals(0, clear.exit(), clear.out() + clear.err());
    }
}
