package dev.faultline.sidecar.jvmcontrol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A spec's ttl leased to the command's duration; and the agent's own parser, read from the built agent jar, judges it. */
class AgentSpecTest {
    static final Duration FIVE = Duration.ofSeconds(5);

    /** The agent jar of this build: the one the sidecar ships (agent/target), or as -Dfaultline.agent.jar names it. */
    static Path agentJar() {
        Path jar = Path.of(System.getProperty("faultline.agent.jar", "../agent/target/faultline-agent.jar"));
        if (!Files.isRegularFile(jar))
            System.out.println("SKIPPED: no agent jar at " + jar.toAbsolutePath() + " (build agent first)");
        assumeTrue(Files.isRegularFile(jar), "no agent jar at " + jar.toAbsolutePath());
        return jar;
    }

    @Test
    void theTtlIsAddedOrShortenedNeverLongerThanTheDuration() {
        assertEquals("error on=connect port=8080 ttl=5000ms", AgentSpec.withTtl("error on=connect port=8080", FIVE));
        assertEquals(
                "latency on=connect delay=300ms ttl=5000ms",
                AgentSpec.withTtl("latency on=connect delay=300ms ttl=1h", FIVE));
        assertEquals(
                "latency on=connect delay=300ms ttl=2s",
                AgentSpec.withTtl("latency on=connect delay=300ms ttl=2s", FIVE));
        assertEquals(
                "hang on=read ttl=5000ms", AgentSpec.withTtl("hang on=read ttl=0", FIVE), "ttl=0 (none) is leased too");
        assertEquals(
                "error on=method class=a.B method=c message=\"card network down\" ttl=5000ms",
                AgentSpec.withTtl("error on=method class=a.B method=c message=\"card network down\"", FIVE));
        assertThrows(IllegalArgumentException.class, () -> AgentSpec.withTtl("   ", FIVE));
        assertThrows(IllegalArgumentException.class, () -> AgentSpec.withTtl("error on=connect ttl=soon", FIVE));
    }

    @Test
    void theAgentsOwnParserAcceptsAndRefuses() {
        Path jar = agentJar();
        assertEquals(
                "latency on=connect port=8080 delay=300ms ttl=5000ms",
                AgentSpec.leased("latency on=connect port=8080 delay=300ms", FIVE, jar));
        IllegalArgumentException unknown =
                assertThrows(IllegalArgumentException.class, () -> AgentSpec.leased("explode on=connect", FIVE, jar));
        assertTrue(unknown.getMessage().contains("'explode': unknown action"), unknown.getMessage());
        IllegalArgumentException badKey = assertThrows(
                IllegalArgumentException.class, () -> AgentSpec.leased("error on=connect delay=1s", FIVE, jar));
        assertTrue(badKey.getMessage().contains("'delay=1s': not a key of error on=connect"), badKey.getMessage());
    }
}
