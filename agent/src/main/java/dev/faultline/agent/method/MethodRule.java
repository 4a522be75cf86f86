package dev.faultline.agent.method;

import dev.faultline.agent.fault.FaultRule;
import dev.faultline.agent.fault.Pause;
import dev.faultline.agent.fault.ThrowableFactory;
import dev.faultline.agent.hook.InternalErrors;
import dev.faultline.agent.spec.Action;
import dev.faultline.agent.spec.SpecException;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One armed {@code on=method} fault: its slot, its transformer, and what its advice does at a call.
 * Only the outermost matching call on a thread is considered: {@code execute*} on a JDBC statement goes
 * through several {@code execute…} methods, and the query must be slowed once, not once per layer.
 */
final class MethodRule {
    private static final Object BOOT_LOADER = new Object();

    /** Per thread, per slot: how many calls of that slot's rule are on the stack. */
    static final class Depth {
        int[] counts = new int[8];
        /**
         * The thread serves the way back (the agent's own threads, JMX over RMI): a method fault never acts there,
         * so a rule on a class the control plane also uses (a HashMap, a stream) cannot stop remove or clear.
         */
        final boolean control = isControlThread(Thread.currentThread().getName());
    }

    static boolean isControlThread(String name) {
        return name.startsWith("faultline-") || name.startsWith("RMI ") || name.startsWith("JMX ");
    }

    private static final ThreadLocal<Depth> DEPTH = new ThreadLocal<>() {
        @Override
        protected Depth initialValue() {
            return new Depth();
        }
    };

    final int slot;
    final FaultRule rule;
    final MethodSelector selector;
    private final Action action;
    private final ThrowableFactory armedFactory;
    private final Map<Object, ThrowableFactory> factoriesByLoader = new ConcurrentHashMap<>();
    final AtomicInteger transformedTypes = new AtomicInteger();
    final AtomicInteger transformErrors = new AtomicInteger();
    volatile ResettableClassFileTransformer transformer;

    MethodRule(int slot, FaultRule rule, MethodSelector selector) {
        this.slot = slot;
        this.rule = rule;
        this.selector = selector;
        this.action = rule.spec().action();
        this.armedFactory = rule.exceptions();
    }

    /** @return the thread's depth counters: the token exit() gets back, so it needs no second thread-local look-up */
    Object enter(Class<?> owner) throws Throwable {
        Depth d = DEPTH.get();
        if (d.control) return d; // exit() finds depth 0 for this slot and leaves it so
        int[] depth = d.counts;
        if (depth.length <= slot) depth = d.counts = java.util.Arrays.copyOf(depth, Math.max(slot + 1, depth.length * 2));
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
            case HANG -> Pause.hold(rule, rule.spec().forNanos());
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
            default -> { }
        }
        return d;
    }

    static void exit(int slot, Depth d) {
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
            } catch (SpecException e) {
                return armedFactory; // not visible from that loader: the class resolved at add time
            }
        });
        String text = "injected by faultline " + rule.id() + " into " + owner.getName();
        if (f.isHookDefault()) return new RuntimeException(f.messageOr(text));
        return f.create(text);
    }
}
