package dev.faultline.agent.method;

import dev.faultline.agent.bootstrap.MethodHooks;
import net.bytebuddy.asm.Advice;

/**
 * Advice inlined into the methods a method rule matches. Only these bodies are copied into the target class:
 * each is one call into {@link MethodHooks} (a bootstrap class) with JDK types and constants only. The slot is
 * a constant bound per rule; {@code owner} is the target class itself (an ldc), so an {@code error} can be
 * made in its class loader. Nothing here suppresses exceptions: an injected one must reach the caller.
 */
final class MethodAdvice {
    private MethodAdvice() {}

    @Advice.OnMethodEnter
    static Object enter(@RuleSlot int slot, @Advice.Origin Class<?> owner) throws Throwable {
        return MethodHooks.enter(slot, owner);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit(@RuleSlot int slot, @Advice.Enter Object token) {
        MethodHooks.exit(slot, token);
    }
}
