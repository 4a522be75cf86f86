package dev.faultline.agent.method;

import dev.faultline.agent.bootstrap.FaultRule;
import dev.faultline.agent.bootstrap.MethodInjector;
import java.util.concurrent.atomic.AtomicInteger;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;

/**
 * One armed {@code on=method} fault as the core sees it: its selector and transformer, beside the
 * {@link MethodInjector} (bootstrap) that its advice calls at run time through its slot.
 */
final class MethodRule {
    final int slot;
    final FaultRule rule;
    final MethodSelector selector;
    final MethodInjector injector;
    final AtomicInteger transformedTypes = new AtomicInteger();
    final AtomicInteger transformErrors = new AtomicInteger();
    volatile ResettableClassFileTransformer transformer;

    MethodRule(int slot, FaultRule rule, MethodSelector selector) {
        this.slot = slot;
        this.rule = rule;
        this.selector = selector;
        this.injector = new MethodInjector(slot, rule);
    }

    Object enter(Class<?> owner) throws Throwable {
        return injector.enter(owner);
    }
}
