package dev.faultline.agent.bootstrap;

/** Which of the matching calls are injected, and when the fault acts: {@link FaultRule} keeps their live state. */
public record Gates(
        double probability,
        long every, // 0 = every matching call
        long limit, // 0 = unlimited
        long afterNanos,
        long ttlNanos, // 0 = no expiry
        Long seed) { // null = fresh randomness

    void appendCanonical(StringBuilder b) {
        if (probability < 1.0) b.append(" probability=").append(probability);
        if (every > 0) b.append(" every=").append(every);
        if (limit > 0) b.append(" limit=").append(limit);
        if (afterNanos > 0) b.append(" after=").append(FaultSpec.formatDuration(afterNanos));
        b.append(" ttl=").append(ttlNanos == 0 ? "0" : FaultSpec.formatDuration(ttlNanos));
        if (seed != null) b.append(" seed=").append(seed);
    }
}
