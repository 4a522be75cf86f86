package dev.faultline.agent.bootstrap;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One copy of Netty, reached without linking to it: the hooks see {@code io.netty…} under any package prefix
 * ({@code io.grpc.netty.shaded.io.netty…}) in any class loader, so every type is looked up by name next to the
 * class it was found from, and every call goes through a method handle resolved once per copy ({@link ClassValue}).
 * Only the public API, plus two protected methods of {@code AbstractChannel.AbstractUnsafe} (Netty's own
 * connect-exception annotation and write-error path), so a failure looks exactly as the transport's would.
 */
final class NettyApi {
    private static final ClassValue<NettyApi> BY_CLASS = new ClassValue<>() {
        @Override
        protected NettyApi computeValue(Class<?> type) {
            return new NettyApi(type);
        }
    };
    private static final MethodHandles.Lookup PUBLIC = MethodHandles.publicLookup();

    enum Transport {
        NIO,
        EPOLL,
        IO_URING,
        KQUEUE
    }

    /**
     * False for Netty's datagram channels, which are left alone (TCP only, as the JDK hooks); kept here, per
     * class, so a hook finds it in the one lookup it does anyway.
     */
    final boolean streamChannel;

    private final String prefix;
    private final ClassLoader loader;
    private final Class<?> byteBuf;
    private final MethodHandle contextChannel;
    private final MethodHandle eventLoop;
    private final MethodHandle inEventLoop;
    private final MethodHandle terminationFuture;
    private final MethodHandle addListener;
    private final Class<?> futureListener;
    private final MethodHandle isActive;
    private final MethodHandle isOpen;
    private final MethodHandle pipeline;
    private final MethodHandle unsafe;
    private final MethodHandle connectTimeoutMillis;
    private final MethodHandle fireChannelRead;
    private final MethodHandle fireChannelReadComplete;
    private final MethodHandle fireExceptionCaught;
    private final MethodHandle readableBytes;
    private final MethodHandle release;
    private final MethodHandle nioBuffers;
    private final MethodHandle nioBufferSize;
    private final MethodHandle unsafeConnect;
    private final MethodHandle unsafeFlush;
    private final MethodHandle unsafeClose;
    private final MethodHandle voidPromise;
    private final MethodHandle tryFailure;
    private final MethodHandle promiseIsDone;
    private final MethodHandle annotateConnectException;
    private final MethodHandle handleWriteError;
    private final MethodHandle newConnectTimeoutException;

    static NettyApi of(Object nettyObject) {
        return BY_CLASS.get(nettyObject.getClass());
    }

