package dev.faultline.agent.hook;

import dev.faultline.agent.bootstrap.Hooks;
import java.net.SocketAddress;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Advice inlined into Netty's own classes, under any package prefix and in any class loader: so it names no Netty
 * type (a relocated copy has other names), only {@code Object} and JDK types, and hands the objects to {@link
 * Hooks}, which reaches Netty by name. Returning true from an enter advice means the hook took the call over
 * (delayed or failed it on the event loop) and the original body is skipped.
 */
public final class NettyAdvice {
    private NettyAdvice() {}

    /** {@code DefaultChannelPipeline.fireChannelRead(Object)}: where every transport's read loop delivers bytes. */
    public static final class Read {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static boolean enter(
                @Advice.This Object pipeline,
                @Advice.FieldValue("channel") Object channel,
                @Advice.Argument(0) Object msg) {
            // the channel from the pipeline's own field: a call through a method handle here costs more
            return Hooks.nettyRead(pipeline, channel, msg);
        }

        /** The method returns its pipeline, also when skipped. */
        @Advice.OnMethodExit
        static void exit(
                @Advice.This Object pipeline,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned) {
            returned = pipeline;
        }
    }

    /** {@code AbstractChannel.AbstractUnsafe.flush0()}: the one caller of every transport's {@code doWrite}. */
    public static final class Flush {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static boolean enter(
                @Advice.This Object unsafe,
                @Advice.FieldValue("this$0") Object channel,
                @Advice.FieldValue("outboundBuffer") Object outbound) {
            return Hooks.nettyFlush(channel, unsafe, outbound);
        }
    }

    /** {@code DefaultChannelPipeline.HeadContext.connect(ctx, remote, local, promise)}: hands it to the transport. */
    public static final class Connect {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static boolean enter(
                @Advice.Argument(0) Object context,
                @Advice.Argument(1) SocketAddress remote,
                @Advice.Argument(2) SocketAddress local,
                @Advice.Argument(3) Object promise) {
            return Hooks.nettyConnect(context, remote, local, promise);
        }
    }

    /**
     * {@code NioSocketChannel}'s read, write and connect: the SocketChannelImpl calls inside are Netty's, already
     * faulted by the hooks above, so the JDK hooks let them pass (while any rule is armed; else nothing is set).
     */
    public static final class NioIo {
        @Advice.OnMethodEnter
        static boolean enter() {
            return Hooks.nettyIoEnter();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Enter boolean entered) {
            Hooks.nettyIoExit(entered);
        }
    }
}
