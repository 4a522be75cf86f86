package dev.faultline.samples.experiments;

import dev.faultline.samples.fleet.Docker;
import dev.faultline.samples.fleet.DockerFleet;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The slow-downstream experiment on containers of the sample image: the agent inside each container, its
 * JMX connector reached through a port published on 127.0.0.1, the downstream another container.
 */
class DockerSlowDownstreamIT {

    @Test
    void inProcessFaultsThroughPublishedJmxPortsOfContainers() throws Exception {
        TestEnvironment.requireDocker();
        TestEnvironment.agentJar();
        DockerFleet.buildImage(TestEnvironment.files(), TestEnvironment.baseImage());
        try (DockerFleet fleet = DockerFleet.start(2, true)) {
            SlowDownstreamExpectations.check(
                    new SlowDownstreamExperiment(fleet, 40, Duration.ofSeconds(5), System.out).run());
        }
    }

    @AfterAll
    static void removeLeftovers() {
        if (Docker.unavailableReason().isEmpty()) {
            Docker.removeLabelled(null);
        }
    }
}
