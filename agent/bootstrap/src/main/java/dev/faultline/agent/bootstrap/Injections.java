package dev.faultline.agent.bootstrap;

/**
 * The one {@link InjectionListener} of this JVM, set by the core at start. {@link FaultRule#fire()} tells it of each
 * injection it decides; a listener that fails is reported once and the fault acts all the same.
 */
public final class Injections {
    private static volatile InjectionListener listener;

    private Injections() {}

    public static void listen(InjectionListener injectionListener) {
        listener = injectionListener;
    }

    static void fired(FaultRule rule) {
        InjectionListener l = listener;
        if (l == null) return;
        try {
            l.injected(rule);
        } catch (Throwable t) {
            InternalErrors.report(t);
        }
    }
}
