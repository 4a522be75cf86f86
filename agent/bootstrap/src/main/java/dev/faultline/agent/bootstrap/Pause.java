package dev.faultline.agent.bootstrap;

import java.util.concurrent.locks.LockSupport;

/**
 * How injected time passes. Parks rather than sleeps or waits on a monitor, so a virtual thread unmounts
 * instead of pinning its carrier; an interrupt ends the pause early and the flag stays set for the caller.
 */
public final class Pause {
    private static final long HOLD_SLICE_NANOS = 20_000_000L;

    private Pause() {}

    /**
     * Latency and throttle: the full delay, unless the fault is removed, cleared or expires meanwhile (then the
     * call goes on at once: no fault outlives its ttl, not even in a call it already slowed) or the thread is
     * interrupted. Parks in slices to notice those; the last slice ends on the deadline.
     */
    public static void delay(FaultRule rule, long nanos) {
        if (nanos > 0) hold(rule, nanos); // a hang with a bound of its own is exactly this
    }

    /** A plain delay, for the agent's own waits: the full delay unless interrupted. */
    public static void delay(long nanos) {
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
            if (Thread.currentThread().isInterrupted()) return;
            LockSupport.parkNanos(left);
        }
    }

    /**
     * Hang: until {@code nanos} have passed (0 = no bound of its own), the thread is interrupted, or the
     * fault is removed or expires, whichever comes first. Returns true if it ran out its own bound.
     */
    public static boolean hold(FaultRule rule, long nanos) {
        long start = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            if (nanos > 0 && now - start >= nanos) return true;
            if (!rule.isActive()
                    || rule.isExpired(now)
                    || Thread.currentThread().isInterrupted()) return false;
            long slice = nanos > 0 ? Math.min(HOLD_SLICE_NANOS, start + nanos - now) : HOLD_SLICE_NANOS;
            LockSupport.parkNanos(Math.min(slice, rule.remainingNanos(now)));
        }
    }
}
