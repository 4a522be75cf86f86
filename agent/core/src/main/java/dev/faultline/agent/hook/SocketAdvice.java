package dev.faultline.agent.hook;

import dev.faultline.agent.bootstrap.Hooks;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketAddress;
import net.bytebuddy.asm.Advice;

/**
 * Advice inlined into {@code sun.nio.ch.NioSocketImpl}, the implementation behind every {@code java.net.Socket}
 * on JDK 13+. Only the method bodies are copied into the JDK class: each is one call into {@link Hooks}
 * with JDK types, nothing else (inlined advice can see only bootstrap classes).
 */
public final class SocketAdvice {
    private SocketAdvice() {}

    public static final class Connect {
        @Advice.OnMethodEnter
        static void enter(@Advice.Argument(0) SocketAddress remote, @Advice.Argument(1) int timeoutMillis)
                throws IOException {
            Hooks.socketConnect(remote, timeoutMillis);
        }
    }

    public static final class Read {
        @Advice.OnMethodEnter
        static void enter(
                @Advice.FieldValue("address") InetAddress peer,
                @Advice.FieldValue("port") int peerPort,
                @Advice.FieldValue("localport") int localPort,
                @Advice.FieldValue("timeout") int timeout)
                throws IOException {
            Hooks.socketRead(peer, peerPort, localPort, timeout);
        }

        @Advice.OnMethodExit
        static void exit(
                @Advice.FieldValue("address") InetAddress peer,
                @Advice.FieldValue("port") int peerPort,
                @Advice.FieldValue("localport") int localPort,
                @Advice.Return int bytes) {
            Hooks.socketReadDone(peer, peerPort, localPort, bytes);
        }
    }

    public static final class Write {
        @Advice.OnMethodEnter
        static void enter(
                @Advice.FieldValue("address") InetAddress peer,
                @Advice.FieldValue("port") int peerPort,
                @Advice.FieldValue("localport") int localPort)
                throws IOException {
            Hooks.socketWrite(peer, peerPort, localPort);
        }

        @Advice.OnMethodExit
        static void exit(
                @Advice.FieldValue("address") InetAddress peer,
                @Advice.FieldValue("port") int peerPort,
                @Advice.FieldValue("localport") int localPort,
                @Advice.Argument(2) int length) {
            Hooks.socketWriteDone(peer, peerPort, localPort, length);
        }
    }
}
