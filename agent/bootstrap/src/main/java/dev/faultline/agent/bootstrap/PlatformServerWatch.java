package dev.faultline.agent.bootstrap;

import java.util.function.Consumer;
import javax.management.MBeanServer;
import javax.management.MBeanServerBuilder;
import javax.management.MBeanServerDelegate;

/**
 * Tells the agent when the platform MBean server is created, so that it registers its MBeans there only once someone
 * asked for that server (a local JMX tool attaching, the service itself, another agent) instead of creating it at
 * start-up. Set as {@code javax.management.builder.initial}, which JMX reads at each server's creation and loads
 * through the thread's context class loader: hence here, on the boot search path, visible to every loader. It
 * builds every server exactly as the JDK's own builder does; a listener that fails never fails the creation.
 */
public final class PlatformServerWatch extends MBeanServerBuilder {
    public static final String PROPERTY = "javax.management.builder.initial";
    private static volatile Consumer<MBeanServer> listener;

    /** Instantiated by JMX. */
    public PlatformServerWatch() {}

    /**
     * Watches for the platform server's creation; false when another builder is set (an application server's own),
     * which is left alone: then the caller registers at once instead.
     */
    public static synchronized boolean watch(Consumer<MBeanServer> onPlatform) {
        String set = System.getProperty(PROPERTY);
        if (set != null && !set.equals(PlatformServerWatch.class.getName())) return false;
        listener = onPlatform;
        System.setProperty(PROPERTY, PlatformServerWatch.class.getName());
        return true;
    }

    @Override
    public MBeanServer newMBeanServer(String defaultDomain, MBeanServer outer, MBeanServerDelegate delegate) {
        MBeanServer server = super.newMBeanServer(defaultDomain, outer, delegate);
        Consumer<MBeanServer> l = listener;
        if (l != null && outer == null && forPlatform()) {
            try {
                l.accept(server);
            } catch (Throwable t) {
                InternalErrors.report(t);
            }
        }
        return server;
    }

    /** Whether this creation is {@code ManagementFactory.getPlatformMBeanServer()}'s (its first call). */
    private static boolean forPlatform() {
        return StackWalker.getInstance()
                .walk(frames -> frames.anyMatch(f -> f.getClassName().equals("java.lang.management.ManagementFactory")
                        && f.getMethodName().equals("getPlatformMBeanServer")));
    }
}
