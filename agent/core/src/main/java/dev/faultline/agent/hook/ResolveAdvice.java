package dev.faultline.agent.hook;

import dev.faultline.agent.bootstrap.Hooks;
import java.net.UnknownHostException;
import net.bytebuddy.asm.Advice;

/** Advice inlined into {@code InetAddress.getAllByName(String)}: every name look-up goes through it. */
public final class ResolveAdvice {
    private ResolveAdvice() {}

    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(0) String host) throws UnknownHostException {
        Hooks.resolve(host);
    }
}
