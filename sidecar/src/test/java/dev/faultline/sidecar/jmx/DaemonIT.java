package dev.faultline.sidecar.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.common.jmx.Credentials;
import dev.faultline.common.jmx.JmxClient;
import dev.faultline.sidecar.Sidecar;
import dev.faultline.sidecar.runtime.docker.DockerHost;
import dev.faultline.sidecar.runtime.docker.EngineTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Test;

/** The daemon driven over remote JMX, as a host process and as the container image users run. */
class DaemonIT extends EngineTest {
    static final ObjectName SIDECAR = name();

    static ObjectName name() {
        try {
            return new ObjectName("dev.faultline:type=Sidecar");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the daemon on {@code port} listens, then logs in. */
    static JMXConnector connect(int port, Credentials credentials) throws Exception {
        return JmxClient.await("127.0.0.1", port, credentials, 30_000);
    }

    static String run(MBeanServerConnection jmx, String command) throws Exception {
        return (String) jmx.invoke(SIDECAR, "run", new Object[] {command}, new String[] {String.class.getName()});
    }

    /** The list() line of experiment {@code id} once its tick has found nothing and it has ended. */
    static String awaitFoundNothing(MBeanServerConnection jmx, String id) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (true) {
            String[] list = (String[]) jmx.invoke(SIDECAR, "list", new Object[0], new String[0]);
            for (String line : list)
                if (line.startsWith(id + "  ended") && line.contains("no containers found")) return line;
            if (System.currentTimeMillis() > deadline)
                throw new AssertionError(id + " did not end: " + String.join("\n", list));
            Thread.sleep(50);
        }
    }

    void awaitStopped(String container) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (docker.inspect(container, "{{.State.Running}}").equals("true") && System.currentTimeMillis() < deadline)
            Thread.sleep(50);
        assertEquals("false", docker.inspect(container, "{{.State.Running}}"));
    }

