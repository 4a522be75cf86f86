package dev.faultline.samples.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.samples.control.SidecarChaos;
import dev.faultline.samples.fleet.Docker;
import dev.faultline.samples.fleet.DockerFleet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The classic experiment on a real Docker engine: 1 replica under random crashes breaks the hypothesis, 5 hold it. */
class ReplicasIT {

    static final Duration CHAOS = Duration.ofSeconds(30);
    static final Duration KILL_INTERVAL = Duration.ofSeconds(4);

    @Test
    void oneReplicaBreaksTheSteadyStateFiveHoldIt() throws Exception {
        TestEnvironment.requireDocker();
        TestEnvironment.agentJar();
        var sidecar = TestEnvironment.sidecarJar();
        if (!SidecarChaos.runsAsRoot()) {
            TestEnvironment.skipOrFail("the sidecar's crash signals container processes from the host: run as root");
        }
        DockerFleet.buildImage(TestEnvironment.files(), TestEnvironment.baseImage());

        List<ReplicasExperiment.Run> runs =
                new ReplicasExperiment(sidecar, CHAOS, KILL_INTERVAL, 40, System.out).run(1, 5);
        String table = "\n" + ReplicasExperiment.table(runs).render();
        System.out.print(table);
        ReplicasExperiment.Run one = runs.get(0), five = runs.get(1);
        int expectedKills = (int) (CHAOS.toMillis() / KILL_INTERVAL.toMillis());

        for (ReplicasExperiment.Run r : runs) {
            assertTrue(
                    ReplicasExperiment.HYPOTHESIS.heldBy(r.steadyState()),
                    r.replicas() + " replica(s): the steady state must hold before any chaos: " + r.steadyState()
                            + table);
            // The sidecar may skip a tick whose only match is still restarting, hence the lower bound of half.
            assertTrue(
                    r.kills() >= expectedKills / 2 && r.kills() <= expectedKills + 1,
                    r.replicas() + " replica(s): a crash every " + KILL_INTERVAL.toSeconds() + " s for "
                            + CHAOS.toSeconds()
                            + " s is ~" + expectedKills + " kills; the engine saw " + r.kills() + table
                            + "\nsidecar: " + r.sidecarCommand() + "\n" + r.sidecarOutput());
            assertTrue(
                    r.restarts() >= r.kills(),
                    r.replicas() + " replica(s): the restart policy must bring crashed replicas back: " + r.kills()
                            + " kills, " + r.restarts() + " restarts" + table);
        }
        assertEquals(1, one.replicas());
        assertFalse(
                one.held(),
                "1 replica under crashes should break the hypothesis; measured " + one.underChaos() + table);
        assertTrue(
                one.underChaos().successRate() < 0.95,
                "1 replica is down for part of every crash: expected well under 99% success, measured "
                        + one.underChaos() + table);
        assertTrue(five.held(), "5 replicas should hold the hypothesis; measured " + five.underChaos() + table);
        assertTrue(five.gatewayRetries() > 0, "with 5 replicas the gateway's retries absorbed the crashes" + table);
    }

    @AfterAll
    static void removeLeftovers() {
        if (Docker.unavailableReason().isEmpty()) {
            Docker.removeLabelled(null);
        }
    }
}
