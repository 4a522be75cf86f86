package dev.faultline.sidecar.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.sidecar.runtime.docker.DockerHost;
import dev.faultline.sidecar.runtime.docker.EngineTest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.Test;

/**
 * The daemon names containers from its picture of the engine (kept by the event stream): what the engine did a
 * moment before run() must count, as a fresh list would have it.
 */
class DaemonSelectionIT extends EngineTest {
    @Test
    void containersStartedStoppedOrReplacedAMomentAgoAreSelectedAsTheEngineHasThem() throws Exception {
        // these three are in the daemon's first list: what the engine does to them afterwards reaches it as events
        String stopped = docker.run + "-stopped";
        docker.start(stopped, List.of(), "sleep", "600");
        String name = docker.run + "-replaced";
        String old = docker.start(name, List.of(), "sleep", "600");
        String renamed = docker.run + "-renamed";
        docker.start(renamed, List.of(), "sleep", "600");
        int port = freePort();
        Process daemon = sidecar.start("daemon", "--jmx-port", Integer.toString(port));
        try (JMXConnector c = DaemonIT.connect(port, sidecar.credentials(port))) {
            MBeanServerConnection jmx = c.getMBeanServerConnection();
            for (int i = 0; i < 3; i++) { // started after the daemon: found at once
                String fresh = docker.run + "-fresh" + i;
                docker.start(fresh, List.of(), "sleep", "600");
                DaemonIT.run(jmx, "kill " + fresh);
                awaitStopped(fresh);
            }

            DockerHost.exec(List.of("docker", "kill", stopped));
            String none = DaemonIT.awaitFoundNothing(jmx, DaemonIT.run(jmx, "kill " + stopped));
            assertTrue(none.contains("no containers found") && none.contains("actions=0"), none);
            DockerHost.exec(List.of("docker", "start", stopped)); // and running again a moment later
            DaemonIT.run(jmx, "kill " + stopped);
            awaitStopped(stopped);

            // the same name on a new container: the new one is hit
            DockerHost.exec(List.of("docker", "rm", "-f", name));
            String now = docker.start(name, List.of(), "sleep", "600");
            assertTrue(!old.equals(now));
            DaemonIT.run(jmx, "kill " + name);
            awaitStopped(name);

            DockerHost.exec(List.of("docker", "rename", renamed, renamed + "-2"));
            String gone = DaemonIT.awaitFoundNothing(jmx, DaemonIT.run(jmx, "kill " + renamed));
            assertTrue(gone.contains("no containers found") && gone.contains("actions=0"), gone);
            DaemonIT.run(jmx, "kill " + renamed + "-2");
            awaitStopped(renamed + "-2");
        } finally {
            daemon.destroy();
            daemon.waitFor(20, TimeUnit.SECONDS);
        }
    }

    void awaitStopped(String container) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (docker.inspect(container, "{{.State.Running}}").equals("true") && System.currentTimeMillis() < deadline)
            Thread.sleep(50);
        assertEquals("false", docker.inspect(container, "{{.State.Running}}"));
    }
}
