package dev.faultline.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The built jar itself: one agent jar, retransform capable. What the premain appends to the boot search path can
 * load only the jar's root classes: those are the premain class and the bootstrap package, JDK-only and small.
 * Everything else (the core and every library, relocated under our package) sits under {@code inst/}, for the
 * agent's own class loader.
 */
class AgentJarIT {
    static final String PREMAIN = "dev/faultline/agent/FaultlineAgent.class";
    static final String BOOTSTRAP = "dev/faultline/agent/bootstrap/";
    /**
     * The rule core plus one entry point (and its dispatch interface) per hooked library family, which advice in any
     * class loader must reach: 73 with the protocol hooks (JDK HTTP, servlet, OkHttp, Apache, gRPC), the span
     * events and the Netty hooks (NettyState: their idle test); the bound catches logic drifting into the boot loader,
     * not the next hook.
     */
    static final int MAX_BOOTSTRAP_CLASSES = 80;

    @Test
    void manifestAndRelocation() throws Exception {
        try (JarFile jar = new JarFile(new File(ForkedService.AGENT_JAR))) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertEquals("dev.faultline.agent.FaultlineAgent", main.getValue("Premain-Class"));
            assertEquals("dev.faultline.agent.FaultlineAgent", main.getValue("Agent-Class"));
            assertEquals("true", main.getValue("Can-Retransform-Classes"));
            assertEquals("true", main.getValue("Can-Redefine-Classes"));
            List<String> leaked = new ArrayList<>();
            for (JarEntry e : Collections.list(jar.entries())) {
                String n = e.getName();
                if (n.endsWith(".class") && !n.startsWith("dev/faultline/") && !n.startsWith("inst/dev/faultline/"))
                    leaked.add(n);
            }
            assertTrue(
                    leaked.isEmpty(),
                    "classes outside dev/faultline (not relocated): " + leaked.subList(0, Math.min(10, leaked.size())));
            assertTrue(jar.getEntry("inst/dev/faultline/agent/shaded/bytebuddy/ByteBuddy.class") != null);
            assertTrue(jar.getEntry("inst/dev/faultline/agent/shaded/slf4j/LoggerFactory.class") != null);
            assertTrue(jar.getEntry("inst/dev/faultline/agent/shaded/prometheus/jmx/JmxCollector.class") != null);
        }
    }

    @Test
    void onlyTheBootstrapPackageIsLoadableFromTheBootSearchPath() throws Exception {
        try (JarFile jar = new JarFile(new File(ForkedService.AGENT_JAR))) {
            List<String> bootstrap = new ArrayList<>();
            List<String> elsewhere = new ArrayList<>();
            List<String> linksOutside = new ArrayList<>();
            boolean premain = false;
            for (JarEntry e : Collections.list(jar.entries())) {
                String n = e.getName();
                if (e.isDirectory() || n.startsWith("inst/") || n.equals("META-INF/MANIFEST.MF")) continue;
                if (n.equals(PREMAIN)) {
                    premain = true;
                } else if (n.startsWith(BOOTSTRAP) && n.endsWith(".class") && n.indexOf('/', BOOTSTRAP.length()) < 0) {
                    bootstrap.add(n);
                } else {
                    elsewhere.add(n);
                    continue;
                }
                try (InputStream in = jar.getInputStream(e)) {
                    String constants = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                    for (String lib : new String[] {
                        "dev/faultline/agent/shaded/", "dev/faultline/common/", "net/bytebuddy/", "org/slf4j/"
                    }) {
                        if (constants.contains(lib)) linksOutside.add(n + " -> " + lib);
                    }
                }
            }
            assertTrue(premain, "the premain class at the root");
            assertTrue(
                    elsewhere.isEmpty(),
                    "at the jar's root only the premain class and " + BOOTSTRAP + ": " + elsewhere);
            assertTrue(
                    !bootstrap.isEmpty() && bootstrap.size() <= MAX_BOOTSTRAP_CLASSES,
                    "the bootstrap package is small (<= " + MAX_BOOTSTRAP_CLASSES + " classes): " + bootstrap.size());
            assertTrue(linksOutside.isEmpty(), "bootstrap classes refer to JDK classes only: " + linksOutside);
            assertTrue(jar.getEntry("inst/dev/faultline/agent/AgentStarter.class") != null, "the core under inst/");
            assertTrue(jar.getEntry("dev/faultline/agent/AgentStarter.class") == null, "and not at the root");
        }
    }
}
