package dev.faultline.agent.bootstrap;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What an armed {@code on=method} fault does at a call: its slot, its gate, and the exception it makes.
 * Only the outermost matching call on a thread is considered ({@link CallDepth}): {@code execute*} on a JDBC
 * statement goes through several {@code execute…} methods, and the query must be slowed once, not once per layer.
 */
public final class MethodInjector {
    private static final Object BOOT_LOADER = new Object();

    private final int slot;
    private final FaultRule rule;
    private final Action action;
    private final ThrowableFactory armedFactory;
    private final Map<Object, ThrowableFactory> factoriesByLoader = new ConcurrentHashMap<>();

    public MethodInjector(int slot, FaultRule rule) {
        this.slot = slot;
        this.rule = rule;
        this.action = rule.action();
        this.armedFactory = rule.exceptions();
    }

    public int slot() {
        return slot;
    }

    public FaultRule rule() {
        return rule;
    }

    /** @return the thread's depth counters: the token exit() gets back, so it needs no second thread-local look-up */
    public Object enter(Class<?> owner) throws Throwable {
        CallDepth d = CallDepth.current();
        if (d.control) return d; // exit() finds depth 0 for this slot and leaves it so
        int[] depth = d.counts;
        if (depth.length <= slot) depth = d.counts = Arrays.copyOf(depth, Math.max(slot + 1, depth.length * 2));
        if (depth[slot]++ > 0) return d; // an inner layer of a call this rule already considered
        boolean fire;
        try {
            fire = rule.fire();
        } catch (Throwable t) {
            InternalErrors.report(t);
            return d;
        }
        if (!fire) return d;
        switch (action) {
            case LATENCY -> Pause.delay(rule, rule.delayNanos());
            case HANG -> Pause.hold(rule, rule.forNanos());
            case ERROR -> {
                Throwable injected;
                try {
                    injected = exception(owner);
                } catch (Throwable t) {
                    InternalErrors.report(t);
                    return d;
                }
                depth[slot]--; // the method ends here: its exit advice will not run
                throw injected;
            }
            default -> {}
        }
        return d;
    }

    static void exit(int slot, CallDepth d) {
        int[] depth = d.counts;
        if (slot < depth.length && depth[slot] > 0) depth[slot]--;
    }

    /** A new exception per injection, of the class exception= names as seen from the target class's own loader. */
    private Throwable exception(Class<?> owner) {
        ClassLoader loader = owner.getClassLoader();
        ThrowableFactory f = factoriesByLoader.computeIfAbsent(loader == null ? BOOT_LOADER : loader, k -> {
            try {
                // declared-exception checks were made when the rule was armed and when each method was matched
                return ThrowableFactory.forSpec(rule.spec(), loader, Throwable.class);
            } catch (Refusal e) {
                return armedFactory; // not visible from that loader: the class resolved at add time
            }
        });
        String text = "injected by faultline " + rule.id() + " into " + owner.getName();
        if (f.isHookDefault()) return new RuntimeException(f.messageOr(text));
        return f.create(text);
    }
}
