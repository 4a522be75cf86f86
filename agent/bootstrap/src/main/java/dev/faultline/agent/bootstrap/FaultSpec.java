package dev.faultline.agent.bootstrap;

import java.util.concurrent.TimeUnit;

/**
 * One parsed fault, exactly as the grammar in design.md describes it. Immutable; built only by
 * the core's {@code SpecParser}, which refuses anything malformed before a value of this type exists.
 */
public record FaultSpec(
        String text,
        Action action,
        Hook hook,                 // null for process faults
        HostSelector host,         // null = any host
        PortRange port,            // null = any port
        String classPattern,       // on=method only
        String methodPattern,      // on=method only
        long delayNanos,
        long jitterNanos,
        long forNanos,             // hang / stress duration; 0 = until the call's own timeout or the fault ends
        long rateBytesPerSecond,   // throttle
        String exception,          // error: class name, null = the hook's own
        String message,            // error: null = the hook's own
        int code,                  // exit / halt
        int cpuThreads,            // stress
        long memoryBytes,          // stress
        double probability,
        long every,                // 0 = every matching call
        long limit,                // 0 = unlimited
        long afterNanos,
        long ttlNanos,             // 0 = no expiry
        Long seed,                 // null = fresh randomness
        boolean force) {

    public static final long DEFAULT_TTL_NANOS = TimeUnit.MINUTES.toNanos(10);

    /** The spec in canonical form, with defaults spelled out: what list() shows. */
    public String canonical() {
        StringBuilder b = new StringBuilder(action.word());
        if (hook != null) b.append(" on=").append(hook.word());
        if (host != null) b.append(" host=").append(host);
        if (port != null) b.append(" port=").append(port);
        if (classPattern != null) b.append(" class=").append(classPattern);
        if (methodPattern != null) b.append(" method=").append(methodPattern);
        if (action == Action.LATENCY) b.append(" delay=").append(formatDuration(delayNanos));
        if (jitterNanos > 0) b.append(" jitter=").append(formatDuration(jitterNanos));
        if (forNanos > 0) b.append(" for=").append(formatDuration(forNanos));
        if (rateBytesPerSecond > 0) b.append(" rate=").append(rateBytesPerSecond).append('b');
        if (exception != null) b.append(" exception=").append(exception);
        if (message != null) b.append(" message=").append(quoteIfNeeded(message));
        if (action == Action.EXIT || action == Action.HALT) b.append(" code=").append(code);
        if (cpuThreads > 0) b.append(" cpu=").append(cpuThreads);
        if (memoryBytes > 0) b.append(" memory=").append(memoryBytes).append('b');
        if (probability < 1.0) b.append(" probability=").append(probability);
        if (every > 0) b.append(" every=").append(every);
        if (limit > 0) b.append(" limit=").append(limit);
        if (afterNanos > 0) b.append(" after=").append(formatDuration(afterNanos));
        b.append(" ttl=").append(ttlNanos == 0 ? "0" : formatDuration(ttlNanos));
        if (seed != null) b.append(" seed=").append(seed);
        if (force) b.append(" force=true");
        return b.toString();
    }

    /** Renders nanoseconds the way the grammar writes them, for list() and logs. */
    public static String formatDuration(long nanos) {
        if (nanos % 3_600_000_000_000L == 0 && nanos > 0) return nanos / 3_600_000_000_000L + "h";
        if (nanos % 60_000_000_000L == 0 && nanos > 0) return nanos / 60_000_000_000L + "m";
        if (nanos % 1_000_000_000L == 0 && nanos > 0) return nanos / 1_000_000_000L + "s";
        if (nanos % 1_000_000L == 0) return nanos / 1_000_000L + "ms";
        return nanos / 1000 + "us";
    }

    private static String quoteIfNeeded(String s) {
        return s.indexOf(' ') >= 0 ? '"' + s + '"' : s;
    }
}
