package dev.faultline.agent.bootstrap;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/**
 * What an armed network hook does: match the call against each rule's selectors, ask its gates, then
 * inject. Deciding is guarded (an agent bug means "no fault"); the injected exception is thrown outside
 * that guard so it reaches the caller, and it is the one the call site would really see.
 */
final class NetworkInjector {
    static final int READ = 0;
    static final int WRITE = 1;

    private NetworkInjector() {}

    static void connect(FaultRule[] rules, SocketAddress remote, long timeoutNanos) throws IOException {
        for (FaultRule rule : rules) {
            if (!decide(rule, remote, 0)) continue;
            switch (rule.action()) {
                case LATENCY -> Pause.delay(rule, rule.delayNanos());
                case ERROR ->
                    throw error(rule, new ConnectException(rule.exceptions().messageOr("Connection refused")));
                case HANG -> hang(rule, timeoutNanos, "Connect timed out");
                default -> {}
            }
        }
    }

    static void transfer(
            FaultRule[] rules, int direction, InetAddress peer, int peerPort, int localPort, long timeoutNanos)
            throws IOException {
        for (FaultRule rule : rules) {
            if (decide(rule, peer, peerPort, localPort)) inject(rule, direction, timeoutNanos);
        }
    }

    static void transfer(FaultRule[] rules, int direction, SocketAddress remote, SocketAddress local, long timeoutNanos)
            throws IOException {
        int localPort = local instanceof InetSocketAddress l ? l.getPort() : 0;
        for (FaultRule rule : rules) {
            if (decide(rule, remote, localPort)) inject(rule, direction, timeoutNanos);
        }
    }

    static void throttle(FaultRule[] rules, InetAddress peer, int peerPort, int localPort, long bytes) {
        if (bytes <= 0) return;
        for (FaultRule rule : rules) {
            if (decide(rule, peer, peerPort, localPort)) Pause.delay(rule, rule.throttleWaitNanos(bytes));
        }
    }

    static void throttle(FaultRule[] rules, SocketAddress remote, SocketAddress local, long bytes) {
        if (bytes <= 0) return;
        int localPort = local instanceof InetSocketAddress l ? l.getPort() : 0;
        for (FaultRule rule : rules) {
            if (decide(rule, remote, localPort)) Pause.delay(rule, rule.throttleWaitNanos(bytes));
        }
    }

    static void resolve(FaultRule[] rules, String host) throws UnknownHostException {
        if (host == null) return;
        CallDepth depth = CallDepth.current();
        if (depth.resolving) return; // a look-up made while deciding: never fault our own
        for (FaultRule rule : rules) {
            boolean fire;
            depth.resolving = true;
            try {
                HostSelector hosts = rule.where().host();
                fire = (hosts == null || hosts.matchesName(host)) && !Exemption.isAgentThread() && rule.fire();
            } catch (Throwable t) {
                InternalErrors.report(t);
                fire = false;
            } finally {
                depth.resolving = false;
            }
            if (!fire) continue;
            switch (rule.action()) {
                case LATENCY -> Pause.delay(rule, rule.delayNanos());
                case ERROR -> {
                    IOException e = error(
                            rule,
                            new UnknownHostException(
                                    rule.exceptions().messageOr(host + ": Name or service not known")));
                    if (e instanceof UnknownHostException unknown) throw unknown;
                    throw Sneaky.<RuntimeException>raise(e); // another IOException: only with force=true, as asked
                }
                case HANG -> {
                    if (Pause.hold(rule, rule.forNanos())) {
                        throw new UnknownHostException(host + ": Temporary failure in name resolution");
                    }
                }
                default -> {}
            }
        }
    }

    private static void inject(FaultRule rule, int direction, long timeoutNanos) throws IOException {
        switch (rule.action()) {
            case LATENCY -> Pause.delay(rule, rule.delayNanos());
            case ERROR ->
                throw error(rule, new SocketException(rule.exceptions().messageOr("Connection reset")));
            case HANG -> hang(rule, timeoutNanos, direction == READ ? "Read timed out" : "Write timed out");
            default -> {}
        }
    }

    /** Blocks until the socket's own timeout (or for=) would fire, then fails as that timeout would. */
    private static void hang(FaultRule rule, long socketTimeoutNanos, String timeoutMessage) throws IOException {
        long forNanos = rule.forNanos();
        long bound = socketTimeoutNanos > 0 && (forNanos == 0 || socketTimeoutNanos < forNanos)
                ? socketTimeoutNanos
                : forNanos;
        if (Pause.hold(rule, bound)) throw new SocketTimeoutException(timeoutMessage);
        // the fault was removed, expired, or the thread interrupted: let the call proceed as it would have
    }

    private static IOException error(FaultRule rule, IOException hookDefault) {
        Throwable t = failure(rule, hookDefault);
        if (t instanceof IOException io) return io;
        throw Sneaky.<RuntimeException>raise(t); // unchecked (RuntimeException or Error) as configured
    }

    /** What an error rule raises: the hook's own exception, or the configured one. */
    static Throwable failure(FaultRule rule, IOException hookDefault) {
        return rule.exceptions().isHookDefault()
                ? hookDefault
                : rule.exceptions().create(null);
    }

    static boolean decide(FaultRule rule, SocketAddress remote, int localPort) {
        try {
            Where where = rule.where();
            if (!(remote instanceof InetSocketAddress r)) return false;
            if (where.port() != null
                    && !where.port().contains(r.getPort())
                    && !where.port().contains(localPort)) return false;
            if (where.host() != null && !where.host().matches(r)) return false;
            return !Exemption.isExempt(localPort) && rule.fire();
        } catch (Throwable t) {
            InternalErrors.report(t);
            return false;
        }
    }

    private static boolean decide(FaultRule rule, InetAddress peer, int peerPort, int localPort) {
        try {
            Where where = rule.where();
            if (where.port() != null
                    && !where.port().contains(peerPort)
                    && !where.port().contains(localPort)) return false;
            if (where.host() != null && !where.host().matches(peer, null)) return false;
            return !Exemption.isExempt(localPort) && rule.fire();
        } catch (Throwable t) {
            InternalErrors.report(t);
            return false;
        }
    }

    /** Throws a Throwable the compiler cannot see is checked; used only for configured unchecked ones. */
    static final class Sneaky {
        @SuppressWarnings("unchecked")
        static <T extends Throwable> T raise(Throwable t) throws T {
            throw (T) t;
        }
    }
}
