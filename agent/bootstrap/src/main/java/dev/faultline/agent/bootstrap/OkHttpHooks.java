package dev.faultline.agent.bootstrap;

/**
 * The static entry point that OkHttp advice calls; loaded by the boot loader so OkHttp in any class loader sees it.
 * OkHttp's types are not visible from here (nor linked by the agent), so the work is done by a {@link Dispatch} the
 * core sets, which reaches them by reflection. While no {@code on=http-client} rule is armed, the entry point is one
 * volatile read of a null array.
 */
public final class OkHttpHooks {
    /** What the core does at the entry point; called only while rules are armed. */
    public interface Dispatch {
        Object call(FaultRule[] rules, Object call);
    }

    private static volatile Dispatch dispatch;
    private static volatile FaultRule[] client;

    private OkHttpHooks() {}

    /** Set once, before the first rule is published. */
    public static void dispatch(Dispatch d) {
        dispatch = d;
    }

    /** The {@code on=http-client} rules from now on; null or empty for none. */
    public static void publish(FaultRule[] rules) {
        client = rules == null || rules.length == 0 ? null : rules;
    }

    /**
     * OkHttp's {@code RealCall.getResponseWithInterceptorChain}, which {@code execute} and {@code enqueue}'s async
     * call both reach after the dispatcher has taken the call, before any interceptor runs or a connection is made.
     *
     * @return the {@code okhttp3.Response} to return instead, an {@code IOException} to throw instead, or null to go
     *     on (after a latency rule's delay)
     */
    public static Object call(Object call) {
        FaultRule[] rules = client;
        return rules == null ? null : dispatch.call(rules, call);
    }
}
