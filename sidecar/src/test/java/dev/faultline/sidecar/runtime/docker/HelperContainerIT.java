package dev.faultline.sidecar.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.common.jmx.Credentials;
import dev.faultline.common.jmx.JmxClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The helper path, from outside: the sidecar's image run as a daemon container without {@code --pid host}, driven over
 * remote JMX with a password, shaping a busybox target. What the engine and the target's own namespace show: one helper
 * per change (not a container per command), which holds the watchdog, goes with the verified revert, reverts by
 * itself at the deadline when the sidecar was SIGKILLed, and is removed by the next start's recovery.
 */
class HelperContainerIT extends EngineTest {
    static final String RATE = "fa17:"; // the handle of our root qdisc
    static String image;
    static Path secrets;
    static final Credentials OPERATOR = new Credentials("operator", "s3cret");

    @BeforeAll
    static void image() throws Exception {
        DockerHost.require();
        image = DockerHost.buildSidecarImage(
                "faultline/sidecar:helper-it-" + ProcessHandle.current().pid());
        secrets = Files.createTempDirectory("faultline-secrets");
        Files.writeString(secrets.resolve("jmx.password"), "operator s3cret\n");
    }

    @AfterAll
    static void removeImage() throws Exception {
        if (image != null) DockerHost.exec(List.of("docker", "rmi", "-f", image));
        if (secrets != null) {
            Files.deleteIfExists(secrets.resolve("jmx.password"));
            Files.deleteIfExists(secrets);
        }
    }

