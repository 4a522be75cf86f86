package dev.faultline.agent.hook;

import dev.faultline.agent.bootstrap.Hooks;
import java.io.IOException;
import java.net.SocketAddress;
import net.bytebuddy.asm.Advice;

/**
 * Advice inlined into {@code sun.nio.ch.SocketChannelImpl}: NIO clients and servers (JDK HttpClient, the JDK
 * HttpServer …) and the blocking socket adaptor of a channel. Netty's own NIO calls pass: {@link NettyAdvice}
 * faults them once, at the Netty layer.
 */
public final class ChannelAdvice {
    private ChannelAdvice() {}

    /** {@code connect(SocketAddress)}: non-blocking or blocking without a timeout of its own. */
    public static final class Connect {
        @Advice.OnMethodEnter
        static void enter(@Advice.Argument(0) SocketAddress remote) throws IOException {
            Hooks.channelConnect(remote, 0);
        }
    }

    /** {@code blockingConnect(SocketAddress, long nanos)}: the socket adaptor's timed connect. */
    public static final class TimedConnect {
        @Advice.OnMethodEnter
        static void enter(@Advice.Argument(0) SocketAddress remote, @Advice.Argument(1) long timeoutNanos)
                throws IOException {
            Hooks.channelConnect(remote, timeoutNanos);
        }
    }

    /** {@code read(ByteBuffer)} and {@code read(ByteBuffer[], int, int)}. */
    public static final class Read {
        @Advice.OnMethodEnter
        static void enter(
                @Advice.FieldValue("remoteAddress") SocketAddress remote,
                @Advice.FieldValue("localAddress") SocketAddress local)
                throws IOException {
            Hooks.channelRead(remote, local, 0);
        }

        @Advice.OnMethodExit
        static void exit(
                @Advice.FieldValue("remoteAddress") SocketAddress remote,
                @Advice.FieldValue("localAddress") SocketAddress local,
                @Advice.Return long bytes) {
            Hooks.channelReadDone(remote, local, bytes);
        }
    }

    /** {@code blockingRead(byte[], int, int, long nanos)}: the socket adaptor's input stream. */
    public static final class TimedRead {
        @Advice.OnMethodEnter
        static void enter(
                @Advice.FieldValue("remoteAddress") SocketAddress remote,
                @Advice.FieldValue("localAddress") SocketAddress local,
                @Advice.Argument(3) long timeoutNanos)
                throws IOException {
            Hooks.channelRead(remote, local, timeoutNanos);
        }

        @Advice.OnMethodExit
        static void exit(
                @Advice.FieldValue("remoteAddress") SocketAddress remote,
                @Advice.FieldValue("localAddress") SocketAddress local,
                @Advice.Return int bytes) {
            Hooks.channelReadDone(remote, local, bytes);
        }
    }

    /** {@code write(ByteBuffer)} and {@code write(ByteBuffer[], int, int)}. */
    public static final class Write {
        @Advice.OnMethodEnter
        static void enter(
                @Advice.FieldValue("remoteAddress") SocketAddress remote,
                @Advice.FieldValue("localAddress") SocketAddress local)
                throws IOException {
            Hooks.channelWrite(remote, local);
        }

        @Advice.OnMethodExit
        static void exit(
                @Advice.FieldValue("remoteAddress") SocketAddress remote,
                @Advice.FieldValue("localAddress") SocketAddress local,
                @Advice.Return long bytes) {
            Hooks.channelWriteDone(remote, local, bytes);
        }
    }

    /** {@code blockingWriteFully(byte[], int, int)}: the socket adaptor's output stream. */
    public static final class WriteFully {
        @Advice.OnMethodEnter
        static void enter(
                @Advice.FieldValue("remoteAddress") SocketAddress remote,
                @Advice.FieldValue("localAddress") SocketAddress local)
                throws IOException {
            Hooks.channelWrite(remote, local);
        }

        @Advice.OnMethodExit
        static void exit(
                @Advice.FieldValue("remoteAddress") SocketAddress remote,
                @Advice.FieldValue("localAddress") SocketAddress local,
                @Advice.Argument(2) int length) {
            Hooks.channelWriteDone(remote, local, length);
        }
    }
}
