package dev.faultline.sidecar.jvmcontrol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.common.jmx.Credentials;
import dev.faultline.common.jmx.JmxClient;
import dev.faultline.sidecar.Sidecar;
import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.runtime.docker.DockerHost;
import dev.faultline.sidecar.runtime.docker.EngineTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The jvm verbs end to end against the real Docker engine: a service in a shell-less FROM-scratch JRE container, uid
 * 4321 without a passwd entry, that times its own connections (SelfCallingService); the built sidecar jar as a user
 * runs it (CLI processes and the daemon over remote JMX), attaching the agent jar it ships.
 */
class JvmVerbsIT extends EngineTest {
    static final String JRE17 = "faultline/jre17-scratch:local";
    static final String JRE25 = "faultline/jre25-scratch:local";
    static final Path CLASSES = Path.of("target", "test-classes").toAbsolutePath();
    static final ObjectName SIDECAR = name();
    static final AtomicInteger COUNT = new AtomicInteger();
    static final String ERROR = "error on=connect port=8080";
    static final String LATENCY = "latency on=connect port=8080 delay=300ms";

    static ObjectName name() {
        try {
            return new ObjectName("dev.faultline:type=Sidecar");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The service in a fresh labelled container; its name once it runs. */
    String startService(String image, String... jvmOptions) throws Exception {
        return startService(docker, image, jvmOptions);
    }

    /** The service in a fresh container labelled as {@code docker}'s test run; its name once it runs. */
    static String startService(DockerHost docker, String image, String... jvmOptions) throws Exception {
        if (DockerHost.exec(List.of("docker", "image", "inspect", image)).startsWith("ERR"))
            throw new AssertionError(image + " missing: .ci/images.sh builds it");
        String name = docker.run + "-svc" + COUNT.incrementAndGet();
        List<String> cmd = new ArrayList<>(List.of(
                "docker",
                "run",
                "-d",
                "--name",
                name,
                "--label",
                "dev.faultline.test=" + docker.run,
                "-v",
                CLASSES + ":/app:ro",
                image,
                "java"));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", "/app", SelfCallingService.class.getName(), "8080"));
        String out = DockerHost.exec(cmd);
        if (out.startsWith("ERR")) throw new AssertionError("docker run failed: " + out);
        awaitLog(name, "EVENT ok", 0, 60_000);
        return name;
    }

    static String logs(String name) {
        return DockerHost.exec(List.of("docker", "logs", name));
    }

    /** The service's own events after the first {@code from} characters of its log. */
    static List<String> events(String name, int from) {
        String log = logs(name);
        return Arrays.stream(log.substring(Math.min(from, log.length())).split("\n"))
                .filter(l -> l.startsWith("EVENT "))
                .toList();
    }

    /** Waits until the service's log, after {@code from}, has a line starting with {@code prefix}; ms waited. */
    static long awaitLog(String name, String prefix, int from, long withinMs) throws InterruptedException {
        long t0 = System.nanoTime();
        while (events(name, from).stream().noneMatch(l -> l.startsWith(prefix))) {
            if ((System.nanoTime() - t0) / 1_000_000 > withinMs)
                throw new AssertionError("no '" + prefix + "' in " + withinMs + " ms: " + logs(name));
            Thread.sleep(20);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** Waits until the service's last event is {@code prefix}. */
    static long awaitLast(String name, String prefix, long withinMs) throws InterruptedException {
        long t0 = System.nanoTime();
        while (true) {
            List<String> e = events(name, 0);
            if (!e.isEmpty() && e.get(e.size() - 1).startsWith(prefix)) return (System.nanoTime() - t0) / 1_000_000;
            if ((System.nanoTime() - t0) / 1_000_000 > withinMs)
                throw new AssertionError("the last event is not '" + prefix + "' after " + withinMs + " ms: " + e);
            Thread.sleep(20);
        }
    }

    static String run(MBeanServerConnection jmx, String command) throws Exception {
        return (String) jmx.invoke(SIDECAR, "run", new Object[] {command}, new String[] {String.class.getName()});
    }

    static String[] list(MBeanServerConnection jmx) throws Exception {
        return (String[]) jmx.invoke(SIDECAR, "list", new Object[0], new String[0]);
    }

    /**
     * list, then through the daemon: a fault for its duration (gone after it), a second fault in the JVM already
     * attached, jvm clear from a separate CLI process, and stopAll() clearing what was armed.
     */
    @ParameterizedTest
    @ValueSource(strings = {JRE17, JRE25})
    void listedAttachedFaultedAndClearedInAShellLessContainer(String image) throws Exception {
        String svc = startService(image);
        Sidecar.Run listed = sidecar.run("--runtime", "docker", "jvm", "list", svc);
        assertEquals(0, listed.exitCode(), listed.output());
        String line = listed.output()
                .lines()
                .filter(l -> l.startsWith(svc + "("))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no JVM line: " + listed.output()));
        String feature = image.equals(JRE25) ? "25" : "17";
        // listing never signals a JVM: its version shows once its attach listener is up (after an attach)
        assertTrue(line.matches(".*host_pid=\\d+  ns_pid=1  uid=4321  java=unknown  faultline=no  attachable"), line);

        int port = freePort();
        Process daemon = sidecar.start("--runtime", "docker", "daemon", "--jmx-port", Integer.toString(port));
        try (JMXConnector c = JmxClient.await("127.0.0.1", port, sidecar.credentials(port), 30_000)) {
            MBeanServerConnection jmx = c.getMBeanServerConnection();
            int from = logs(svc).length();
            long t0 = System.nanoTime();
            String id = run(jmx, "jvm --duration 5s fault \"" + ERROR + "\" " + svc);
            awaitLog(svc, "EVENT error:ConnectException", from, 15_000);
            System.out.println("[jvm-verbs-it] " + image + ": cold attach to first injected error "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms");
            long gone = awaitLast(svc, "EVENT ok", 15_000);
            System.out.println("[jvm-verbs-it] " + image + ": back to ok " + gone + " ms after the error showed");
            String[] lines = list(jmx);
            assertTrue(
                    Arrays.stream(lines).anyMatch(l -> l.startsWith(id + "  ") && l.contains("armed")),
                    String.join("\n", lines));
            assertTrue(
                    Arrays.stream(lines).anyMatch(l -> l.startsWith("attached " + svc + "(")),
                    String.join("\n", lines));
            Sidecar.Run relisted = sidecar.run("--runtime", "docker", "jvm", "list", svc);
            assertTrue(
                    relisted.output()
                            .matches("(?s).*uid=4321  java=" + feature + "[.0-9]*  faultline=loaded  attachable.*"),
                    relisted.output());

            from = logs(svc).length();
            t0 = System.nanoTime();
            run(jmx, "jvm --duration 60s fault \"" + LATENCY + "\" " + svc);
            awaitLog(svc, "EVENT slow", from, 10_000);
            System.out.println("[jvm-verbs-it] " + image + ": agent loaded, to first delayed connect "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms");
            // a separate process, with no connection of its own: the agent's kill switch by a repeated attach
            Sidecar.Run cleared = sidecar.run("--runtime", "docker", "jvm", "clear", svc);
            assertEquals(0, cleared.exitCode(), cleared.output());
            assertTrue(cleared.output().contains("cleared by attach (cmd=clear)"), cleared.output());
            awaitLast(svc, "EVENT ok", 5_000);

            from = logs(svc).length();
            run(jmx, "jvm --duration 60s fault \"" + ERROR + "\" " + svc);
            awaitLog(svc, "EVENT error:", from, 10_000);
            jmx.invoke(SIDECAR, "stopAll", new Object[0], new String[0]);
            awaitLast(svc, "EVENT ok", 5_000);
            assertEquals(0, new Journal(sidecar.journal).pending().size(), "nothing left in the journal");
        } finally {
            daemon.destroy();
            daemon.waitFor(20, TimeUnit.SECONDS);
        }
        // another sidecar process than the one that attached it (the daemon has ended): the agent, loaded already,
        // takes this one's connector in place of the daemon's, and the fault acts
        int from = logs(svc).length();
        Sidecar.Run again = sidecar.run("--runtime", "docker", "jvm", "--duration", "3s", "fault", ERROR, svc);
        assertEquals(0, again.exitCode(), again.output());
        awaitLog(svc, "EVENT error:", from, 5_000);
        awaitLast(svc, "EVENT ok", 5_000);
        // that process has ended: nothing of its connection stays in the service (its secret ended with it)
        String pid = DockerHost.exec(List.of("docker", "inspect", "-f", "{{.State.Pid}}", svc))
                .trim();
        try (Stream<Path> tmp =
                Files.list(ControlDirectory.rootOf(Long.parseLong(pid)).resolve("tmp"))) {
            List<String> left = tmp.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(".faultline-"))
                    .toList();
            assertEquals(List.of(), left, "control directories left in the service's /tmp");
        }
    }

    /**
     * Refusals change nothing in the target: a spec the agent's parser refuses, a dry run, and a JVM started with
     * -XX:+DisableAttachMechanism (refused with its cause, no thread dump in its output, no file in its container).
     */
    @Test
    void refusalsAndDryRunsAttachNothing() throws Exception {
        String svc = startService(JRE17);
        Sidecar.Run bad =
                sidecar.run("--runtime", "docker", "jvm", "--duration", "5s", "fault", "explode on=connect", svc);
        assertEquals(1, bad.exitCode(), bad.output());
        assertTrue(bad.output().contains("'explode': unknown action"), bad.output());
        Sidecar.Run dry =
                sidecar.run("--dry-run", "--runtime", "docker", "jvm", "--duration", "5s", "fault", ERROR, svc);
        assertEquals(0, dry.exitCode(), dry.output());
        assertTrue(
                sidecar.run("--runtime", "docker", "jvm", "list", svc).output().contains("faultline=no"));
        String json =
                sidecar.run("--runtime", "docker", "jvm", "list", "--json", svc).output();
        assertTrue(
                json.lines()
                        .anyMatch(l -> l.startsWith("{\"container\":\"" + svc + "(")
                                && l.contains("\"ns_pid\":1,\"uid\":4321,\"gid\":4321,")
                                && l.endsWith("\"faultline_loaded\":false,\"attachable\":true,\"refusal\":null}")),
                json);
        assertEquals(
                List.of("EVENT ok"),
                events(svc, 0).stream()
                        .map(e -> e.split(" ")[0] + " " + e.split(" ")[1])
                        .toList());
        assertEquals(List.of(), changes(svc), "nothing in the container");

        String disabled = startService(JRE17, "-XX:+DisableAttachMechanism");
        long t0 = System.nanoTime();
        Sidecar.Run refused = sidecar.run("--runtime", "docker", "jvm", "--duration", "5s", "fault", ERROR, disabled);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("[jvm-verbs-it] DisableAttachMechanism: refused by the CLI process in " + ms
                + " ms (JVM start included)");
        assertEquals(1, refused.exitCode(), refused.output());
        assertTrue(
                refused.output().contains("jvm fault: refused, nothing attached")
                        && refused.output().contains("DisableAttachMechanism"),
                refused.output());
        assertTrue(ms < 5_000, "refused in " + ms + " ms");
        assertTrue(!logs(disabled).contains("Full thread dump"), logs(disabled));
        assertEquals(List.of(), changes(disabled), "nothing in the container");
    }

    /** What changed in the container's filesystem, apart from the mount point of the classes. */
    static List<String> changes(String name) {
        String out = DockerHost.exec(List.of("docker", "diff", name)).trim();
        if (out.startsWith("ERR")) throw new AssertionError(out);
        return out.isEmpty()
                ? List.of()
                : Arrays.stream(out.split("\n"))
                        .filter(l -> !l.equals("A /app"))
                        .toList();
    }

    /** Over the real remote connector with credentials: readwrite is not enough to attach; the attach role is. */
    @Test
    void aCallerWithoutTheAttachRoleIsRefused() throws Exception {
        Path dir = Files.createTempDirectory("fltest-jmx");
        Path passwords = dir.resolve("jmx.password");
        Path access = dir.resolve("jmx.access");
        Files.writeString(passwords, "operator op-secret\nchaos chaos-secret\n");
        Files.writeString(access, "operator readwrite\nchaos attach\n");
        Files.setPosixFilePermissions(passwords, PosixFilePermissions.fromString("rw-------"));
        int port = freePort();
        Process daemon = sidecar.start(
                "--runtime",
                "docker",
                "daemon",
                "--jmx-port",
                Integer.toString(port),
                "--jmx-password-file",
                passwords.toString(),
                "--jmx-access-file",
                access.toString());
        try {
            String nothing = "re2:^nothing-" + docker.run;
            try (JMXConnector c =
                    JmxClient.await("127.0.0.1", port, new Credentials("operator", "op-secret"), 30_000)) {
                MBeanServerConnection jmx = c.getMBeanServerConnection();
                Exception refused = null;
                try {
                    run(jmx, "jvm list " + nothing);
                } catch (Exception e) {
                    refused = e;
                }
                assertTrue(
                        refused != null && causes(refused).contains("run(jvm …) needs the attach role"),
                        String.valueOf(refused));
                assertTrue(run(jmx, "kill " + nothing).startsWith("e"), "readwrite still runs the other verbs");
            }
            try (JMXConnector c =
                    JmxClient.await("127.0.0.1", port, new Credentials("chaos", "chaos-secret"), 30_000)) {
                assertTrue(
                        run(c.getMBeanServerConnection(), "jvm list " + nothing).startsWith("e"));
            }
        } finally {
            daemon.destroy();
            daemon.waitFor(20, TimeUnit.SECONDS);
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) Files.delete(f);
            }
            Files.delete(dir);
        }
    }

    static String causes(Throwable t) {
        List<String> out = new ArrayList<>();
        for (Throwable c = t; c != null; c = c.getCause()) out.add(String.valueOf(c.getMessage()));
        return String.join(" / ", out);
    }

    /**
     * A CLI sidecar SIGKILLed after arming: its fault ends by its ttl (the duration); one armed for longer is cleared by
     * the next start, from the journal, by a repeated attach.
     */
    @Test
    void aSigkilledSidecarsFaultsEndByTtlAndTheNextStartClearsTheRest() throws Exception {
        String byTtl = startService(JRE17);
        Process armed = sidecar.start("--runtime", "docker", "jvm", "--duration", "4s", "fault", ERROR, byTtl);
        awaitLog(byTtl, "EVENT error:", 0, 15_000);
        armed.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        assertEquals(1, new Journal(sidecar.journal).pending().size(), "the journal holds the armed fault");
        awaitLast(byTtl, "EVENT ok", 8_000); // the ttl, with no sidecar left

        String left = startService(JRE17);
        Process longer = sidecar.start("--runtime", "docker", "jvm", "--duration", "10m", "fault", ERROR, left);
        awaitLog(left, "EVENT error:", 0, 15_000);
        longer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        Thread.sleep(1000);
        assertTrue(events(left, 0).get(events(left, 0).size() - 1).startsWith("EVENT error:"), "still armed");
        Sidecar.Run next = sidecar.run("--runtime", "docker", "jvm", "list", left);
        assertEquals(0, next.exitCode(), next.output());
        awaitLast(left, "EVENT ok", 3_000);
        assertTrue(next.output().contains("faultline=loaded"), next.output());
        List<Journal.Entry> pending = new Journal(sidecar.journal).pending();
        assertEquals(List.of(), pending, "recovered: nothing left in the journal");
    }
}
