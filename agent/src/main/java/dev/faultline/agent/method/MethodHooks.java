package dev.faultline.agent.method;

/**
 * The static entry points that method advice calls; loaded by the bootstrap class loader so every class can
 * see them. The path for a rule whose gate does not fire is: one volatile array read, a thread-local depth
 * counter, and the rule's lock-free gate.
 */
public final class MethodHooks {
    /** Armed method rules by slot; a null entry (rule gone, class not yet restored) makes the advice a no-op. */
    static volatile MethodRule[] slots = new MethodRule[8];

    private MethodHooks() {
    }

    /** @return a token for {@link #exit}: the thread's depth counters if a rule's depth was raised, else null */
    public static Object enter(int slot, Class<?> owner) throws Throwable {
        MethodRule[] s = slots;
        MethodRule rule = slot < s.length ? s[slot] : null;
        return rule == null ? null : rule.enter(owner);
    }

    /** Classes a method rule could not instrument since start; for the Agent MBean. */
    public static int transformErrors() {
        return MethodFaults.TRANSFORM_ERRORS.get();
    }

    public static void exit(int slot, Object token) {
        if (token != null) MethodRule.exit(slot, (MethodRule.Depth) token);
    }
}
