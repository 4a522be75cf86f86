package dev.faultline.agent.hook;

import dev.faultline.agent.bootstrap.Hooks;
import net.bytebuddy.asm.Advice;
import java.net.UnknownHostException;

/** Advice inlined into {@code InetAddress.getAllByName(String)}: every name look-up goes through it. */
public final class ResolveAdvice {
    private ResolveAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(0) String host) throws UnknownHostException {
        Hooks.resolve(host);
    }
}
