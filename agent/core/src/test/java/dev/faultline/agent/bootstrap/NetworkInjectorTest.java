package dev.faultline.agent.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.agent.spec.SpecException;
import dev.faultline.agent.spec.SpecParser;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The network injector's decision, as a table: selectors (port of the peer or of the local end, host) ×
 * exemption (our listening ports, our threads) × gate × action → what the intercepted call sees. Pure logic: no
 * socket is opened, no class is instrumented.
 */
class NetworkInjectorTest {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final int PEER = 5432;
    static final int LOCAL = 40_002;
    static final int EXEMPT_LOCAL = 40_001;

    static {
        Exemption.exemptLocalPort(EXEMPT_LOCAL);
    }

    /** null: the call proceeds untouched; else the exception class it fails with. */
    static Stream<Arguments> readDecisions() {
        return Stream.of(
                // selectors
                Arguments.of("error on=read port=5432", LOCAL, "main", SocketException.class),
                Arguments.of(
                        "error on=read port=40002",
                        LOCAL,
                        "main",
                        SocketException.class), // the local end: a server's own listener
                Arguments.of("error on=read port=6379", LOCAL, "main", null),
                Arguments.of("error on=read port=5000-5999", LOCAL, "main", SocketException.class),
                Arguments.of("error on=read host=127.0.0.0/8", LOCAL, "main", SocketException.class),
                Arguments.of("error on=read host=10.0.0.0/8", LOCAL, "main", null),
                Arguments.of(
                        "error on=read host=10.0.0.0/8 port=5432", LOCAL, "main", null), // all selectors must match
                Arguments.of("error on=read", LOCAL, "main", SocketException.class),
                // exemption
                Arguments.of("error on=read", EXEMPT_LOCAL, "main", null),
                Arguments.of("error on=read port=5432", EXEMPT_LOCAL, "main", null),
                Arguments.of("error on=read", LOCAL, "faultline-control", null),
                Arguments.of(
                        "error on=read",
                        LOCAL,
                        "RMI TCP Connection(1)-127.0.0.1",
                        SocketException.class), // not ours by name: exempt by port only
                // gates
                Arguments.of("error on=read probability=0.0", LOCAL, "main", null),
                Arguments.of("error on=read every=2", LOCAL, "main", null), // the first of every two passes
                Arguments.of("error on=read after=1h ttl=2h", LOCAL, "main", null),
                // actions
                Arguments.of("latency on=read delay=1ms", LOCAL, "main", null),
                Arguments.of("hang on=read for=1ms", LOCAL, "main", SocketTimeoutException.class),
                Arguments.of(
                        "error on=read exception=java.lang.IllegalStateException",
                        LOCAL,
                        "main",
                        IllegalStateException.class),
                Arguments.of(
                        "error on=read exception=java.net.SocketTimeoutException",
                        LOCAL,
                        "main",
                        SocketTimeoutException.class));
    }

    @ParameterizedTest(name = "{0} local={1} thread={2} -> {3}")
    @MethodSource("readDecisions")
    void aReadIsDecidedByItsSelectorsExemptionGateAndAction(
            String spec, int localPort, String thread, Class<? extends Throwable> expected) throws Exception {
        FaultRule rule = rule(spec);
        Throwable blocking = onThread(
                thread,
                () -> NetworkInjector.transfer(
                        new FaultRule[] {rule}, NetworkInjector.READ, LOOPBACK, PEER, localPort, 0));
        FaultRule channelRule = rule(spec);
        Throwable channel = onThread(
                thread,
                () -> NetworkInjector.transfer(
                        new FaultRule[] {channelRule},
                        NetworkInjector.READ,
                        new InetSocketAddress(LOOPBACK, PEER),
                        new InetSocketAddress(LOOPBACK, localPort),
                        0));
        for (Throwable t : new Throwable[] {blocking, channel}) {
            if (expected == null) assertNull(t, "the call proceeds");
            else assertTrue(expected.isInstance(t), "fails with " + expected.getSimpleName() + ", not " + t);
        }
        assertEquals(
                expected == null && !spec.startsWith("latency") ? 0 : 1,
                rule.injectedCount(),
                "injections counted once per call injected");
    }

