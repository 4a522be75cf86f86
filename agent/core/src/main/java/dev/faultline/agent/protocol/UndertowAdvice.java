package dev.faultline.agent.protocol;

import dev.faultline.agent.bootstrap.UndertowHooks;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Inlined into {@code io.undertow.server.Connectors.executeRootHandler(HttpHandler, HttpServerExchange)}: the handler
 * it runs is replaced by one that delays or answers when a rule fires, so the rest of the method (ending the
 * exchange, running a dispatch) stays Undertow's.
 */
final class UndertowAdvice {
    private UndertowAdvice() {}

    @Advice.OnMethodEnter
    static void enter(
            @Advice.Argument(value = 0, readOnly = false, typing = Assigner.Typing.DYNAMIC) Object handler,
            @Advice.Argument(1) Object exchange) {
        handler = UndertowHooks.rootHandler(handler, exchange);
    }
}