    /** A daemon container of the image without host PIDs; returns its JMX port. */
    int daemon(String name) throws Exception {
        int port = freePort();
        String out = DockerHost.exec(List.of(
                "docker",
                "run",
                "-d",
                "--name",
                name,
                "--label",
                "dev.faultline.test=" + docker.run,
                "-v",
                "/var/run/docker.sock:/var/run/docker.sock",
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
        return port;
    }

    static String run(MBeanServerConnection jmx, String command) throws Exception {
        return (String)
                jmx.invoke(new ObjectName("dev.faultline:type=Sidecar"), "run", new Object[] {command}, new String[] {
                    String.class.getName()
                });
    }

    /** The helpers of this test's containers, as the engine lists them: {@code id label-of-target label-of-change}. */
    List<String> helpers() {
        String out = DockerHost.exec(List.of(
                "docker",
                "ps",
                "-a",
                "--filter",
                "label=" + HelperContainer.LABEL,
                "--filter",
                "label=dev.faultline.test=" + docker.run,
                "--format",
                "{{.ID}} {{.Label \"" + HelperContainer.LABEL + "\"}} {{.Label \"" + HelperContainer.WATCHDOG_LABEL
                        + "\"}} {{.State}}"));
        assertFalse(out.startsWith("ERR"), out);
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    boolean shaped(String target) {
        return docker.inNetns(target, "tc", "qdisc", "show").contains(RATE);
    }

    static boolean await(long millis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) return false;
            Thread.sleep(50);
        }
        return true;
    }

    String logs(String container) {
        return DockerHost.exec(List.of("docker", "logs", container));
    }

    /** The change id of the one {@code action=applied} line in the logs. */
    static String appliedChange(String logs) {
        Matcher m = Pattern.compile("action=applied change=(\\S+) .*via=helper").matcher(logs);
        assertTrue(m.find(), logs);
        return m.group(1);
    }

    @Test
    void oneHelperPerChangeHoldsItsWatchdogAndGoesWithTheVerifiedRevert() throws Exception {
        String web = docker.run + "-web";
        String webId = docker.start(web, List.of(), "sleep", "600");
        String shaper = docker.run + "-shaper";
        try (JMXConnector c = JmxClient.await("127.0.0.1", daemon(shaper), OPERATOR, 30_000)) {
            MBeanServerConnection jmx = c.getMBeanServerConnection();
            run(jmx, "netem --duration 5m rate --rate 1mbit " + web);
            assertTrue(await(30_000, () -> logs(shaper).contains("action=applied")), logs(shaper));
            assertTrue(shaped(web), logs(shaper));
            String change = appliedChange(logs(shaper));
            List<String> open = helpers();
            assertEquals(
                    List.of(open.get(0).split(" ")[0] + " " + webId + " " + change + " running"),
                    open,
                    "one helper, for this target and change");
            String top = DockerHost.exec(List.of("docker", "top", open.get(0).split(" ")[0], "-o", "pid,args"));
            assertTrue(top.contains("faultline-watchdog " + change + " "), "the watchdog runs in the helper: " + top);
            assertEquals(
                    1,
                    logs(shaper).split("action=helper-started", -1).length - 1,
                    "one helper started for the precheck, the reads and the apply: " + logs(shaper));

            assertEquals(
                    1,
                    jmx.invoke(new ObjectName("dev.faultline:type=Sidecar"), "stopAll", new Object[0], new String[0]));
            assertFalse(shaped(web), "stopAll() reverted it through the helper");
            assertTrue(logs(shaper).contains("action=reverted change=" + change), logs(shaper));
            assertTrue(await(5_000, () -> helpers().isEmpty()), "the helper is gone with the change: " + helpers());
            assertEquals(
                    1,
                    logs(shaper).split("action=helper-started", -1).length - 1,
                    "the revert and its check went through the same helper: " + logs(shaper));
        }
    }

    @Test
    void aSigkilledSidecarsHelperRevertsAtTheDeadlineAndThenRemovesItself() throws Exception {
        String web = docker.run + "-web";
        docker.start(web, List.of(), "sleep", "600");
        String shaper = docker.run + "-shaper";
        try (JMXConnector c = JmxClient.await("127.0.0.1", daemon(shaper), OPERATOR, 30_000)) {
            run(c.getMBeanServerConnection(), "netem --duration 3s rate --rate 1mbit " + web);
            assertTrue(await(30_000, () -> logs(shaper).contains("action=applied")), logs(shaper));
        }
        long applied = System.currentTimeMillis();
        assertFalse(
                DockerHost.exec(List.of("docker", "kill", "-s", "KILL", shaper)).startsWith("ERR"));
        assertTrue(shaped(web), "still in force: the sidecar died before its deadline");
        assertEquals(1, helpers().size(), "the helper outlives its sidecar, its watchdog armed: " + helpers());
        // the watchdog sleeps the duration + 2 s, rounded to whole seconds, then reverts
        assertTrue(await(20_000, () -> !shaped(web)), "the helper's watchdog reverted it");
        assertTrue(System.currentTimeMillis() - applied >= 4_000, "not before the deadline + 2 s");
        assertTrue(await(5_000, () -> helpers().isEmpty()), "and the helper removed itself: " + helpers());
    }

    @Test
    void theNextStartRemovesACrashedSidecarsHelperAndRevertsThroughItsOwn() throws Exception {
        String web = docker.run + "-web";
        docker.start(web, List.of(), "sleep", "600");
        String before = docker.inNetns(web, "tc", "qdisc", "show");
        String shaper = docker.run + "-shaper";
        int port = daemon(shaper);
        String change;
        try (JMXConnector c = JmxClient.await("127.0.0.1", port, OPERATOR, 30_000)) {
            run(c.getMBeanServerConnection(), "netem --duration 5m rate --rate 1mbit " + web);
            assertTrue(await(30_000, () -> logs(shaper).contains("action=applied")), logs(shaper));
            change = appliedChange(logs(shaper));
        }
        assertFalse(
                DockerHost.exec(List.of("docker", "kill", "-s", "KILL", shaper)).startsWith("ERR"));
        String crashed = helpers().get(0).split(" ")[0];
        assertTrue(shaped(web));
        // the same container again: its journal (in the container's own file system) says the change's owner is gone
        assertFalse(DockerHost.exec(List.of("docker", "start", shaper)).startsWith("ERR"));
        assertTrue(await(60_000, () -> logs(shaper).contains("action=recover change=" + change)), logs(shaper));
        String logs = logs(shaper);
        assertTrue(
                logs.contains("action=recover change=" + change) && logs.contains("verified=true watchdogs_stopped=1"),
                logs);
        assertEquals(before, docker.inNetns(web, "tc", "qdisc", "show"), "the target exactly as before");
        assertTrue(
                await(5_000, () -> helpers().isEmpty()),
                "the crashed sidecar's helper and recovery's own are gone: " + helpers());
        assertTrue(
                DockerHost.exec(List.of("docker", "inspect", crashed)).startsWith("ERR"), "removed, not just stopped");
    }
}
