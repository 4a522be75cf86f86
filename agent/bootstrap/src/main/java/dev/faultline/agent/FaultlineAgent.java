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
    /**
     * How the last attach ended, {@code ok} or {@code refused: <why>}: a JDK attacher hears only "failed to
     * initialize", so the sidecar reads why with the attach {@code properties} command.
     */
    static final String ATTACH_PROPERTY = "dev.faultline.agent.attach";

    private FaultlineAgent() {}

    public static void premain(String args, Instrumentation inst) {
        try {
            start(args, inst, false);
        } catch (Throwable unreachable) {
            // start() reports a failure at premain itself: the service starts without the agent
        }
    }

    /**
     * An attach. Throws (failing the attach, the reason in {@link #ATTACH_PROPERTY} and on stderr) when the agent
     * cannot start, or when it is loaded already and the options are not a command it can carry out.
     */
    public static void agentmain(String args, Instrumentation inst) {
        try {
            if (System.getProperty(STARTED_PROPERTY) != null) {
                // loaded already: the core acts on cmd=clear or jmx.unix, or says why it cannot
                Class.forName("dev.faultline.agent.bootstrap.AgentInitializer", true, null)
                        .getMethod("again", String.class)
                        .invoke(null, args);
            } else {
                start(args, inst, true);
            }
            System.setProperty(ATTACH_PROPERTY, "ok");
        } catch (Throwable t) {
            String why = String.valueOf(rootCause(t).getMessage());
            System.setProperty(ATTACH_PROPERTY, "refused: " + why);
            System.err.println("[faultline] attach refused: " + why);
            IllegalStateException refused = new IllegalStateException(why);
            // no stack trace: the target's stderr gets the line above and the JDK's report of this, nothing more
            refused.setStackTrace(new StackTraceElement[0]);
            throw refused;
        }
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

    private static void start(String args, Instrumentation inst, boolean dynamic) throws Throwable {
        try {
            String already = System.getProperty(STARTED_PROPERTY);
            if (already != null) {
                System.err.println("[faultline] agent " + already
                        + " is already loaded in this JVM; this second load changes nothing");
                return;
            }
            File jar = ownJar();
            if (!jar.isFile()) throw new IllegalStateException("it must run from its jar, not from " + jar);
            inst.appendToBootstrapClassLoaderSearch(new JarFile(jar));
            String version = FaultlineAgent.class.getPackage().getImplementationVersion();
            Class<?> starter = Class.forName("dev.faultline.agent.bootstrap.AgentInitializer", true, null);
            starter.getMethod("start", String.class, Instrumentation.class, boolean.class, String.class, String.class)
                    .invoke(null, args, inst, dynamic, jar.getAbsolutePath(), version == null ? "dev" : version);
        } catch (Throwable t) {
            if (dynamic) throw t;
            System.err.println("[faultline] agent not started; the service runs without it: " + rootCause(t));
        }
    }

    private static Throwable rootCause(Throwable t) {
        while (t instanceof InvocationTargetException ite && ite.getCause() != null) t = ite.getCause();
        return t;
    }

    private static File ownJar() throws URISyntaxException {
        return new File(FaultlineAgent.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
    }
}
