package dev.faultline.agent;

import java.io.File;
import java.io.PrintStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.net.URISyntaxException;
import java.util.jar.JarFile;

/**
 * Premain-Class and Agent-Class. Kept tiny and free of logging, JMX and our other classes: it appends the
 * agent jar to the bootstrap search path and hands over, by name, to {@code AgentInitializer} loaded from the
 * boot loader. The jar's root holds only this class and the bootstrap package (what advice inlined into JDK
 * classes calls), so that is all the boot loader can load from it; the core and its libraries sit under
 * {@code inst/} as {@code .classdata}, read by the agent's own class loader. Any failure is reported on stderr
 * and the service starts anyway.
 */
public final class FaultlineAgent {
    static final String STARTED_PROPERTY = "dev.faultline.agent.started";

    private FaultlineAgent() {}

    public static void premain(String args, Instrumentation inst) {
        start(args, inst, false);
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst, true);
    }

    /** {@code java -jar faultline-agent.jar list | attach <pid|name> [options]}. */
    public static void main(String[] args) throws Exception {
        // the CLI runs in the core too: loaded from inst/ by the agent's class loader, as in the service
        File jar = ownJar();
        ClassLoader core = (ClassLoader) Class.forName("dev.faultline.agent.bootstrap.AgentClassLoader")
                .getConstructor(File.class)
                .newInstance(jar);
        Object code = Class.forName("dev.faultline.agent.attach.AttachCli", true, core)
                .getMethod("run", String[].class, PrintStream.class, PrintStream.class)
                .invoke(null, args, System.out, System.err);
        System.exit((Integer) code);
    }

    private static void start(String args, Instrumentation inst, boolean dynamic) {
        try {
            String already = System.getProperty(STARTED_PROPERTY);
            if (already != null) {
                System.err.println("[faultline] agent " + already
                        + " is already loaded in this JVM; this second load changes nothing");
                return;
            }
            File jar = ownJar();
            if (!jar.isFile()) {
                System.err.println("[faultline] agent not started: it must run from its jar, not from " + jar);
                return;
            }
            inst.appendToBootstrapClassLoaderSearch(new JarFile(jar));
            String version = FaultlineAgent.class.getPackage().getImplementationVersion();
            Class<?> starter = Class.forName("dev.faultline.agent.bootstrap.AgentInitializer", true, null);
            starter.getMethod("start", String.class, Instrumentation.class, boolean.class, String.class, String.class)
                    .invoke(null, args, inst, dynamic, jar.getAbsolutePath(), version == null ? "dev" : version);
        } catch (Throwable t) {
            Throwable cause = t instanceof InvocationTargetException ite ? ite.getCause() : t;
            System.err.println("[faultline] agent not started; the service runs without it: " + cause);
        }
    }

    private static File ownJar() throws URISyntaxException {
        return new File(FaultlineAgent.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
    }
}
