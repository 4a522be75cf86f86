package dev.faultline.agent.protocol;

import dev.faultline.agent.bootstrap.GrpcHooks;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Inlined into grpc-java's {@code ServerImpl.ServerTransportListenerImpl.startWrappedCall}: when a rule closed the
 * call, the handler is skipped and grpc's own no-op stream listener is returned, as for an unknown method.
 */
final class GrpcServerAdvice {
    private GrpcServerAdvice() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static Object enter(@Advice.Argument(0) String fullMethod, @Advice.Argument(1) Object params) {
        return GrpcHooks.serverCall(fullMethod, params);
    }

    @Advice.OnMethodExit
    static void exit(
            @Advice.Enter Object injected,
            @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object listener) {
        if (injected != null) listener = injected;
    }
}
