package dev.faultline.agent.it;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The built jar itself: one agent jar, retransform capable, every library relocated under our package. */
class AgentJarIT {
    @Test
    void manifestAndRelocation() throws Exception {
        try (JarFile jar = new JarFile(new File(ForkedService.AGENT_JAR))) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertEquals("dev.faultline.agent.FaultlineAgent", main.getValue("Premain-Class"));
            assertEquals("dev.faultline.agent.FaultlineAgent", main.getValue("Agent-Class"));
            assertEquals("true", main.getValue("Can-Retransform-Classes"));
            assertEquals("true", main.getValue("Can-Redefine-Classes"));
            List<String> leaked = new ArrayList<>();
            for (JarEntry e : java.util.Collections.list(jar.entries())) {
                String n = e.getName();
                if (n.endsWith(".class") && !n.startsWith("dev/faultline/")) leaked.add(n);
            }
            assertTrue(leaked.isEmpty(), "classes outside dev/faultline (not relocated): " + leaked.subList(0, Math.min(10, leaked.size())));
            assertTrue(jar.getEntry("dev/faultline/agent/shaded/bytebuddy/ByteBuddy.class") != null);
            assertTrue(jar.getEntry("dev/faultline/agent/shaded/slf4j/LoggerFactory.class") != null);
            assertTrue(jar.getEntry("dev/faultline/agent/shaded/prometheus/jmx/JmxCollector.class") != null);
        }
    }
}