    @Test
    void eachHookFailsAsItsCallSiteWould() throws Exception {
        ConnectException refused = assertThrows(
                ConnectException.class,
                () -> NetworkInjector.connect(
                        new FaultRule[] {rule("error on=connect port=5432")},
                        new InetSocketAddress(LOOPBACK, PEER),
                        0));
        assertEquals("Connection refused", refused.getMessage());
        SocketException reset = assertThrows(
                SocketException.class,
                () -> NetworkInjector.transfer(
                        new FaultRule[] {rule("error on=write port=5432")},
                        NetworkInjector.WRITE,
                        LOOPBACK,
                        PEER,
                        LOCAL,
                        0));
        assertEquals("Connection reset", reset.getMessage());
        SocketTimeoutException readTimeout = assertThrows(
                SocketTimeoutException.class,
                () -> NetworkInjector.transfer(
                        new FaultRule[] {rule("hang on=read port=5432")},
                        NetworkInjector.READ,
                        LOOPBACK,
                        PEER,
                        LOCAL,
                        1_000_000));
        assertEquals("Read timed out", readTimeout.getMessage(), "a hang ends at the socket's own timeout");
        SocketTimeoutException writeTimeout = assertThrows(
                SocketTimeoutException.class,
                () -> NetworkInjector.transfer(
                        new FaultRule[] {rule("hang on=write for=1ms")},
                        NetworkInjector.WRITE,
                        LOOPBACK,
                        PEER,
                        LOCAL,
                        0));
        assertEquals("Write timed out", writeTimeout.getMessage());
        SocketTimeoutException connectTimeout = assertThrows(
                SocketTimeoutException.class,
                () -> NetworkInjector.connect(
                        new FaultRule[] {rule("hang on=connect for=1ms")}, new InetSocketAddress(LOOPBACK, PEER), 0));
        assertEquals("Connect timed out", connectTimeout.getMessage());
        assertThrows(
                UnknownHostException.class,
                () -> NetworkInjector.resolve(new FaultRule[] {rule("error on=dns host=*.internal")}, "db.internal"));
        NetworkInjector.resolve(
                new FaultRule[] {rule("error on=dns host=*.internal")}, "db.external"); // not selected: proceeds
    }

    @Test
    void limitGivesExactlyThatManyInjections() throws Exception {
        FaultRule rule = rule("error on=read limit=2");
        int failed = 0;
        for (int i = 0; i < 5; i++) {
            try {
                NetworkInjector.transfer(new FaultRule[] {rule}, NetworkInjector.READ, LOOPBACK, PEER, LOCAL, 0);
            } catch (SocketException e) {
                failed++;
            }
        }
        assertEquals(2, failed);
    }

    @Test
    void aThrottleWaitsOnlyForTheRulesItSelects() {
        FaultRule other = rule("throttle on=read port=6379 rate=1kb");
        long start = System.nanoTime();
        NetworkInjector.throttle(
                new FaultRule[] {other}, LOOPBACK, PEER, LOCAL, 1 << 20); // a MiB at 1 KiB/s would take 17 min
        assertTrue(System.nanoTime() - start < 1_000_000_000L);
        assertEquals(0, other.injectedCount());
    }

    private static FaultRule rule(String spec) {
        return new FaultRule(
                "t",
                SpecParser.parse(spec),
                SpecException.refusing(() -> ThrowableFactory.forSpec(
                        SpecParser.parse(spec), ClassLoader.getSystemClassLoader(), IOException.class)));
    }

    interface Call {
        void run() throws Exception;
    }

    private static Throwable onThread(String name, Call call) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(
                () -> {
                    try {
                        call.run();
                    } catch (Throwable e) {
                        thrown.set(e);
                    }
                },
                name);
        t.start();
        t.join();
        return thrown.get();
    }
}
