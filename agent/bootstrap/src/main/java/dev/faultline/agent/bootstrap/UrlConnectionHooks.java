package dev.faultline.agent.bootstrap;

/**
 * The static entry points that {@code HttpURLConnection} advice calls (the JDK's
 * {@code sun.net.www.protocol.http.HttpURLConnection} and the HTTPS delegate that extends it); loaded by the boot
 * loader, which java.base can be made to read. The work is done by a {@link Dispatch} the core sets. While no
 * {@code on=http-client} rule is armed, each entry point is one volatile read of a null array (or, for a connection
 * an error rule answered, a call to the core).
 */
public final class UrlConnectionHooks {
    /** What the core does at each entry point. */
    public interface Dispatch {
        Object connect(FaultRule[] rules, Object connection);

        Object response(FaultRule[] rules, Object connection, boolean connected);

        Object output(FaultRule[] rules, Object connection, boolean connected);
    }

    private static volatile Dispatch dispatch;
    private static volatile FaultRule[] client;

    private UrlConnectionHooks() {}

    /** Set once, before the first rule is published. */
    public static void dispatch(Dispatch d) {
        dispatch = d;
    }

    /** The {@code on=http-client} rules from now on; null or empty for none. */
    public static void publish(FaultRule[] rules) {
        client = rules == null || rules.length == 0 ? null : rules;
    }

    /**
     * {@code connect()} of a connection not yet connected, which every request reaches before anything leaves
     * ({@code getInputStream}, {@code getOutputStream}, {@code getResponseCode} all connect first).
     *
     * @return null to connect (after a latency rule's delay), a Throwable to throw instead, or another non-null
     *     value when an error rule will answer the request: the connection is then marked connected, with no
     *     transport
     */
    public static Object connect(Object connection) {
        FaultRule[] rules = client;
        return rules == null ? null : dispatch.connect(rules, connection);
    }

    /**
     * {@code getInputStream0()} of a connection with no transport, no response and no failure yet: one not yet
     * connected (decided here, before it connects) or one an error rule answers.
     *
     * @return the body's stream to return, a Throwable to throw (the {@code IOException} a status of 400 or more
     *     gives), or null to go on
     */
    public static Object response(Object connection, boolean connected) {
        FaultRule[] rules = client;
        if (!connected && rules == null) return null;
        Dispatch d = dispatch;
        return d == null ? null : d.response(rules, connection, connected);
    }

    /**
     * {@code getOutputStream0()} of a connection with no transport: one not yet connected (decided here, before it
     * connects) or one an error rule answers.
     *
     * @return the stream an answered request's body is written to (and dropped), or null to go on
     */
    public static Object output(Object connection, boolean connected) {
        FaultRule[] rules = client;
        if (!connected && rules == null) return null;
        Dispatch d = dispatch;
        return d == null ? null : d.output(rules, connection, connected);
    }
}
