package dev.faultline.samples.experiments;

import dev.faultline.samples.fleet.LocalFleet;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The slow-downstream experiment on local JVMs started with the built agent jar, driven over remote JMX. */
class SlowDownstreamIT {

    @Test
    void gatewayAbsorbsSomeInProcessFaultsAndShowsTheArmedAmountsOfTheOthers() throws Exception {
        TestEnvironment.agentJar();
        try (LocalFleet fleet = LocalFleet.start(TestEnvironment.files(), 2)) {
            SlowDownstreamExpectations.check(
                    new SlowDownstreamExperiment(fleet, 40, Duration.ofSeconds(5), System.out).run());
        }
    }
}
