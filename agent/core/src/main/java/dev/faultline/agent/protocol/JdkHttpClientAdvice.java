package dev.faultline.agent.protocol;

import dev.faultline.agent.bootstrap.ProtocolHooks;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Inlined into {@code jdk.internal.net.http.HttpClientImpl}'s private {@code sendAsync(request, handler, push,
 * executor)}, the one method {@code send} and both {@code sendAsync} reach: an injected future replaces the send (the
 * method body is skipped), a latency rule wraps the real one.
 */
final class JdkHttpClientAdvice {
    private JdkHttpClientAdvice() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static Object enter(
            @Advice.This Object client, @Advice.Argument(0) Object request, @Advice.Argument(1) Object handler) {
        return ProtocolHooks.jdkHttpClientSend(client, request, handler);
    }

    @Advice.OnMethodExit
    static void exit(
            @Advice.Argument(0) Object request,
            @Advice.Enter Object injected,
            @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object future) {
        future = ProtocolHooks.jdkHttpClientSent(request, injected, future);
    }
}
