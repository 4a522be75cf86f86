package dev.faultline.agent.protocol;

import dev.faultline.agent.bootstrap.ProtocolHooks;
import java.io.IOException;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code sun.net.httpserver.ServerImpl$Exchange$LinkHandler.handle(HttpExchange)}: when a rule answers
 * the exchange, the rest of the chain (system filters, the handler) is skipped. Nothing is suppressed: an
 * IOException of the answer is the handler's, as the server expects.
 */
final class JdkHttpServerAdvice {
    private JdkHttpServerAdvice() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter(@Advice.Argument(0) Object exchange) throws IOException {
        return ProtocolHooks.jdkHttpServer(exchange);
    }
}
