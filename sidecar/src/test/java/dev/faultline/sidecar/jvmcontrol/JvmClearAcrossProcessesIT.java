package dev.faultline.sidecar.jvmcontrol;

import static dev.faultline.sidecar.jvmcontrol.JvmVerbsIT.ERROR;
import static dev.faultline.sidecar.jvmcontrol.JvmVerbsIT.JRE17;
import static dev.faultline.sidecar.jvmcontrol.JvmVerbsIT.causes;
import static dev.faultline.sidecar.jvmcontrol.JvmVerbsIT.events;
import static dev.faultline.sidecar.jvmcontrol.JvmVerbsIT.list;
import static dev.faultline.sidecar.jvmcontrol.JvmVerbsIT.logs;
import static dev.faultline.sidecar.jvmcontrol.JvmVerbsIT.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.common.jmx.JmxClient;
import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.runtime.docker.EngineTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.Test;

/**
 * A {@code jvm clear} from a separate sidecar process (an operator's one-shot, a {@code kubectl exec}) while the daemon
 * attaches to the same JVM, against the real Docker engine and a shell-less FROM-scratch JRE 17 service (uid 4321, no
 * passwd entry). The daemon's attach is held, its locks taken and nothing loaded yet, by the test's pause
 * ({@code FAULTLINE_TEST_PAUSE_ATTACH}), so the clear always finds Faultline not loaded: without an order across
 * processes it returned "nothing to clear" at once and the daemon then armed. One container, one daemon, one CLI.
 */
class JvmClearAcrossProcessesIT extends EngineTest {
    @Test
    void aClearFromAnotherProcessDuringTheDaemonsAttachLeavesNothingArmed() throws Exception {
        String svc = JvmVerbsIT.startService(docker, JRE17);
        Path pause = Files.createTempFile("faultline-pause-attach", "");
        int port = freePort();
        Process daemon = sidecar.start(
                Map.of("FAULTLINE_TEST_PAUSE_ATTACH", pause.toString()),
                "--runtime",
                "docker",
                "daemon",
                "--jmx-port",
                Integer.toString(port));
        try (JMXConnector c = JmxClient.await("127.0.0.1", port, sidecar.credentials(port), 30_000)) {
            MBeanServerConnection jmx = c.getMBeanServerConnection();
            CompletableFuture<String> fault = CompletableFuture.supplyAsync(() -> {
                try {
                    return "returned " + run(jmx, "jvm --duration 60s fault \"" + ERROR + "\" " + svc);
                } catch (Exception e) {
                    return "refused " + causes(e);
                }
            });
            // the daemon holds the JVM's locks and has attached nothing: it wrote its pid into the pause file
            long t0 = System.nanoTime();
            while (Files.size(pause) == 0) {
                assertTrue(ms(t0) < 20_000, "the daemon's attach reached its pause");
                Thread.sleep(10);
            }
            Process clear = sidecar.start("--runtime", "docker", "jvm", "clear", svc);
            StringBuffer said = new StringBuffer();
            Thread pump = pump(clear.getInputStream(), said);
            // the clear has found the JVM (Faultline not loaded) and waits for the daemon, or, unordered, has ended
            t0 = System.nanoTime();
            while (clear.isAlive() && !said.toString().contains("action=wait")) {
                assertTrue(ms(t0) < 30_000, "the clear reached the JVM: " + said);
                Thread.sleep(10);
            }
            Files.delete(pause); // the daemon's attach goes on
            assertTrue(clear.waitFor(40, TimeUnit.SECONDS), "the clear returned: " + said);
            pump.join(5_000);
            int from = logs(svc).length();
            String faultSaid = fault.get(30, TimeUnit.SECONDS);
            System.out.println("[jvm-clear-it] fault " + faultSaid + "\n[jvm-clear-it] clear (exit " + clear.exitValue()
                    + "):\n" + said);
            assertEquals(0, clear.exitValue(), said.toString());
            Thread.sleep(1_500); // an armed fault would fail the service's next connection, 20 ms on
            List<String> all = events(svc, 0);
            assertTrue(
                    events(svc, from).stream().noneMatch(e -> e.startsWith("EVENT error"))
                            && all.get(all.size() - 1).startsWith("EVENT ok"),
                    "armed after the clear returned: " + all);
            assertTrue(said.toString().contains("for=\"pid " + daemon.pid() + ": jvm fault, since "), said.toString());
            assertTrue(
                    faultSaid.startsWith("refused ")
                            && faultSaid.contains("a jvm clear of it started while this fault was attaching"),
                    faultSaid);
            assertTrue(
                    said.toString().contains(svc + "(")
                            && said.toString().contains("Faultline not loaded: nothing to clear"),
                    "the daemon attached nothing: " + said);
            assertTrue(
                    Arrays.stream(list(jmx)).noneMatch(l -> l.startsWith("attached ")), String.join("\n", list(jmx)));
            assertEquals(0, new Journal(sidecar.journal).pending().size(), "nothing left in the journal");
        } finally {
            Files.deleteIfExists(pause);
            daemon.destroy();
            daemon.waitFor(20, TimeUnit.SECONDS);
        }
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** Reads a process's output as it comes, so that a test can wait for a line. */
    private static Thread pump(InputStream in, StringBuffer into) {
        Thread t = new Thread(() -> {
            byte[] b = new byte[4096];
            try (in) {
                for (int n; (n = in.read(b)) > 0; ) into.append(new String(b, 0, n, StandardCharsets.UTF_8));
            } catch (IOException ended) {
                // the process ended
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }
}
