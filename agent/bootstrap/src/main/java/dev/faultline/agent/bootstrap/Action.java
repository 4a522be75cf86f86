package dev.faultline.agent.bootstrap;

import java.util.Locale;

/** What a fault does. */
public enum Action {
    LATENCY,
    ERROR,
    HANG,
    THROTTLE,
    EXIT,
    HALT,
    STRESS;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Process faults act on the whole JVM and take no {@code on=}. */
    public boolean isProcessFault() {
        return this == EXIT || this == HALT || this == STRESS;
    }
}
