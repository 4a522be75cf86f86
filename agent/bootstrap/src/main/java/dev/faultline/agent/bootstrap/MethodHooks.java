package dev.faultline.agent.bootstrap;

/**
 * The static entry points that method advice calls; loaded by the bootstrap class loader so every class can
 * see them. The path for a rule whose gate does not fire is: one volatile read of the {@link RuleTable}, the
 * thread's {@link CallDepth}, and the rule's lock-free gate.
 */
public final class MethodHooks {
    private MethodHooks() {}

    /** @return a token for {@link #exit}: the thread's depth counters if a rule's depth was raised, else null */
    public static Object enter(int slot, Class<?> owner) throws Throwable {
        MethodInjector[] s = Hooks.table.methods;
        MethodInjector rule = slot < s.length ? s[slot] : null; // null: rule gone, class not yet restored
        return rule == null ? null : rule.enter(owner);
    }

    public static void exit(int slot, Object token) {
        if (token != null) MethodInjector.exit(slot, (CallDepth) token);
    }
}
