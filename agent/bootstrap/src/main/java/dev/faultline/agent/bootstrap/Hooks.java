package dev.faultline.agent.bootstrap;

import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.function.UnaryOperator;

/**
 * The static entry points that advice inlined into JDK classes calls. Loaded by the bootstrap class loader.
 * The fast path is one volatile read of the {@link RuleTable} per call: while nothing is armed for a hook its
 * array is null and the method returns at once, so the JIT reduces an unarmed hook to two loads and a branch (Netty's
 * read and flush hooks: one load of {@link NettyState}).
 */
public final class Hooks {
    /** The armed rules: replaced whole, never changed in place (one volatile write per arm or disarm). */
    static volatile RuleTable table = RuleTable.EMPTY;

    private Hooks() {}

    /**
     * What the hooks see from now on: {@code change} applied to the current table, written back with one volatile
     * write. Network and method rules are armed from different threads: the lock (never taken by a hook) keeps
     * one change from undoing another.
     */
    public static synchronized void publish(UnaryOperator<RuleTable> change) {
        RuleTable next = change.apply(table);
        table = next;
        NettyState.follow(next);
    }

    public static RuleTable table() {
        return table;
    }

    // java.net.Socket (sun.nio.ch.NioSocketImpl)

    public static void socketConnect(SocketAddress remote, int timeoutMillis) throws IOException {
        FaultRule[] rules = table.connect;
        if (rules != null) NetworkInjector.connect(rules, remote, timeoutMillis * 1_000_000L);
    }

    public static void socketRead(InetAddress peer, int peerPort, int localPort, int timeoutMillis) throws IOException {
        FaultRule[] rules = table.read;
        if (rules != null)
            NetworkInjector.transfer(
                    rules, NetworkInjector.READ, peer, peerPort, localPort, timeoutMillis * 1_000_000L);
    }

    public static void socketReadDone(InetAddress peer, int peerPort, int localPort, long bytes) {
        FaultRule[] rules = table.readThrottle;
        if (rules != null) NetworkInjector.throttle(rules, peer, peerPort, localPort, bytes);
    }

    public static void socketWrite(InetAddress peer, int peerPort, int localPort) throws IOException {
        FaultRule[] rules = table.write;
        if (rules != null) NetworkInjector.transfer(rules, NetworkInjector.WRITE, peer, peerPort, localPort, 0);
    }

    public static void socketWriteDone(InetAddress peer, int peerPort, int localPort, long bytes) {
        FaultRule[] rules = table.writeThrottle;
        if (rules != null) NetworkInjector.throttle(rules, peer, peerPort, localPort, bytes);
    }

    // java.nio.channels.SocketChannel (sun.nio.ch.SocketChannelImpl)

    public static void channelConnect(SocketAddress remote, long timeoutNanos) throws IOException {
        FaultRule[] rules = table.connect;
        if (rules != null && !CallDepth.current().nettyIo) NetworkInjector.connect(rules, remote, timeoutNanos);
    }

    public static void channelRead(SocketAddress remote, SocketAddress local, long timeoutNanos) throws IOException {
        FaultRule[] rules = table.read;
        if (rules != null && !CallDepth.current().nettyIo)
            NetworkInjector.transfer(rules, NetworkInjector.READ, remote, local, timeoutNanos);
    }

    public static void channelReadDone(SocketAddress remote, SocketAddress local, long bytes) {
        FaultRule[] rules = table.readThrottle;
        if (rules != null && !CallDepth.current().nettyIo) NetworkInjector.throttle(rules, remote, local, bytes);
    }

    public static void channelWrite(SocketAddress remote, SocketAddress local) throws IOException {
        FaultRule[] rules = table.write;
        if (rules != null && !CallDepth.current().nettyIo)
            NetworkInjector.transfer(rules, NetworkInjector.WRITE, remote, local, 0);
    }

    public static void channelWriteDone(SocketAddress remote, SocketAddress local, long bytes) {
        FaultRule[] rules = table.writeThrottle;
        if (rules != null && !CallDepth.current().nettyIo) NetworkInjector.throttle(rules, remote, local, bytes);
    }

    // Netty, any transport and any relocated copy (NettyFaults): true = the call was taken over, skip the original

    /**
     * {@code DefaultChannelPipeline.fireChannelRead(msg)}, first: nothing armed for reads and nothing held back, so
     * the advice returns before it reads the channel's addresses.
     */
    public static boolean nettyReadIdle() {
        return NettyState.readIdle();
    }

    /** {@code DefaultChannelPipeline.fireChannelRead(msg)}: every transport's read loop hands its bytes here. */
    public static boolean nettyRead(
            Object pipeline, Object channel, Object msg, SocketAddress remote, SocketAddress local) {
        return NettyFaults.read(table, pipeline, channel, msg, remote, local);
    }

    /**
     * {@code AbstractChannel.AbstractUnsafe.flush0()}, first: nothing armed for writes and nothing held back, so the
     * advice returns before it asks the channel anything.
     */
    public static boolean nettyFlushIdle() {
        return NettyState.flushIdle();
    }

    /**
     * {@code AbstractChannel.AbstractUnsafe.flush0()}: the one caller of every transport's {@code doWrite}. {@code
     * empty} (nothing flushed to write), {@code active} and the addresses: what the advice read through Netty's own
     * calls.
     */
    public static boolean nettyFlush(
            Object channel,
            Object unsafe,
            Object outbound,
            boolean empty,
            boolean active,
            SocketAddress remote,
            SocketAddress local) {
        return NettyFaults.flush(table, channel, unsafe, outbound, empty, active, remote, local);
    }

    /** {@code DefaultChannelPipeline.HeadContext.connect(ctx, remote, local, promise)}: before the transport's. */
    public static boolean nettyConnect(Object ctx, SocketAddress remote, SocketAddress local, Object promise) {
        FaultRule[] rules = table.connect;
        if (rules == null) return false;
        return NettyFaults.connect(rules, ctx, remote, local, promise);
    }

    /** Around Netty's NIO socket calls while rules are armed: they reach SocketChannelImpl already faulted. */
    public static boolean nettyIoEnter() {
        if (!table.network) return false;
        CallDepth depth = CallDepth.current();
        if (depth.nettyIo) return false;
        depth.nettyIo = true;
        return true;
    }

    public static void nettyIoExit(boolean entered) {
        if (entered) CallDepth.current().nettyIo = false;
    }

    // java.net.InetAddress

    public static void resolve(String host) throws UnknownHostException {
        FaultRule[] rules = table.dns;
        if (rules != null) NetworkInjector.resolve(rules, host);
    }
}
