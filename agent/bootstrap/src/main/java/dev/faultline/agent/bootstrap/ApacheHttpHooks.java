package dev.faultline.agent.bootstrap;

/**
 * The static entry point that Apache HttpClient 5 advice calls; loaded by the boot loader so HttpClient in any class
 * loader sees it. HttpClient's types are not visible from here (nor linked by the agent), so the work is done by a
 * {@link Dispatch} the core sets, which reaches them by reflection. While no {@code on=http-client} rule is armed,
 * the entry point is one volatile read of a null array.
 */
public final class ApacheHttpHooks {
    /** What the core does at the entry point; called only while rules are armed. */
    public interface Dispatch {
        Object execute(FaultRule[] rules, Object target, Object request);
    }

    /** What the core does at the async client's entry point; called only while rules are armed. */
    public interface AsyncDispatch {
        boolean executeAsync(FaultRule[] rules, Object client, Object[] args);
    }

    private static volatile Dispatch dispatch;
    private static volatile AsyncDispatch asyncDispatch;
    private static volatile FaultRule[] client;

    private ApacheHttpHooks() {}

    /** Set once, before the first rule is published. */
    public static void dispatch(Dispatch d) {
        dispatch = d;
    }

    /** Set once, before the first rule is published. */
    public static void asyncDispatch(AsyncDispatch d) {
        asyncDispatch = d;
    }

    /** The {@code on=http-client} rules from now on; null or empty for none. */
    public static void publish(FaultRule[] rules) {
        client = rules == null || rules.length == 0 ? null : rules;
    }

    /**
     * Apache HttpClient 5 classic: {@code InternalHttpClient.doExecute(target, request, context)}, which every
     * {@code execute} of the client reaches, before its exec chain (and so any connection).
     *
     * @return the {@code CloseableHttpResponse} to return instead, an {@code IOException} to throw instead, or null
     *     to go on (after a latency rule's delay)
     */
    public static Object execute(Object target, Object request) {
        FaultRule[] rules = client;
        return rules == null ? null : dispatch.execute(rules, target, request);
    }

    /**
     * Apache HttpClient 5 async: {@code InternalAbstractHttpAsyncClient.executeImmediate(request, entityProducer,
     * scope, chain, callback)}, which every {@code execute} of the client reaches once its request is produced, before
     * its exec chain (and so any connection).
     *
     * @return true if the request was answered, failed or rescheduled here and the exec chain must not run
     */
    public static boolean executeAsync(Object client, Object[] args) {
        FaultRule[] rules = ApacheHttpHooks.client;
        return rules != null && asyncDispatch.executeAsync(rules, client, args);
    }
}
