package dev.faultline.agent.bootstrap;

/**
 * The one per-thread guard of the hook path (OpenTelemetry's {@code CallDepth} idea): how many calls of each
 * method rule are on this thread's stack, so only the outermost acts; whether this thread is inside a DNS
 * decision, so a look-up made while deciding is never faulted; and whether it is inside Netty's own NIO I/O, which
 * the Netty hooks fault, so SocketChannelImpl's hooks let it pass. Also caches whether the thread is a control
 * thread ({@link Exemption#isControlThread}), read once when the thread first reaches a hook.
 */
public final class CallDepth {
    private static final ThreadLocal<CallDepth> CURRENT = new ThreadLocal<>() {
        @Override
        protected CallDepth initialValue() {
            return new CallDepth();
        }
    };

    int[] counts = new int[8];
    boolean resolving;
    /** Inside Netty's own NIO read/write/connect: faulted at the Netty layer, so SocketChannelImpl's hooks pass. */
    boolean nettyIo;

    final boolean control = Exemption.isControlThread(Thread.currentThread().getName());

    private CallDepth() {}

    static CallDepth current() {
        return CURRENT.get();
    }
}
