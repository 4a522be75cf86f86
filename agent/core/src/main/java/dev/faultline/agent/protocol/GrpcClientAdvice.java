package dev.faultline.agent.protocol;

import dev.faultline.agent.bootstrap.GrpcHooks;
import net.bytebuddy.asm.Advice;

/** Inlined into grpc-java's {@code ClientCallImpl.start(listener, headers)}: a failed call makes no stream. */
final class GrpcClientAdvice {
    private GrpcClientAdvice() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter(@Advice.This Object call, @Advice.Argument(0) Object listener) {
        return GrpcHooks.clientStart(call, listener);
    }
}
