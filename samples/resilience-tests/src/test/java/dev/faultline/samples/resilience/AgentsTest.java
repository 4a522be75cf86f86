package dev.faultline.samples.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plugin's agent and JaCoCo's share the test JVM: both on the command line, both running. */
class AgentsTest {
    @Test
    void bothAgentsAreOnTheLineAndLoaded() throws Exception {
        List<String> agents = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-javaagent:"))
                .toList();
        assertEquals(
                1, agents.stream().filter(a -> a.contains("faultline-agent")).count(), agents.toString());
        assertEquals(1, agents.stream().filter(a -> a.contains("jacoco")).count(), agents.toString());
        assertTrue(System.getProperty("dev.faultline.agent.started") != null, "the Faultline agent's premain ran");
        // JaCoCo's runtime answers with the coverage it has recorded so far in this JVM
        Object jacoco =
                Class.forName("org.jacoco.agent.rt.RT").getMethod("getAgent").invoke(null);
        byte[] data = (byte[])
                jacoco.getClass().getMethod("getExecutionData", boolean.class).invoke(jacoco, false);
        assertTrue(data.length > 0, "JaCoCo recorded execution data");
    }
}
