package dev.faultline.agent.protocol;

import dev.faultline.agent.bootstrap.ReactorNettyHooks;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into Reactor Netty's {@code HttpServer.HttpServerHandle.onStateChange(connection, state)}: when a rule
 * took the request over (an injected answer, or the handler held back for a latency rule), the handler is not applied
 * here; the hook applies the answer, or the handler later, through the same method.
 */
final class ReactorNettyServerAdvice {
    private ReactorNettyServerAdvice() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter(
            @Advice.This Object handle, @Advice.Argument(0) Object connection, @Advice.Argument(1) Object state) {
        return ReactorNettyHooks.serverState(handle, connection, state);
    }
}
