package dev.faultline.agent.hook;

import dev.faultline.agent.fault.FaultRule;

import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;

/**
 * The static entry points that advice inlined into JDK classes calls. Loaded by the bootstrap class loader.
 * The fast path is one volatile read per call: while nothing is armed for a hook its array is null and the
 * method returns at once, so the JIT reduces an unarmed hook to a load and a branch.
 */
public final class Hooks {
    static volatile FaultRule[] connect;
    static volatile FaultRule[] read;
    static volatile FaultRule[] readThrottle;
    static volatile FaultRule[] write;
    static volatile FaultRule[] writeThrottle;
    static volatile FaultRule[] dns;

    private Hooks() {
    }

    // java.net.Socket (sun.nio.ch.NioSocketImpl)

    public static void socketConnect(SocketAddress remote, int timeoutMillis) throws IOException {
        FaultRule[] rules = connect;
        if (rules != null) NetworkInjector.connect(rules, remote, timeoutMillis * 1_000_000L);
    }

    public static void socketRead(InetAddress peer, int peerPort, int localPort, int timeoutMillis) throws IOException {
        FaultRule[] rules = read;
        if (rules != null) NetworkInjector.transfer(rules, NetworkInjector.READ, peer, peerPort, localPort, timeoutMillis * 1_000_000L);
    }

    public static void socketReadDone(InetAddress peer, int peerPort, int localPort, long bytes) {
        FaultRule[] rules = readThrottle;
        if (rules != null) NetworkInjector.throttle(rules, peer, peerPort, localPort, bytes);
    }

    public static void socketWrite(InetAddress peer, int peerPort, int localPort) throws IOException {
        FaultRule[] rules = write;
        if (rules != null) NetworkInjector.transfer(rules, NetworkInjector.WRITE, peer, peerPort, localPort, 0);
    }

    public static void socketWriteDone(InetAddress peer, int peerPort, int localPort, long bytes) {
        FaultRule[] rules = writeThrottle;
        if (rules != null) NetworkInjector.throttle(rules, peer, peerPort, localPort, bytes);
    }

    // java.nio.channels.SocketChannel (sun.nio.ch.SocketChannelImpl)

    public static void channelConnect(SocketAddress remote, long timeoutNanos) throws IOException {
        FaultRule[] rules = connect;
        if (rules != null) NetworkInjector.connect(rules, remote, timeoutNanos);
    }

    public static void channelRead(SocketAddress remote, SocketAddress local, long timeoutNanos) throws IOException {
        FaultRule[] rules = read;
        if (rules != null) NetworkInjector.transfer(rules, NetworkInjector.READ, remote, local, timeoutNanos);
    }

    public static void channelReadDone(SocketAddress remote, SocketAddress local, long bytes) {
        FaultRule[] rules = readThrottle;
        if (rules != null) NetworkInjector.throttle(rules, remote, local, bytes);
    }

    public static void channelWrite(SocketAddress remote, SocketAddress local) throws IOException {
        FaultRule[] rules = write;
        if (rules != null) NetworkInjector.transfer(rules, NetworkInjector.WRITE, remote, local, 0);
    }

    public static void channelWriteDone(SocketAddress remote, SocketAddress local, long bytes) {
        FaultRule[] rules = writeThrottle;
        if (rules != null) NetworkInjector.throttle(rules, remote, local, bytes);
    }

    // java.net.InetAddress

    public static void resolve(String host) throws UnknownHostException {
        FaultRule[] rules = dns;
        if (rules != null) NetworkInjector.resolve(rules, host);
    }
}
