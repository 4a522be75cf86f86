package dev.faultline.sidecar.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.common.jmx.Credentials;
import dev.faultline.common.jmx.JmxClient;
import dev.faultline.common.probe.HostileStrings;
import dev.faultline.common.probe.OtherUser;
import dev.faultline.common.probe.ProcessWatch;
import dev.faultline.common.words.Printable;
import dev.faultline.sidecar.Sidecar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile strings through the daemon's {@code run()} over the real remote connector. The daemon runs in a
 * {@link Sandbox} (own network and PID namespace, no engine socket), so even a command that were wrongly
 * accepted could touch nothing real. No crash, no process spawned with the injected text, nothing left
 * running or in the journal, every refusal a one-line message.
 */
class HostileCommandsIT {
    /**
     * Fewer than the agent's 100,000: every run() builds the whole picocli model again (about 6 ms a call here),
     * so 10,000 already take a few minutes; -Dfaultline.sidecar.fuzz.count=100000 runs more.
     */
    static final int COUNT = Integer.getInteger("faultline.sidecar.fuzz.count", 10_000);

    static final List<String> TEMPLATES = HostileTemplates.TEMPLATES;

    @Test
    void hostileStringsThroughRunChangeNothingAndSpawnNothing(@TempDir Path dir) throws Exception {
        OtherUser.ensure(); // the same need: root, for the namespaces
        long seed = Long.getLong("faultline.fuzz.seed", System.nanoTime());
        HostileStrings strings = new HostileStrings(seed, TEMPLATES);
        Path pwned = Path.of("/tmp", strings.marker());
        Path passwords = Files.writeString(dir.resolve("jmx.password"), "operator s3cret\n");
        int refused = 0, accepted = 0;
        List<String> firstRefusals = new ArrayList<>();
        try (Sandbox sandbox = new Sandbox()) {
            int port = 19_000 + (int) (seed & 0x3ff);
            List<String> java = List.of(
                    "env",
                    "DOCKER_HOST=unix:///nonexistent/docker.sock",
                    "FAULTLINE_JOURNAL=" + dir.resolve("journal"),
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1",
                    "-jar",
                    Sidecar.JAR,
                    "daemon",
                    "--jmx-port",
                    String.valueOf(port),
                    "--jmx-host",
                    sandbox.innerAddress,
                    "--jmx-password-file",
                    passwords.toString());
            Process daemon = new ProcessBuilder(sandbox.inside(java))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("daemon.log").toFile())
                    .start();
            try (JMXConnector c =
                            JmxClient.await(sandbox.innerAddress, port, new Credentials("operator", "s3cret"), 60_000);
                    ProcessWatch watch = new ProcessWatch(strings.marker())) {
                MBeanServerConnection jmx = c.getMBeanServerConnection();
                ObjectName sidecar = new ObjectName("dev.faultline:type=Sidecar");
                for (int i = 0; i < COUNT; i++) {
                    String command = strings.next();
                    try {
                        String id = (String) jmx.invoke(
                                sidecar, "run", new Object[] {command}, new String[] {String.class.getName()});
                        accepted++; // well-formed with odd data in it: data, in a sandbox; stopped at once
                        jmx.invoke(sidecar, "stop", new Object[] {id}, new String[] {String.class.getName()});
                    } catch (RuntimeMBeanException e) {
                        refused++;
                        Throwable why = e.getCause();
                        assertTrue(
                                why instanceof IllegalArgumentException,
                                "a refusal, not a crash, for " + printable(command) + ": " + why);
                        String message = why.getMessage();
                        assertTrue(
                                message != null
                                        && !message.isBlank()
                                        && message.length() < 400
                                        && message.lines().count() == 1
                                        && message.chars().noneMatch(ch -> Character.isISOControl(ch)),
                                "a short printable message for " + printable(command) + ": "
                                        + printable(String.valueOf(message)));
                        if (firstRefusals.size() < 5) firstRefusals.add(message);
                    }
                }
                assertEquals(List.of(), watch.seen(), "no process was spawned with the injected text");
                assertTrue(!Files.exists(pwned), pwned + " was created");
                assertEquals(
                        0,
                        ((String[]) jmx.invoke(sidecar, "list", new Object[0], new String[0])).length,
                        "nothing left running");
                assertEquals(0, jmx.getAttribute(sidecar, "RulesActive"), "nothing in force in the journal");
                assertTrue(daemon.isAlive(), Files.readString(dir.resolve("daemon.log")));
                System.out.printf(
                        "[hostile-commands] %d strings (seed %d): %d refused, %d accepted as data (a dry run, in a sandbox) and stopped; "
                                + "%d process scans; e.g. %s%n",
                        COUNT, seed, refused, accepted, watch.scans(), firstRefusals);
            } finally {
                daemon.descendants().forEach(ProcessHandle::destroy); // the sidecar itself, PID 1 of the sandbox
                daemon.destroy();
                if (!daemon.waitFor(20, TimeUnit.SECONDS)) daemon.destroyForcibly();
                for (long deadline = System.currentTimeMillis() + 20_000;
                        daemon.descendants().findAny().isPresent() && System.currentTimeMillis() < deadline; )
                    Thread.sleep(50);
                assertTrue(daemon.descendants().findAny().isEmpty(), "the sandboxed sidecar is gone");
            }
        }
    }

    static String printable(String s) {
        return Printable.message(s);
    }
}
