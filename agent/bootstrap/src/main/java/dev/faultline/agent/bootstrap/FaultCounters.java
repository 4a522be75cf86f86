package dev.faultline.agent.bootstrap;

import java.util.concurrent.atomic.LongAdder;

/** Injections since start, in total and per action: what JMX and the metrics endpoint report. */
public final class FaultCounters {
    private static final LongAdder TOTAL = new LongAdder();
    private static final LongAdder[] BY_ACTION = new LongAdder[Action.values().length];

    static {
        for (int i = 0; i < BY_ACTION.length; i++) BY_ACTION[i] = new LongAdder();
    }

    private FaultCounters() {}

    public static void injected(Action action) {
        TOTAL.increment();
        BY_ACTION[action.ordinal()].increment();
    }

    public static long total() {
        return TOTAL.sum();
    }

    public static long byAction(Action action) {
        return BY_ACTION[action.ordinal()].sum();
    }
}
