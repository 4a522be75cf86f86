package dev.faultline.agent.load;

import java.io.File;
import java.io.FileOutputStream;
import java.lang.instrument.Instrumentation;
import java.util.HashSet;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A second, test-only -javaagent that counts the Class objects the JVM has now: the JVM's loaded-class counter
 * (ClassLoadingMXBean) counts every redefinition as a class loaded, so it cannot tell a leak from a retransformation.
 */
public final class ClassCount {
    private static volatile Instrumentation inst;

    private ClassCount() {}

    public static void premain(String args, Instrumentation instrumentation) {
        inst = instrumentation;
    }

    /** -1 without the agent. */
    public static int now() {
        return inst == null ? -1 : inst.getAllLoadedClasses().length;
    }

    /** The names of the classes there are now (for a report of what a window loaded). */
    public static Set<String> names() {
        Set<String> out = new HashSet<>();
        if (inst != null) for (Class<?> c : inst.getAllLoadedClasses()) out.add(c.getName());
        return out;
    }

    /** The agent's jar: a manifest naming this class, loaded from the service's class path. */
    public static String jar() throws Exception {
        File jar = new File(
                System.getProperty("java.io.tmpdir"),
                "faultline-class-count-" + ProcessHandle.current().pid() + ".jar");
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().putValue("Premain-Class", ClassCount.class.getName());
        try (JarOutputStream out = new JarOutputStream(new FileOutputStream(jar), mf)) {
            // the manifest is all it needs
        }
        jar.deleteOnExit();
        return jar.getAbsolutePath();
    }
}
