package dev.faultline.agent.protocol;

import dev.faultline.agent.bootstrap.ReactorNettyHooks;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Inlined into Reactor Netty's {@code HttpClientConnect.HttpClientHandler.requestWithBody(operations)}: the request is
 * prepared, nothing is written yet; the publisher that writes it (the method's result) is replaced when a rule fires.
 */
final class ReactorNettyClientAdvice {
    private ReactorNettyClientAdvice() {}

    @Advice.OnMethodExit
    static void exit(
            @Advice.Argument(0) Object operations,
            @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object request) {
        request = ReactorNettyHooks.clientRequest(operations, request);
    }
}
