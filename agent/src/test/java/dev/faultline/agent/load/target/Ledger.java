package dev.faultline.agent.load.target;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The class the churn's method rules name: one small class alone in its package, so arming and removing a rule
 * retransforms it and nothing else.
 */
public final class Ledger {
    private static final AtomicLong POSTED = new AtomicLong();

    private Ledger() {
    }

    public static long post() {
        return POSTED.incrementAndGet();
    }
}