    @Test
    void hostDaemonRunsStopsAllAndRevertsAndExportsMetrics() throws Exception {
        String target = docker.run + "-t";
        docker.start(target, List.of(), "sleep", "600");
        String victim = docker.run + "-v";
        docker.start(victim, List.of(), "sleep", "600");
        int jmxPort = freePort();
        int metricsPort = freePort();
        Sidecar sidecar = new Sidecar();
        Process daemon = sidecar.start(
                "daemon", "--jmx-port", Integer.toString(jmxPort), "--metrics-port", Integer.toString(metricsPort));
        try (JMXConnector c = connect(jmxPort, sidecar.credentials(jmxPort))) {
            MBeanServerConnection jmx = c.getMBeanServerConnection();
            String shaping = run(jmx, "netem --duration 5m rate --rate 1mbit " + target);
            long deadline = System.currentTimeMillis() + 20_000;
            while (!docker.inNetns(target, "tc", "qdisc", "show").contains("fa17:")
                    && System.currentTimeMillis() < deadline) Thread.sleep(100);
            assertTrue(docker.inNetns(target, "tc", "qdisc", "show").contains("fa17:"));
            assertEquals(1, jmx.getAttribute(SIDECAR, "RulesActive"));
            String[] list = (String[]) jmx.invoke(SIDECAR, "list", new Object[0], new String[0]);
            assertTrue(
                    list.length == 1 && list[0].startsWith(shaping) && list[0].contains("running"),
                    String.join("\n", list));

            run(jmx, "kill " + victim);
            awaitStopped(victim);

            // as in Pumba, a selection of nothing is no error: the experiment says "no containers found"
            String empty = awaitFoundNothing(jmx, run(jmx, "kill re2:^nothing-" + docker.run));
            assertTrue(empty.contains("no containers found") && !empty.contains("error="), empty);
            // plain words skip picocli (PlainContainerCommand); an --opt=value word makes picocli parse: the same
            // outcome
            String viaPicocli = awaitFoundNothing(jmx, run(jmx, "kill --signal=SIGKILL re2:^nothing-" + docker.run));
            assertTrue(viaPicocli.contains("no containers found") && !viaPicocli.contains("error="), viaPicocli);
            RuntimeMBeanException bad = assertThrows(RuntimeMBeanException.class, () -> run(jmx, "explode " + target));
            assertTrue(
                    bad.getCause().getMessage().contains("explode"),
                    bad.getCause().getMessage());

            String metrics = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertTrue(metrics.contains("faultline_sidecar_rules_active 1.0"), metrics);
            boolean netem = DockerHost.kernelHasNetem();
            assertEquals(netem, jmx.getAttribute(SIDECAR, "NetemAvailable"), "the preflight agrees with the kernel");
            assertTrue(metrics.contains("faultline_sidecar_netem_available " + (netem ? "1.0" : "0.0")), metrics);
            assertTrue(metrics.matches("(?s).*faultline_sidecar_actions_total [2-9].*"), metrics);

            // stop(id) reverts that one experiment, checked in the target's namespace
            String dropping =
                    run(jmx, "iptables --duration 5m loss --probability 0.5 --protocol tcp --dst-port 80 " + target);
            deadline = System.currentTimeMillis() + 20_000;
            while (!docker.inNetns(target, "iptables", "-S").contains("faultline:")
                    && System.currentTimeMillis() < deadline) Thread.sleep(100);
            assertTrue(docker.inNetns(target, "iptables", "-S").contains("faultline:"));
            assertEquals(
                    true, jmx.invoke(SIDECAR, "stop", new Object[] {dropping}, new String[] {String.class.getName()}));
            assertFalse(docker.inNetns(target, "iptables", "-S").contains("faultline:"), "stop(id) reverted the rule");
            assertTrue(docker.inNetns(target, "tc", "qdisc", "show").contains("fa17:"), "and only that experiment");

            // every experiment listed: the two before, and the two that found nothing (ended, listed like any other)
            assertEquals(4, jmx.invoke(SIDECAR, "stopAll", new Object[0], new String[0]));
            assertFalse(
                    docker.inNetns(target, "tc", "qdisc", "show").contains("fa17:"), "stopAll() reverted the shaping");
            assertEquals(0, jmx.getAttribute(SIDECAR, "RulesActive"));

            // list() keeps the last 100 ended experiments, not every one a long-lived daemon ever ran
            long actions = (Long) jmx.getAttribute(SIDECAR, "ActionsRun");
            String last = null;
            for (int i = 0; i < 105; i++) last = run(jmx, "--dry-run kill " + target);
            deadline = System.currentTimeMillis() + 30_000;
            while ((Integer) jmx.getAttribute(SIDECAR, "ExperimentsRunning") > 0
                    && System.currentTimeMillis() < deadline) Thread.sleep(50);
            String[] kept = (String[]) jmx.invoke(SIDECAR, "list", new Object[0], new String[0]);
            assertEquals(100, kept.length, "the last 100 ended experiments");
            assertTrue(kept[kept.length - 1].startsWith(last), "the newest is kept: " + kept[kept.length - 1]);
            assertTrue(
                    (Long) jmx.getAttribute(SIDECAR, "ActionsRun") >= actions,
                    "the totals keep what the forgotten ones did");
        } finally {
            daemon.destroy();
            daemon.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void aPasswordFileKeepsOutClientsWithoutCredentials() throws Exception {
        Path pw = Files.createTempFile("faultline-jmx", ".password");
        Files.writeString(pw, "operator s3cret\n");
        int jmxPort = freePort();
        Process daemon = new Sidecar()
                .start("daemon", "--jmx-port", Integer.toString(jmxPort), "--jmx-password-file", pw.toString());
        try {
            JMXServiceURL url = JmxClient.url("127.0.0.1", jmxPort);
            connect(jmxPort, new Credentials("operator", "s3cret")).close(); // waits until it listens
            assertThrows(SecurityException.class, () -> JMXConnectorFactory.connect(url));
            assertThrows(
                    SecurityException.class,
                    () -> JmxClient.connect("127.0.0.1", jmxPort, new Credentials("operator", "wrong")));
            try (JMXConnector c = connect(jmxPort, new Credentials("operator", "s3cret"))) {
                assertEquals(
                        0,
                        ((String[]) c.getMBeanServerConnection().invoke(SIDECAR, "list", new Object[0], new String[0]))
                                .length);
            }
        } finally {
            daemon.destroy();
            daemon.waitFor(20, TimeUnit.SECONDS);
            Files.deleteIfExists(pw);
        }
    }

    @Test
    void beyondLoopbackItRefusesToStartWithoutAPasswordFileNamingTheOption() throws Exception {
        Sidecar.Run open =
                new Sidecar().run("daemon", "--jmx-port", Integer.toString(freePort()), "--jmx-host", "0.0.0.0");
        assertEquals(1, open.exitCode(), open.output());
        assertTrue(
                open.output().contains("--jmx-host 0.0.0.0 is not loopback: give --jmx-password-file"), open.output());
        Sidecar.Run none = new Sidecar()
                .run(
                        "daemon",
                        "--jmx-port",
                        Integer.toString(freePort()),
                        "--jmx-host",
                        "0.0.0.0",
                        "--jmx-auth",
                        "none");
        assertEquals(1, none.exitCode(), none.output());
        assertTrue(none.output().contains("--jmx-auth none is allowed only on loopback"), none.output());
        Sidecar.Run typo = new Sidecar().run("daemon", "--jmx-port", Integer.toString(freePort()), "--jmx-auth", "off");
        assertEquals(1, typo.exitCode(), typo.output());
        assertTrue(typo.output().contains("--jmx-auth off: the only value is none"), typo.output());
    }

    @Test
    void theImageBuildsAndItsDaemonKillsATargetAndAnswersJmxFromTheHost() throws Exception {
        String image = DockerHost.buildSidecarImage("faultline/sidecar:" + docker.run);
        try {
            String target = docker.run + "-target";
            docker.start(target, List.of(), "sleep", "600");
            String replica = docker.run + "x-replica"; // outside the kill's re2 selection below
            docker.start(replica, List.of("--restart", "always"), "sleep", "600");
            int port = freePort();
            String sidecar = docker.run + "-sidecar";
            // in a container it binds 0.0.0.0, so it will not start without a password file, and says which option
            String open = DockerHost.exec(List.of(
                    "docker",
                    "run",
                    "--rm",
                    "--label",
                    "dev.faultline.test=" + docker.run,
                    "-v",
                    "/var/run/docker.sock:/var/run/docker.sock",
                    image,
                    "daemon",
                    "--jmx-port",
                    Integer.toString(port)));
            assertTrue(open.contains("--jmx-host 0.0.0.0 is not loopback: give --jmx-password-file"), open);
            Path secrets = Files.createTempDirectory("faultline-secrets");
            Files.writeString(secrets.resolve("jmx.password"), "operator s3cret\n");
            Credentials operator = new Credentials("operator", "s3cret");
            // the one port is the same inside and out: the RMI stub names it
            String out = DockerHost.exec(List.of(
                    "docker",
                    "run",
                    "-d",
                    "--name",
                    sidecar,
                    "--label",
                    "dev.faultline.test=" + docker.run,
                    "-v",
                    "/var/run/docker.sock:/var/run/docker.sock",
                    "--pid",
                    "host",
                    "--cap-add",
                    "NET_ADMIN",
                    "--cap-add",
                    "SYS_ADMIN",
                    "-v",
                    secrets + ":/run/secrets:ro",
                    "-p",
                    "127.0.0.1:" + port + ":" + port,
                    image,
                    "daemon",
                    "--jmx-port",
                    Integer.toString(port),
                    "--jmx-password-file",
                    "/run/secrets/jmx.password"));
            assertFalse(out.startsWith("ERR"), out);
            try (JMXConnector c = connect(port, operator)) {
                MBeanServerConnection jmx = c.getMBeanServerConnection();
                run(jmx, "kill --signal SIGKILL re2:^" + docker.run + "-");
                awaitStopped(target);
                assertEquals(
                        "true", docker.inspect(sidecar, "{{.State.Running}}"), "it never acts on its own container");
                String logs = DockerHost.exec(List.of("docker", "logs", sidecar));
                assertTrue(logs.contains("action=kill") && logs.contains("by=jmx") && logs.contains(target), logs);

                // crash from inside the image (--pid host): the main process dies, the restart policy brings it back
                run(jmx, "crash --signal SIGKILL " + replica);
                long deadline = System.currentTimeMillis() + 20_000;
                while (!docker.inspect(replica, "{{.RestartCount}}").equals("1")
                        && System.currentTimeMillis() < deadline) Thread.sleep(100);
                assertEquals(
                        "1",
                        docker.inspect(replica, "{{.RestartCount}}"),
                        "crash from the sidecar image restarts the replica; logs: "
                                + DockerHost.exec(List.of("docker", "logs", sidecar)));
            }

            // without --pid host the image reaches a namespace through a helper container: HelperContainerIT
        } finally {
            docker.close();
            DockerHost.exec(List.of("docker", "rmi", "-f", image));
        }
    }
}
