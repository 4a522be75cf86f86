package dev.faultline.agent.protocol;

import dev.faultline.agent.bootstrap.ApacheHttpHooks;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Inlined into Apache HttpClient 5's {@code InternalHttpClient.doExecute(target, request, context)}: an injected
 * response is returned, an injected failure thrown, and the exec chain (and so the network) is skipped.
 */
final class ApacheHttpClientAdvice {
    private ApacheHttpClientAdvice() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static Object enter(@Advice.Argument(0) Object target, @Advice.Argument(1) Object request) {
        return ApacheHttpHooks.execute(target, request);
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
