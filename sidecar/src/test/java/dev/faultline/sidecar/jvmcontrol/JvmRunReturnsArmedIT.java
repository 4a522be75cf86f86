package dev.faultline.sidecar.jvmcontrol;

import static dev.faultline.sidecar.jvmcontrol.JvmVerbsIT.ERROR;
import static dev.faultline.sidecar.jvmcontrol.JvmVerbsIT.JRE17;
import static dev.faultline.sidecar.jvmcontrol.JvmVerbsIT.SIDECAR;
import static dev.faultline.sidecar.jvmcontrol.JvmVerbsIT.awaitLast;
import static dev.faultline.sidecar.jvmcontrol.JvmVerbsIT.awaitLog;
import static dev.faultline.sidecar.jvmcontrol.JvmVerbsIT.causes;
import static dev.faultline.sidecar.jvmcontrol.JvmVerbsIT.events;
import static dev.faultline.sidecar.jvmcontrol.JvmVerbsIT.list;
import static dev.faultline.sidecar.jvmcontrol.JvmVerbsIT.logs;
import static dev.faultline.sidecar.jvmcontrol.JvmVerbsIT.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.common.jmx.JmxClient;
import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.runtime.docker.DockerHost;
import dev.faultline.sidecar.runtime.docker.EngineTest;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.Test;

/**
 * The daemon's run(jvm …) as a script meets it, against the real Docker engine and shell-less FROM-scratch JRE 17
 * services (uid 4321, no passwd entry): a {@code jvm clear} issued while a {@code jvm fault} is still attaching
 * leaves nothing armed once it returns; run(jvm fault) returns once the fault is armed, and a refusal is its error.
 * One daemon and one test for the three services, to keep the CI cost to one sidecar start.
 */
class JvmRunReturnsArmedIT extends EngineTest {
    private String startService(String... jvmOptions) throws Exception {
        return JvmVerbsIT.startService(docker, JRE17, jvmOptions);
    }

    @Test
    void aClearDuringTheAttachLeavesNothingArmedAndRunReturnsOnceArmed() throws Exception {
        if (DockerHost.exec(List.of("docker", "image", "inspect", JRE17)).startsWith("ERR"))
            throw new AssertionError(JRE17 + " missing: .ci/images.sh builds it");
        String raced = startService();
        String armed = startService();
        String disabled = startService("-XX:+DisableAttachMechanism");
        int port = freePort();
        Process daemon = sidecar.start("--runtime", "docker", "daemon", "--jmx-port", Integer.toString(port));
        try (JMXConnector c = JmxClient.await("127.0.0.1", port, sidecar.credentials(port), 30_000)) {
            MBeanServerConnection jmx = c.getMBeanServerConnection();
            clearWhileAttaching(jmx, raced);
            runReturnsOnceArmed(jmx, armed);
            refusalIsRunsError(jmx, disabled);
            assertEquals(0, new Journal(sidecar.journal).pending().size(), "nothing left in the journal");
        } finally {
            daemon.destroy();
            daemon.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /**
     * A cold JVM: the fault's run() on one thread, the clear's on another as soon as the fault is listed (its
     * attach takes seconds). Whichever wins the JVM's lock, once both have returned no fault is armed: the service
     * sees no error, and a second clear over the daemon's connection finds nothing.
     */
    private static void clearWhileAttaching(MBeanServerConnection jmx, String svc) throws Exception {
        CompletableFuture<String> fault = CompletableFuture.supplyAsync(() -> {
            try {
                return "returned " + run(jmx, "jvm --duration 60s fault \"" + ERROR + "\" " + svc);
            } catch (Exception e) {
                return "refused " + causes(e);
            }
        });
        long t0 = System.nanoTime();
        while (Arrays.stream(list(jmx)).noneMatch(l -> l.contains("running") && l.contains(" fault "))) {
            assertTrue((System.nanoTime() - t0) / 1_000_000 < 10_000, "the fault is listed as running");
            Thread.sleep(5);
        }
        assertFalse(fault.isDone(), "the clear is issued while the fault is still attaching: " + fault.getNow(""));
        String clearId = run(jmx, "jvm clear " + svc);
        String faultSaid = fault.get(30, TimeUnit.SECONDS);
        String[] lines = list(jmx);
        System.out.println("[jvm-run-it] clear raced the attach: fault " + faultSaid + "; clear "
                + Arrays.stream(lines)
                        .filter(l -> l.startsWith(clearId + "  ") && l.contains("host_pid="))
                        .toList());
        int from = logs(svc).length();
        Thread.sleep(1_500); // an armed fault would fail the service's next connection, 20 ms on
        List<String> after = events(svc, from);
        List<String> all = events(svc, 0);
        // the service prints an event when its state changes: an error armed earlier shows as the last event
        assertTrue(
                after.stream().noneMatch(e -> e.startsWith("EVENT error"))
                        && all.get(all.size() - 1).startsWith("EVENT ok"),
                "armed after the clear returned: " + all);
        // the clear took the JVM's lock after the attach (the daemon is connected) or before it (the fault was
        // refused before attaching): either way a second clear finds no fault
        String again = run(jmx, "jvm clear " + svc);
        assertTrue(
                Arrays.stream(list(jmx))
                        .anyMatch(l -> l.startsWith(again + "  ")
                                && (l.endsWith("cleared 0 fault(s) over the connection")
                                        || l.endsWith("Faultline not loaded: nothing to clear"))),
                "the agent holds no fault:\n" + String.join("\n", list(jmx)));
    }

    /** run(jvm fault) answers once the fault is armed: list() at that moment shows it, and the service fails. */
    private static void runReturnsOnceArmed(MBeanServerConnection jmx, String svc) throws Exception {
        int from = logs(svc).length();
        long t0 = System.nanoTime();
        String id = run(jmx, "jvm --duration 60s fault \"" + ERROR + "\" " + svc);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String[] lines = list(jmx);
        System.out.println("[jvm-run-it] run(jvm fault) on a cold JVM returned in " + ms + " ms");
        assertTrue(
                Arrays.stream(lines).anyMatch(l -> l.startsWith(id + "  ") && l.contains("  armed ")),
                "armed when run() returned:\n" + String.join("\n", lines));
        awaitLog(svc, "EVENT error:ConnectException", from, 2_000);
        jmx.invoke(SIDECAR, "stop", new Object[] {id}, new String[] {String.class.getName()});
        awaitLast(svc, "EVENT ok", 5_000);
    }

    /** A JVM that cannot be attached: run() itself fails, naming the cause, and nothing is left running. */
    private static void refusalIsRunsError(MBeanServerConnection jmx, String svc) throws Exception {
        Exception refused = null;
        try {
            run(jmx, "jvm --duration 60s fault \"" + ERROR + "\" " + svc);
        } catch (Exception e) {
            refused = e;
        }
        assertTrue(
                refused != null
                        && causes(refused).contains("refused, nothing attached")
                        && causes(refused).contains("DisableAttachMechanism"),
                String.valueOf(refused));
        assertTrue(
                Arrays.stream(list(jmx)).noneMatch(l -> l.contains("running") && l.contains(" fault ")),
                String.join("\n", list(jmx)));
    }
}
