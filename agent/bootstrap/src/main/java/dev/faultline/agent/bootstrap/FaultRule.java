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
    private final long expiresAtNanos; // Long.MAX_VALUE relative sentinel handled by hasTtl
    private final boolean hasTtl;
    private final long seed;
    // the spec's parts, read here once: a hooked call reads final fields of the rule, not the records behind them
    private final Action action;
    private final Where where;
    private final long every;
    private final double probability;
    private final long limit;
    private final long delayNanos;
    private final long jitterNanos;
    private final long forNanos;
    private final long rateBytesPerSecond;
    private final AtomicLong matched = new AtomicLong();
    private final AtomicLong injected = new AtomicLong();
    private final AtomicLong throttleNextFreeNanos = new AtomicLong();
    private final ThrowableFactory exceptions;
    private volatile boolean active = true;
    private volatile boolean started; // after= has passed: later calls skip that clock read
    private volatile Object listenerMemo; // what the InjectionListener built from this rule once (its span attributes)

    public FaultRule(String id, FaultSpec spec, ThrowableFactory exceptions) {
        this.id = id;
        this.spec = spec;
        this.exceptions = exceptions;
        this.armedAtNanos = System.nanoTime();
        Gates gates = spec.gates();
        this.startsAtNanos = armedAtNanos + gates.afterNanos();
        this.hasTtl = gates.ttlNanos() > 0;
        this.expiresAtNanos = hasTtl ? armedAtNanos + gates.ttlNanos() : 0;
        this.seed = gates.seed() != null
                ? gates.seed()
                : System.nanoTime() ^ Thread.currentThread().getId() * GOLDEN;
        this.every = gates.every();
        this.probability = gates.probability();
        this.limit = gates.limit();
        this.where = spec.where();
        Effect effect = spec.effect();
        this.action = effect.action();
        this.delayNanos = effect instanceof Effect.Latency l ? l.delayNanos() : 0;
        this.jitterNanos = effect instanceof Effect.Latency l ? l.jitterNanos() : 0;
        this.forNanos =
                effect instanceof Effect.Hang h ? h.forNanos() : effect instanceof Effect.Stress st ? st.forNanos() : 0;
        this.rateBytesPerSecond = effect instanceof Effect.Throttle t ? t.rateBytesPerSecond() : 0;
    }

    public String id() {
        return id;
    }

    public FaultSpec spec() {
        return spec;
    }

    public Action action() {
        return action;
    }

    public Where where() {
        return where;
    }

    /** hang / stress duration; 0 = until the call's own timeout or the fault ends. */
    public long forNanos() {
        return forNanos;
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
        if (every > 0 && n % every != 0) return false;
        if (probability < 1.0 && unit(n) >= probability) return false;
        // the ttl is read from the clock only for a call about to be injected: a clock read costs more than the
        // rest of the gate, and calls that every=/probability= let pass need none
        if (hasTtl && isExpired(System.nanoTime())) return false;
        if (limit > 0) {
            long cur;
            do {
                cur = injected.get();
                if (cur >= limit) return false;
            } while (!injected.compareAndSet(cur, cur + 1));
        } else {
            injected.incrementAndGet();
        }
        FaultCounters.injected(action);
        Injections.fired(this);
        return true;
    }

    /** Uniform [0,1) for the n-th matching call: a pure function of (seed, n), so seed= repeats exactly. */
    public double unit(long n) {
        return (mix(seed + n * GOLDEN) >>> 11) * 0x1.0p-53;
    }

    /** The delay for the n-th injection: delay ± uniform jitter. */
    public long delayNanos() {
        if (jitterNanos == 0) return delayNanos;
        double u = unit(matched.get() ^ 0x5DEECE66DL);
        return delayNanos + Math.round((u * 2 - 1) * jitterNanos);
    }

    /** Paces bytes through this rule at rate= bytes per second (shared by all connections it matches). */
    public long throttleWaitNanos(long bytes) {
        if (bytes <= 0) return 0;
        long cost = bytes * 1_000_000_000L / rateBytesPerSecond;
        long now = System.nanoTime();
        long prev, start;
        do {
            prev = throttleNextFreeNanos.get();
            start = Math.max(prev, now);
        } while (!throttleNextFreeNanos.compareAndSet(prev, start + cost));
        return start + cost - now;
    }

    /** What the {@link InjectionListener} made of this rule at its first injection, so later ones reuse it. */
    public Object listenerMemo() {
        return listenerMemo;
    }

    public void listenerMemo(Object memo) {
        listenerMemo = memo;
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
        String expiry = hasTtl
                ? "expires in " + FaultSpec.formatDuration(Math.max(0, expiresAtNanos - now) / 1_000_000 * 1_000_000)
                : "no expiry";
        String limitText = limit > 0 ? "/" + limit : "";
        String pending = now - startsAtNanos < 0
                ? ", starts in " + FaultSpec.formatDuration((startsAtNanos - now) / 1_000_000 * 1_000_000)
                : "";
        return id + "  " + spec.canonical() + "  injected=" + injected.get() + limitText + "  matched=" + matched.get()
                + "  " + expiry + pending;
    }
}
