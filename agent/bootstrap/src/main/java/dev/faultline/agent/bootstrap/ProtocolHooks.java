package dev.faultline.agent.bootstrap;

import java.io.IOException;

/**
 * The static entry points that protocol advice (HTTP servers and clients) calls; loaded by the boot loader so every
 * library's classes can see them. The libraries' own types are not visible from here (the JDK's HTTP server and
 * client live in the platform loader), so the work is done by a {@link Dispatch} the core sets, whose loader sees
 * them; arguments pass as {@code Object}. While no rule is armed for a hook, its entry point is one volatile read of
 * a null array.
 */
public final class ProtocolHooks {
    /** What the core does at each entry point; called only while rules are armed for that hook. */
    public interface Dispatch {
        boolean jdkHttpServer(FaultRule[] rules, Object exchange) throws IOException;

        Object jdkHttpClientSend(FaultRule[] rules, Object client, Object request, Object bodyHandler);

        Object jdkHttpClientSent(FaultRule[] rules, Object request, Object future);
    }

    private static volatile Dispatch dispatch;
    private static volatile FaultRule[] httpServer;
    private static volatile FaultRule[] httpClient;

    private ProtocolHooks() {}

    /** Set once, before the first rule is published. */
    public static void dispatch(Dispatch d) {
        dispatch = d;
    }

    /** The rules a hook acts on from now on; null or empty for none. */
    public static void publish(Hook hook, FaultRule[] rules) {
        FaultRule[] r = rules == null || rules.length == 0 ? null : rules;
        switch (hook) {
            case HTTP_SERVER -> httpServer = r;
            case HTTP_CLIENT -> httpClient = r;
            default -> throw new IllegalArgumentException("not a protocol hook with a dispatch yet: " + hook);
        }
    }

    /**
     * The JDK's {@code com.sun.net.httpserver}: {@code ServerImpl.Exchange.LinkHandler.handle(exchange)}, after the
     * context's own filters (an access-log filter sees the injected status) and before its handler.
     *
     * @return true if the exchange was answered here and the handler must not run
     */
    public static boolean jdkHttpServer(Object exchange) throws IOException {
        FaultRule[] rules = httpServer;
        return rules != null && dispatch.jdkHttpServer(rules, exchange);
    }

    /**
     * The JDK's {@code java.net.http.HttpClient}: {@code HttpClientImpl.sendAsync(request, handler, push, executor)},
     * which {@code send} and every {@code sendAsync} go through, before the request leaves.
     *
     * @return the future the call returns instead (a synthetic response, or a failure), or null to send it
     */
    public static Object jdkHttpClientSend(Object client, Object request, Object bodyHandler) {
        FaultRule[] rules = httpClient;
        return rules == null ? null : dispatch.jdkHttpClientSend(rules, client, request, bodyHandler);
    }

    /** After that call: the future it returns, delayed if a latency rule fires. */
    public static Object jdkHttpClientSent(Object request, Object injected, Object future) {
        if (injected != null) return injected;
        FaultRule[] rules = httpClient;
        return rules == null || future == null ? future : dispatch.jdkHttpClientSent(rules, request, future);
    }
}
