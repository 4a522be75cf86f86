package dev.faultline.agent.bootstrap;

import java.io.File;
import java.lang.instrument.Instrumentation;

/**
 * Called by {@code FaultlineAgent} once the agent jar is on the boot search path: checks that it runs in the boot
 * loader, makes the {@link AgentClassLoader} and hands over, by name, to the core's {@code AgentStarter} in it,
 * so no core type is linked from here.
 */
public final class AgentInitializer {
    static final String STARTER = "dev.faultline.agent.AgentStarter";
    /** The core the first load started: a second attach's arguments go to it. */
    private static volatile ClassLoader core;

    private AgentInitializer() {}

    public static void start(String args, Instrumentation inst, boolean dynamic, String jarPath, String version)
            throws Exception {
        if (AgentInitializer.class.getClassLoader() != null) {
            throw new IllegalStateException("the bootstrap part must be loaded by the boot loader, not "
                    + AgentInitializer.class.getClassLoader());
        }
        ClassLoader loader = new AgentClassLoader(new File(jarPath));
        core = loader;
        Class.forName(STARTER, true, loader)
                .getMethod("start", String.class, Instrumentation.class, boolean.class, String.class, String.class)
                .invoke(null, args, inst, dynamic, jarPath, version);
    }

    /** A second attach while the agent is loaded: the core acts on it or throws why it cannot. */
    public static void again(String args) throws Exception {
        ClassLoader loader = core;
        if (loader == null) throw new IllegalStateException("the agent's first load did not get as far as its core");
        Class.forName(STARTER, true, loader).getMethod("again", String.class).invoke(null, args);
    }
}
