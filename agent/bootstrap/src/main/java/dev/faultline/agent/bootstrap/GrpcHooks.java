package dev.faultline.agent.bootstrap;

/**
 * The static entry points that grpc-java advice calls; loaded by the boot loader so grpc in any class loader sees
 * them. grpc's types are not visible from here (nor linked by the agent), so the work is done by a {@link Dispatch}
 * the core sets, which reaches them by reflection; arguments pass as {@code Object}. While no rule is armed for a
 * hook, its entry point is one volatile read of a null array.
 */
public final class GrpcHooks {
    /** What the core does at each entry point; called only while rules are armed for that hook. */
    public interface Dispatch {
        Object serverCall(FaultRule[] rules, String fullMethod, Object callParameters);

        boolean clientStart(FaultRule[] rules, Object call, Object listener);
    }

    private static volatile Dispatch dispatch;
    private static volatile FaultRule[] server;
    private static volatile FaultRule[] client;

    private GrpcHooks() {}

    /** Set once, before the first rule is published. */
    public static void dispatch(Dispatch d) {
        dispatch = d;
    }

    /** The rules a hook acts on from now on; null or empty for none. */
    public static void publish(Hook hook, FaultRule[] rules) {
        FaultRule[] r = rules == null || rules.length == 0 ? null : rules;
        switch (hook) {
            case GRPC_SERVER -> server = r;
            case GRPC_CLIENT -> client = r;
            default -> throw new IllegalArgumentException("not a gRPC hook: " + hook);
        }
    }

    /**
     * grpc-java's server on any transport: {@code ServerImpl.ServerTransportListenerImpl.startWrappedCall(fullMethod,
     * params, headers)}, with the call and its intercepted handler made, before the handler (the service) starts.
     *
     * @return the stream listener to return instead (the call was closed with the rule's status), or null to go on
     */
    public static Object serverCall(String fullMethod, Object callParameters) {
        FaultRule[] rules = server;
        return rules == null ? null : dispatch.serverCall(rules, fullMethod, callParameters);
    }

    /**
     * grpc-java's client on any transport: {@code ClientCallImpl.start(listener, headers)}, before a stream is made.
     *
     * @return true if the call was failed here (its listener gets the rule's status) and start must not run
     */
    public static boolean clientStart(Object call, Object listener) {
        FaultRule[] rules = client;
        return rules != null && dispatch.clientStart(rules, call, listener);
    }
}
