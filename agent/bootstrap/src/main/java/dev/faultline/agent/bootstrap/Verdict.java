package dev.faultline.agent.bootstrap;

import java.net.InetSocketAddress;

/**
 * What the network rules decide for one Netty call: an error, or a hold of {@link #wait} nanoseconds. As on the
 * JDK hooks, every matching rule fires (its gates advance, its counter counts) and the delays of all that fired add
 * up; an error fails the call at once; a {@code hang} without {@code for=} holds until its rule goes.
 */
final class Verdict {
    /** Relative; {@code Long.MAX_VALUE}: until the rule in {@link #by} is removed or expires. */
    long wait;
    /** The rule that adds the most to the hold: its removal or expiry ends the hold early. */
    FaultRule by;

    FaultRule error;
    private long longest;

    private Verdict() {}

    /**
     * Null when no rule fired (nothing allocated: the path of a rule for another peer). {@code bytes} paces the
     * throttles ({@code rate=}); 0 when there are none.
     */
    static Verdict of(FaultRule[] rules, FaultRule[] throttles, InetSocketAddress remote, int localPort, long bytes) {
        Verdict v = null;
        if (rules != null) {
            for (FaultRule rule : rules) {
                if (!NetworkInjector.decide(rule, remote, localPort)) continue;
                if (v == null) v = new Verdict();
                switch (rule.action()) {
                    case LATENCY -> v.add(rule, rule.delayNanos());
                    case HANG -> v.add(rule, rule.forNanos() > 0 ? rule.forNanos() : Long.MAX_VALUE);
                    case ERROR -> {
                        v.error = rule;
                        return v;
                    }
                    default -> {}
                }
                if (v.wait == Long.MAX_VALUE) return v;
            }
        }
        if (throttles != null && bytes > 0) {
            for (FaultRule rule : throttles) {
                if (!NetworkInjector.decide(rule, remote, localPort)) continue;
                if (v == null) v = new Verdict();
                v.add(rule, rule.throttleWaitNanos(bytes));
            }
        }
        return v;
    }

    private void add(FaultRule rule, long nanos) {
        if (nanos <= 0) return;
        if (nanos > longest || by == null) {
            longest = nanos;
            by = rule;
        }
        long sum = wait + nanos;
        wait = nanos == Long.MAX_VALUE || wait == Long.MAX_VALUE || sum < 0 ? Long.MAX_VALUE : sum;
    }
}
