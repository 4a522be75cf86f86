package dev.faultline.agent.bootstrap;

/**
 * The static entry point that Undertow advice calls; loaded by the boot loader so Undertow in any class loader sees
 * it. Undertow's types are not visible from here (nor linked by the agent), so the work is done by a {@link Dispatch}
 * the core sets, which reaches them by reflection. While no {@code on=http-server} rule is armed, the entry point is
 * one volatile read of a null array.
 */
public final class UndertowHooks {
    /** What the core does at the entry point; called only while rules are armed. */
    public interface Dispatch {
        Object rootHandler(FaultRule[] rules, Object handler, Object exchange);
    }

    private static volatile Dispatch dispatch;
    private static volatile FaultRule[] server;

    private UndertowHooks() {}

    /** Set once, before the first rule is published. */
    public static void dispatch(Dispatch d) {
        dispatch = d;
    }

    /** The {@code on=http-server} rules from now on; null or empty for none. */
    public static void publish(FaultRule[] rules) {
        server = rules == null || rules.length == 0 ? null : rules;
    }

    /**
     * Undertow's {@code Connectors.executeRootHandler(HttpHandler, HttpServerExchange)}, where every protocol
     * (HTTP/1.1, HTTP/2, AJP) hands a request to the server's handler chain, and where a dispatch resumes it.
     *
     * @return the handler to run: the given one, or one that delays it or answers instead of it
     */
    public static Object rootHandler(Object handler, Object exchange) {
        FaultRule[] rules = server;
        return rules == null ? handler : dispatch.rootHandler(rules, handler, exchange);
    }
}
