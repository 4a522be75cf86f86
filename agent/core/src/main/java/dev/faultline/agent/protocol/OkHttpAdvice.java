package dev.faultline.agent.protocol;

import dev.faultline.agent.bootstrap.OkHttpHooks;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Inlined into OkHttp's {@code RealCall.getResponseWithInterceptorChain}: an injected response is returned, an
 * injected failure thrown, and the interceptor chain (and so the network) is skipped; {@code execute} and
 * {@code enqueue} around it run as for a real call (the dispatcher, the event listener, a callback's onFailure).
 */
final class OkHttpAdvice {
    private OkHttpAdvice() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static Object enter(@Advice.This Object call) {
        return OkHttpHooks.call(call);
    }

    @Advice.OnMethodExit
    static void exit(
            @Advice.Enter Object injected,
            @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object response)
            throws Throwable {
        if (injected instanceof Throwable t) throw t;
        if (injected != null) response = injected;
    }
}
