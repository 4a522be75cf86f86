package dev.faultline.agent.bootstrap;


import java.util.concurrent.atomic.AtomicLong;

/**
 * An armed fault: its spec plus the live state of its gates. Gate decisions are lock-free and allocate
 * nothing, so hooks can ask them from any number of threads, virtual ones included.
 */
public final class FaultRule {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final String id;
    private final FaultSpec spec;
    private final long armedAtNanos;
    private final long startsAtNanos;
    private final long expiresAtNanos;   // Long.MAX_VALUE relative sentinel handled by hasTtl
    private final boolean hasTtl;
    private final long seed;
    private final AtomicLong matched = new AtomicLong();
    private final AtomicLong injected = new AtomicLong();
    private final AtomicLong throttleNextFreeNanos = new AtomicLong();
    private final ThrowableFactory exceptions;
    private volatile boolean active = true;
    private volatile boolean started; // after= has passed: later calls skip that clock read

    public FaultRule(String id, FaultSpec spec, ThrowableFactory exceptions) {
        this.id = id;
        this.spec = spec;
        this.exceptions = exceptions;
        this.armedAtNanos = System.nanoTime();
        this.startsAtNanos = armedAtNanos + spec.afterNanos();
        this.hasTtl = spec.ttlNanos() > 0;
        this.expiresAtNanos = hasTtl ? armedAtNanos + spec.ttlNanos() : 0;
        this.seed = spec.seed() != null ? spec.seed() : System.nanoTime() ^ Thread.currentThread().getId() * GOLDEN;
    }

    public String id() {
        return id;
    }

    public FaultSpec spec() {
        return spec;
    }

    public boolean isActive() {
        return active;
    }

    public void deactivate() {
        active = false;
    }

    public boolean isExpired(long now) {
        return hasTtl && now - expiresAtNanos >= 0;
    }

    public long remainingNanos(long now) {
        return hasTtl ? Math.max(0, expiresAtNanos - now) : Long.MAX_VALUE;
    }

    public long startsAtNanos() {
        return startsAtNanos;
    }

    public long injectedCount() {
        return injected.get();
    }

    public long matchedCount() {
        return matched.get();
    }

    /**
     * Called for a call that matches this rule's selectors: advances the gates and says whether this call
     * is injected. {@code limit=N} gives exactly N injections under any number of threads.
     */
    public boolean fire() {
        if (!active) return false;
        if (!started) {
            long now = System.nanoTime();
            if (now - startsAtNanos < 0 || isExpired(now)) return false;
            started = true;
        }
        long n = matched.incrementAndGet();
        long every = spec.every();
        if (every > 0 && n % every != 0) return false;
        double p = spec.probability();
        if (p < 1.0 && unit(n) >= p) return false;
        // the ttl is read from the clock only for a call about to be injected: a clock read costs more than the
        // rest of the gate, and calls that every=/probability= let pass need none
        if (hasTtl && isExpired(System.nanoTime())) return false;
        long limit = spec.limit();
        if (limit > 0) {
            long cur;
            do {
                cur = injected.get();
                if (cur >= limit) return false;
            } while (!injected.compareAndSet(cur, cur + 1));
        } else {
            injected.incrementAndGet();
        }
        FaultCounters.injected(spec.action());
        return true;
    }

    /** Uniform [0,1) for the n-th matching call: a pure function of (seed, n), so seed= repeats exactly. */
    public double unit(long n) {
        return (mix(seed + n * GOLDEN) >>> 11) * 0x1.0p-53;
    }

    /** The delay for the n-th injection: delay ± uniform jitter. */
    public long delayNanos() {
        long jitter = spec.jitterNanos();
        if (jitter == 0) return spec.delayNanos();
        double u = unit(matched.get() ^ 0x5DEECE66DL);
        return spec.delayNanos() + Math.round((u * 2 - 1) * jitter);
    }

    /** Paces bytes through this rule at rate= bytes per second (shared by all connections it matches). */
    public long throttleWaitNanos(long bytes) {
        if (bytes <= 0) return 0;
        long cost = bytes * 1_000_000_000L / spec.rateBytesPerSecond();
        long now = System.nanoTime();
        long prev, start;
        do {
            prev = throttleNextFreeNanos.get();
            start = Math.max(prev, now);
        } while (!throttleNextFreeNanos.compareAndSet(prev, start + cost));
        return start + cost - now;
    }

    public ThrowableFactory exceptions() {
        return exceptions;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** One line for list(): id, spec, injected count, expiry. */
    public String describe() {
        long now = System.nanoTime();
        String expiry = hasTtl ? "expires in " + FaultSpec.formatDuration(Math.max(0, expiresAtNanos - now) / 1_000_000 * 1_000_000)
                : "no expiry";
        String limit = spec.limit() > 0 ? "/" + spec.limit() : "";
        String pending = now - startsAtNanos < 0 ? ", starts in " + FaultSpec.formatDuration((startsAtNanos - now) / 1_000_000 * 1_000_000) : "";
        return id + "  " + spec.canonical() + "  injected=" + injected.get() + limit + "  matched=" + matched.get()
                + "  " + expiry + pending;
    }
}
