package dev.faultline.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentArgumentTest {
    private static final Path JAR = Path.of("/m2/dev/faultline/faultline-agent/0.1.0/faultline-agent-0.1.0.jar");
    private static final String OURS = "-javaagent:" + JAR;

    @Test
    void anEmptyOrMissingLineBecomesOurWordAlone() {
        assertEquals(OURS, AgentArgument.appendTo(null, OURS));
        assertEquals(OURS, AgentArgument.appendTo("  ", OURS));
    }

    @Test
    void otherAgentsAndFlagsStayInFrontInTheirOrder() {
        String jacoco = "-javaagent:/m2/org/jacoco/org.jacoco.agent-0.8.15-runtime.jar=destfile=/p/target/jacoco.exec";
        String otel = "-javaagent:/opt/opentelemetry-javaagent.jar -Dotel.traces.exporter=none";
        String line = jacoco + " " + otel + " -Xmx256m";
        assertEquals(line + " " + OURS, AgentArgument.appendTo(line, OURS));
    }

    @Test
    void anEarlierFaultlineAgentIsReplacedNotRepeated() {
        String first = AgentArgument.appendTo("-Xmx1g", "-javaagent:/old/faultline-agent-0.0.9.jar=log.level=debug");
        assertEquals("-Xmx1g " + OURS, AgentArgument.appendTo(first, OURS));
        String quoted = "\"-javaagent:/a b/faultline-agent.jar\" -ea";
        assertEquals("-ea " + OURS, AgentArgument.appendTo(quoted, OURS));
    }

    @Test
    void optionsAreTheAgentsCommaSeparatedWords() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("faults", "/p/faults.txt");
        options.put("log.level", "warn");
        assertEquals(OURS + "=faults=/p/faults.txt,log.level=warn", AgentArgument.of(JAR, options));
        assertEquals(OURS, AgentArgument.of(JAR, Map.of()));
    }

    @Test
    void aPathWithASpaceIsQuotedAsOneArgument() {
        String arg = AgentArgument.of(Path.of("/home/a b/faultline-agent.jar"), Map.of("log.level", "warn"));
        assertEquals("\"-javaagent:/home/a b/faultline-agent.jar=log.level=warn\"", arg);
    }

    @Test
    void aCommaInAValueIsRefusedNamingTheOption() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> AgentArgument.of(JAR, Map.of("faults", "/a,b/f.txt")));
        assertTrue(e.getMessage().startsWith("agent option faults=/a,b/f.txt:"), e.getMessage());
    }
}
