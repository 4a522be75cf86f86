package dev.faultline.agent.protocol;

import dev.faultline.agent.bootstrap.ApacheHttpHooks;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into Apache HttpClient 5's {@code InternalAbstractHttpAsyncClient.executeImmediate(request,
 * entityProducer, scope, chain, callback)}: when a rule answered, failed or rescheduled the request through its own
 * callback or scheduler, the exec chain (and so the network) is skipped.
 */
final class ApacheAsyncClientAdvice {
    private ApacheAsyncClientAdvice() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter(@Advice.This Object client, @Advice.AllArguments Object[] args) {
        return ApacheHttpHooks.executeAsync(client, args);
    }
}
