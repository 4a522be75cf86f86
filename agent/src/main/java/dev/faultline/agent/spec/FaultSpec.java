package dev.faultline.agent.spec;

import java.util.concurrent.TimeUnit;

/**
 * One parsed fault, exactly as the grammar in design.md describes it. Immutable; built only by
 * {@link SpecParser}, which refuses anything malformed before a value of this type exists.
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
        if (action == Action.LATENCY) b.append(" delay=").append(Quantities.formatDuration(delayNanos));
        if (jitterNanos > 0) b.append(" jitter=").append(Quantities.formatDuration(jitterNanos));
        if (forNanos > 0) b.append(" for=").append(Quantities.formatDuration(forNanos));
        if (rateBytesPerSecond > 0) b.append(" rate=").append(rateBytesPerSecond).append('b');
        if (exception != null) b.append(" exception=").append(exception);
        if (message != null) b.append(" message=").append(quoteIfNeeded(message));
        if (action == Action.EXIT || action == Action.HALT) b.append(" code=").append(code);
        if (cpuThreads > 0) b.append(" cpu=").append(cpuThreads);
        if (memoryBytes > 0) b.append(" memory=").append(memoryBytes).append('b');
        if (probability < 1.0) b.append(" probability=").append(probability);
        if (every > 0) b.append(" every=").append(every);
        if (limit > 0) b.append(" limit=").append(limit);
        if (afterNanos > 0) b.append(" after=").append(Quantities.formatDuration(afterNanos));
        b.append(" ttl=").append(ttlNanos == 0 ? "0" : Quantities.formatDuration(ttlNanos));
        if (seed != null) b.append(" seed=").append(seed);
        if (force) b.append(" force=true");
        return b.toString();
    }

    private static String quoteIfNeeded(String s) {
        return s.indexOf(' ') >= 0 ? '"' + s + '"' : s;
    }
}
