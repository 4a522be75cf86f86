package dev.faultline.agent.bootstrap;

/**
 * The static entry point that Reactor Netty advice calls; loaded by the boot loader so Reactor Netty in any class
 * loader (relocated copies too) sees it. Reactor Netty's types are not visible from here (nor linked by the agent), so
 * the work is done by a {@link Dispatch} the core sets, which reaches them by reflection. While no rule
 * is armed for its hook, each entry point is one volatile read of a null array.
 */
public final class ReactorNettyHooks {
    /** What the core does at the entry point; called only while rules are armed. */
    public interface Dispatch {
        boolean serverState(FaultRule[] rules, Object handle, Object connection, Object state);

        Object clientRequest(FaultRule[] rules, Object operations, Object request);
    }

    private static volatile Dispatch dispatch;
    private static volatile FaultRule[] server;
    private static volatile FaultRule[] client;

    private ReactorNettyHooks() {}

    /** Set once, before the first rule is published. */
    public static void dispatch(Dispatch d) {
        dispatch = d;
    }

    /** The rules a hook acts on from now on; null or empty for none. */
    public static void publish(Hook hook, FaultRule[] rules) {
        FaultRule[] r = rules == null || rules.length == 0 ? null : rules;
        switch (hook) {
            case HTTP_SERVER -> server = r;
            case HTTP_CLIENT -> client = r;
            default -> throw new IllegalArgumentException("not a Reactor Netty hook: " + hook);
        }
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

    /**
     * Reactor Netty's {@code HttpClientConnect.HttpClientHandler.requestWithBody(operations)}, on a connection the
     * client has acquired, once the request is prepared (its method, URL and headers) and before anything of it is
     * written: the publisher that writes it is the method's result.
     *
     * @return the publisher to return instead (an injected response or failure, or the request delayed), or
     *     {@code request} itself to send it as it is
     */
    public static Object clientRequest(Object operations, Object request) {
        FaultRule[] rules = client;
        return rules == null ? request : dispatch.clientRequest(rules, operations, request);
    }
}
