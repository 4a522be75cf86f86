package dev.faultline.agent.bootstrap;

/**
 * Every armed rule the hooks can see, by hook: immutable, replaced whole by {@link Hooks#publish} with one
 * volatile write, so a hook reads one consistent snapshot. A null array means "nothing armed for this hook":
 * the fast path tests for it. Method rules are indexed by the slot bound into their advice.
 */
public final class RuleTable {
    static final RuleTable EMPTY = new RuleTable(null, null, null, null, null, null, new MethodInjector[8]);

    final FaultRule[] connect;
    final FaultRule[] read;
    final FaultRule[] readThrottle;
    final FaultRule[] write;
    final FaultRule[] writeThrottle;
    final FaultRule[] dns;
    final MethodInjector[] methods;
    /** Some connect, read or write rule is armed (throttles included): Netty's NIO calls mark themselves. */
    final boolean network;

    public RuleTable(
            FaultRule[] connect,
            FaultRule[] read,
            FaultRule[] readThrottle,
            FaultRule[] write,
            FaultRule[] writeThrottle,
            FaultRule[] dns,
            MethodInjector[] methods) {
        this.connect = connect;
        this.read = read;
        this.readThrottle = readThrottle;
        this.write = write;
        this.writeThrottle = writeThrottle;
        this.dns = dns;
        this.methods = methods;
        this.network =
                connect != null || read != null || readThrottle != null || write != null || writeThrottle != null;
    }

    /** The same network rules with {@code methods} as the method slots. */
    public RuleTable withMethods(MethodInjector[] methods) {
        return new RuleTable(connect, read, readThrottle, write, writeThrottle, dns, methods);
    }

    /** The same method slots with these network rules (null for none). */
    public RuleTable withNetwork(
            FaultRule[] connect,
            FaultRule[] read,
            FaultRule[] readThrottle,
            FaultRule[] write,
            FaultRule[] writeThrottle,
            FaultRule[] dns) {
        return new RuleTable(connect, read, readThrottle, write, writeThrottle, dns, methods);
    }

    public MethodInjector[] methods() {
        return methods;
    }
}