    private NettyApi(Class<?> seen) {
        String name = seen.getName();
        streamChannel = !name.contains("Datagram");
        int at = name.indexOf("io.netty.");
        if (at < 0) {
            // a subclass outside Netty (a user's channel): its Netty is the one of its Netty superclass
            Class<?> up = seen.getSuperclass();
            while (up != null && !up.getName().contains("io.netty.")) up = up.getSuperclass();
            if (up == null) throw new IllegalStateException("not a Netty class: " + name);
            seen = up;
            name = up.getName();
            at = name.indexOf("io.netty.");
        }
        prefix = name.substring(0, at);
        loader = seen.getClassLoader();
        try {
            Class<?> channel = type("io.netty.channel.Channel");
            Class<?> channelUnsafe = type("io.netty.channel.Channel$Unsafe");
            Class<?> pipeline = type("io.netty.channel.ChannelPipeline");
            Class<?> context = type("io.netty.channel.ChannelHandlerContext");
            Class<?> config = type("io.netty.channel.ChannelConfig");
            Class<?> promise = type("io.netty.channel.ChannelPromise");
            Class<?> future = type("io.netty.util.concurrent.Future");
            Class<?> outbound = type("io.netty.channel.ChannelOutboundBuffer");
            Class<?> eventLoopType = type("io.netty.channel.EventLoop");
            byteBuf = type("io.netty.buffer.ByteBuf");
            Class<?> referenceCounted = type("io.netty.util.ReferenceCounted");

            contextChannel = virtual(context, "channel", channel);
            eventLoop = virtual(channel, "eventLoop", eventLoopType);
            inEventLoop = MethodHandles.filterReturnValue(
                    virtual(channel, "eventLoop", eventLoopType), virtual(eventLoopType, "inEventLoop", boolean.class));
            terminationFuture =
                    virtual(type("io.netty.util.concurrent.EventExecutorGroup"), "terminationFuture", future);
            futureListener = type("io.netty.util.concurrent.GenericFutureListener");
            addListener = virtual(future, "addListener", future, futureListener);
            isActive = virtual(channel, "isActive", boolean.class);
            isOpen = virtual(channel, "isOpen", boolean.class);
            this.pipeline = virtual(channel, "pipeline", pipeline);
            unsafe = virtual(channel, "unsafe", channelUnsafe);
            connectTimeoutMillis = MethodHandles.filterReturnValue(
                    virtual(channel, "config", config), virtual(config, "getConnectTimeoutMillis", int.class));
            fireChannelRead = virtual(pipeline, "fireChannelRead", pipeline, Object.class);
            fireChannelReadComplete = virtual(pipeline, "fireChannelReadComplete", pipeline);
            fireExceptionCaught = virtual(pipeline, "fireExceptionCaught", pipeline, Throwable.class);
            readableBytes = virtual(byteBuf, "readableBytes", int.class);
            release = virtual(referenceCounted, "release", boolean.class);
            nioBuffers = virtual(outbound, "nioBuffers", ByteBuffer[].class);
            nioBufferSize = virtual(outbound, "nioBufferSize", long.class);
            unsafeConnect =
                    virtual(channelUnsafe, "connect", void.class, SocketAddress.class, SocketAddress.class, promise);
            unsafeFlush = virtual(channelUnsafe, "flush", void.class);
            unsafeClose = virtual(channelUnsafe, "close", void.class, promise);
            voidPromise = virtual(channelUnsafe, "voidPromise", promise);
            tryFailure = virtual(promise, "tryFailure", boolean.class, Throwable.class);
            promiseIsDone = virtual(future, "isDone", boolean.class);
            Class<?> abstractUnsafe = type("io.netty.channel.AbstractChannel$AbstractUnsafe");
            annotateConnectException =
                    hidden(abstractUnsafe, "annotateConnectException", Throwable.class, SocketAddress.class);
            handleWriteError = hidden(abstractUnsafe, "handleWriteError", Throwable.class);
            newConnectTimeoutException = PUBLIC.findConstructor(
                            type("io.netty.channel.ConnectTimeoutException"),
                            MethodType.methodType(void.class, String.class))
                    .asType(MethodType.methodType(Object.class, Object.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("an unknown Netty (" + prefix + "io.netty) in " + loader, e);
        }
    }

    private Class<?> type(String nettyName) throws ClassNotFoundException {
        return Class.forName(prefix + nettyName, false, loader);
    }

    /** A public interface method as (Object…)Object. */
    private static MethodHandle virtual(Class<?> owner, String name, Class<?> returns, Class<?>... params)
            throws ReflectiveOperationException {
        MethodHandle h = PUBLIC.findVirtual(owner, name, MethodType.methodType(returns, params));
        return h.asType(h.type().generic());
    }

    /**
     * A protected method of Netty's own (classes in an unnamed module are open to reflection); null if this
     * version lacks it or its module is closed, and the caller falls back to the public API.
     */
    private static MethodHandle hidden(Class<?> owner, String name, Class<?>... params) {
        try {
            Method m = owner.getDeclaredMethod(name, params);
            m.setAccessible(true);
            MethodHandle h = MethodHandles.lookup().unreflect(m);
            return h.asType(h.type().generic());
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    static Transport transport(Object channel) {
        String name = channel.getClass().getName();
        if (name.contains("io.netty.channel.epoll.")) return Transport.EPOLL;
        if (name.contains("channel.uring.")) return Transport.IO_URING; // 4.2's transport and 4.1's incubator
        if (name.contains("io.netty.channel.kqueue.")) return Transport.KQUEUE;
        return Transport.NIO;
    }

    // the exceptions the transport itself raises for a reset connection and a refused connect

    /** What a read or write on a reset connection raises: Netty's native exception, or the JDK's on NIO. */
    IOException connectionReset(Object channel, boolean read) {
        Transport transport = transport(channel);
        if (transport == Transport.NIO) return new SocketException("Connection reset");
        String method = switch (transport) {
            case IO_URING -> read ? "io_uring read" : "io_uring write";
            default -> read ? "recvAddress" : "sendAddress";
        };
        try {
            Class<?> errors = type("io.netty.channel.unix.Errors");
            int reset = errors.getField("ERRNO_ECONNRESET_NEGATIVE").getInt(null);
            return (IOException)
                    errors.getMethod("newIOException", String.class, int.class).invoke(null, method, reset);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            InternalErrors.report(e);
            return new SocketException("Connection reset");
        }
    }

    /**
     * A refused connect, as the transport raises it (before Netty annotates it with the address). A non-blocking
     * connect learns of the refusal when it completes: on epoll in {@code finishConnect}, even on loopback.
     */
    IOException connectionRefused(Object channel) {
        Transport transport = transport(channel);
        if (transport == Transport.NIO) return new ConnectException("Connection refused");
        try {
            Class<?> errors = type("io.netty.channel.unix.Errors");
            int refused = errors.getField("ERROR_ECONNREFUSED_NEGATIVE").getInt(null);
            errors.getMethod("handleConnectErrno", String.class, int.class)
                    .invoke(null, transport == Transport.IO_URING ? "io_uring connect" : "finishConnect", refused);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IOException io) return io;
            InternalErrors.report(e);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            InternalErrors.report(e);
        }
        return new ConnectException("Connection refused");
    }

    // the calls, each as the public API names it

    Object contextChannel(Object context) throws Throwable {
        return (Object) contextChannel.invokeExact(context);
    }

    /** Every Netty event loop is a {@link ScheduledExecutorService}: no handle needed to schedule on it. */
    ScheduledExecutorService eventLoop(Object channel) throws Throwable {
        return (ScheduledExecutorService) (Object) eventLoop.invokeExact(channel);
    }

    /** Whether the calling thread is the channel's event loop (the one thread that may touch what it holds). */
    boolean inEventLoop(Object channel) throws Throwable {
        return (Boolean) (Object) inEventLoop.invokeExact(channel);
    }

    /**
     * Runs {@code then} once {@code loop} has terminated (at once if it has), on Netty's own notifier thread: a
     * listener on the loop's {@code terminationFuture()}, of this copy's listener type.
     */
    void whenTerminated(Object loop, Runnable then) throws Throwable {
        InvocationHandler handler = (proxy, method, args) -> switch (method.getName()) {
            case "operationComplete" -> {
                then.run();
                yield null;
            }
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            case "toString" -> "faultline: release what the agent holds for " + loop;
            default -> null;
        };
        Object listener =
                Proxy.newProxyInstance(futureListener.getClassLoader(), new Class<?>[] {futureListener}, handler);
        Object future = (Object) terminationFuture.invokeExact(loop);
        Object ignored = (Object) addListener.invokeExact(future, listener);
    }

    boolean isActive(Object channel) throws Throwable {
        return (Boolean) (Object) isActive.invokeExact(channel);
    }

    boolean isOpen(Object channel) throws Throwable {
        return (Boolean) (Object) isOpen.invokeExact(channel);
    }

    Object pipelineOf(Object channel) throws Throwable {
        return (Object) pipeline.invokeExact(channel);
    }

    int connectTimeoutMillis(Object channel) throws Throwable {
        return (Integer) (Object) connectTimeoutMillis.invokeExact(channel);
    }

    boolean isByteBuf(Object msg) {
        return byteBuf.isInstance(msg);
    }

    int readableBytes(Object byteBuf) throws Throwable {
        return (Integer) (Object) readableBytes.invokeExact(byteBuf);
    }

    /** Releases a message the agent drops, as Netty's tail does for one nobody handled. */
    void release(Object msg) {
        try {
            if (byteBuf.isInstance(msg)) {
                Object ignored = (Object) release.invokeExact(msg);
            }
        } catch (Throwable t) {
            InternalErrors.report(t);
        }
    }

    void fireChannelRead(Object pipeline, Object msg) throws Throwable {
        Object ignored = (Object) fireChannelRead.invokeExact(pipeline, msg);
    }

    void fireChannelReadComplete(Object pipeline) throws Throwable {
        Object ignored = (Object) fireChannelReadComplete.invokeExact(pipeline);
    }

    void fireExceptionCaught(Object pipeline, Throwable cause) throws Throwable {
        Object ignored = (Object) fireExceptionCaught.invokeExact(pipeline, (Object) cause);
    }

    /**
     * The bytes the next {@code doWrite} will try to write: what {@code nioBuffers()} gathers, as NIO's own
     * {@code doWrite} asks it ({@code totalPendingWriteBytes()} would add Netty's per-message overhead).
     */
    long flushedBytes(Object outbound) throws Throwable {
        Object ignored = (Object) nioBuffers.invokeExact(outbound);
        return (Long) (Object) nioBufferSize.invokeExact(outbound);
    }

    Object unsafe(Object channel) throws Throwable {
        return (Object) unsafe.invokeExact(channel);
    }

    void connect(Object unsafe, SocketAddress remote, SocketAddress local, Object promise) throws Throwable {
        Object ignored = (Object) unsafeConnect.invokeExact(unsafe, (Object) remote, (Object) local, promise);
    }

    void flush(Object unsafe) throws Throwable {
        Object ignored = (Object) unsafeFlush.invokeExact(unsafe);
    }

    /** What the transport does after a failed read or a connect timeout: {@code unsafe.close(voidPromise())}. */
    void close(Object unsafe) throws Throwable {
        Object promise = (Object) voidPromise.invokeExact(unsafe);
        Object ignored = (Object) unsafeClose.invokeExact(unsafe, promise);
    }

    boolean isDone(Object promise) throws Throwable {
        return (Boolean) (Object) promiseIsDone.invokeExact(promise);
    }

    void tryFailure(Object promise, Throwable cause) throws Throwable {
        Object ignored = (Object) tryFailure.invokeExact(promise, (Object) cause);
    }

    /** Netty's own annotation of a failed connect ({@code AnnotatedConnectException}: message + ": " + address). */
    Throwable annotateConnectException(Object unsafe, Throwable cause, SocketAddress remote) throws Throwable {
        if (annotateConnectException == null) return cause;
        return (Throwable) (Object) annotateConnectException.invokeExact(unsafe, (Object) cause, (Object) remote);
    }

    /**
     * Netty's own write-error path: closes the channel and fails the flushed writes with {@code cause}; false if
     * this version lacks it (the caller then fails the way the public API allows).
     */
    boolean handleWriteError(Object unsafe, Throwable cause) throws Throwable {
        if (handleWriteError == null) return false;
        Object ignored = (Object) handleWriteError.invokeExact(unsafe, (Object) cause);
        return true;
    }

    Throwable connectTimeout(String message) throws Throwable {
        return (Throwable) (Object) newConnectTimeoutException.invokeExact((Object) message);
    }
}
