package dev.faultline.agent.protocol;

import dev.faultline.agent.bootstrap.FaultRule;
import dev.faultline.agent.bootstrap.InternalErrors;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A latency rule's wait on a scheduler (an event loop), for hooks that must not park a thread: the continuation runs
 * at the deadline, or as soon as one of the rules that delayed it is removed, cleared or expires — no fault outlives
 * its ttl, as {@code Pause.delay} gives a parked thread. The scheduler looks again every 20 ms at most.
 */
final class LatencyTimer implements Runnable {
    private static final long SLICE_NANOS = 20_000_000L;

    private final ScheduledExecutorService scheduler;
    private final List<FaultRule> rules;
    private final long deadline;
    private final Runnable then;

    private LatencyTimer(ScheduledExecutorService scheduler, List<FaultRule> rules, long deadline, Runnable then) {
        this.scheduler = scheduler;
        this.rules = rules;
        this.deadline = deadline;
        this.then = then;
    }

    /**
     * The scheduler for hooks without one of their own (a client's call path): one daemon thread, started on first
     * use. Not named {@code faultline-…}: what the continuation sends is the service's traffic, not exempt from faults.
     */
    static ScheduledExecutorService shared() {
        return Shared.SCHEDULER;
    }

    private static final class Shared {
        static final ScheduledExecutorService SCHEDULER = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "protocol-latency-timer (faultline agent)");
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code then} on {@code scheduler} once {@code delayNanos} have passed or one of {@code rules} ended. */
    static void start(ScheduledExecutorService scheduler, List<FaultRule> rules, long delayNanos, Runnable then) {
        new LatencyTimer(scheduler, rules, System.nanoTime() + delayNanos, then).next(System.nanoTime());
    }

    @Override
    public void run() {
        long now = System.nanoTime();
        if (deadline - now <= 0 || ended(now)) {
            try {
                then.run();
            } catch (Throwable t) {
                InternalErrors.report(t);
            }
        } else {
            next(now);
        }
    }

    private boolean ended(long now) {
        for (FaultRule rule : rules) {
            if (!rule.isActive() || rule.isExpired(now)) return true;
        }
        return false;
    }

    private void next(long now) {
        long wait = Math.min(SLICE_NANOS, deadline - now);
        for (FaultRule rule : rules) wait = Math.min(wait, Math.max(0, rule.remainingNanos(now)));
        scheduler.schedule(this, Math.max(wait, 0), TimeUnit.NANOSECONDS);
    }
}
