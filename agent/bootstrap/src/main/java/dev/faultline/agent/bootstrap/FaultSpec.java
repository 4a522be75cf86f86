package dev.faultline.agent.bootstrap;

import java.util.concurrent.TimeUnit;

/**
 * One parsed fault, exactly as the grammar in design.md describes it: what it does ({@link Effect}), which calls
 * it matches ({@link Where}), which of those it injects and when ({@link Gates}). Immutable; built only by
 * the core's {@code SpecParser}, which refuses anything malformed before a value of this type exists.
 */
public record FaultSpec(String text, Effect effect, Where where, Gates gates, boolean force) {

    public static final long DEFAULT_TTL_NANOS = TimeUnit.MINUTES.toNanos(10);

    /** Derived from the effect; a hooked call reads {@link FaultRule#action()}, fixed when the rule is armed. */
    public Action action() {
        return effect.action();
    }

    /** The spec in canonical form, with defaults spelled out: what list() shows. */
    public String canonical() {
        StringBuilder b = new StringBuilder(action().word());
        where.appendCanonical(b);
        effect.appendCanonical(b);
        gates.appendCanonical(b);
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
}
