package dev.faultline.agent.bootstrap;

/**
 * The static entry point that Reactor Netty advice calls; loaded by the boot loader so Reactor Netty in any class
 * loader (relocated copies too) sees it. Reactor Netty's types are not visible from here (nor linked by the agent), so
 * the work is done by a {@link Dispatch} the core sets, which reaches them by reflection. While no
 * {@code on=http-server} rule is armed, the entry point is one volatile read of a null array.
 */
public final class ReactorNettyHooks {
    /** What the core does at the entry point; called only while rules are armed. */
    public interface Dispatch {
        boolean serverState(FaultRule[] rules, Object handle, Object connection, Object state);
    }

    private static volatile Dispatch dispatch;
    private static volatile FaultRule[] server;

    private ReactorNettyHooks() {}

    /** Set once, before the first rule is published. */
    public static void dispatch(Dispatch d) {
        dispatch = d;
    }

    /** The {@code on=http-server} rules from now on; null or empty for none. */
    public static void publish(FaultRule[] rules) {
        server = rules == null || rules.length == 0 ? null : rules;
    }

    /**
     * Reactor Netty's {@code HttpServer.HttpServerHandle.onStateChange(connection, state)}, which applies the
     * server's handler (WebFlux's included) to each request it received, on the connection's event loop.
     *
     * @return true if the request was taken over here (answered, or its handler scheduled for later) and the
     *     method must not apply the handler now
     */
    public static boolean serverState(Object handle, Object connection, Object state) {
        FaultRule[] rules = server;
        return rules != null && dispatch.serverState(rules, handle, connection, state);
    }
}
