package dev.faultline.agent.nettyhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.agent.it.ForkedService;
import dev.faultline.agent.it.Jdks;
import dev.faultline.agent.method.Operator;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent's Netty hooks on plain Netty 4.2, NIO and epoll (and io_uring where it can run): a forked client JVM with the built agent jar
 * ({@link NettyProbe}, one event loop thread per transport) against echo servers in this JVM (no agent here, so
 * every count in {@code list()} is the client's). One forked JVM per JDK runs every case on both transports.
 */
class NettyHooksIT {
    private static EventLoopGroup serverLoop;
    private static Channel serverA;
    private static Channel serverB;
    private static int portA;
    private static int portB;
    private static int closedPort;

    @BeforeAll
    static void echoServers() throws Exception {
        serverLoop = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        serverA = echoServer();
        serverB = echoServer();
        portA = ((InetSocketAddress) serverA.localAddress()).getPort();
        portB = ((InetSocketAddress) serverB.localAddress()).getPort();
        closedPort = ForkedService.freePort();
    }

    @AfterAll
    static void stopServers() {
        if (serverA != null) serverA.close();
        if (serverB != null) serverB.close();
        if (serverLoop != null) serverLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private static Channel echoServer() throws InterruptedException {
        return new ServerBootstrap()
                .group(serverLoop)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ctx.writeAndFlush(msg);
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close(); // the faulted client went away
                            }
                        });
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
    }

    static List<Jdks.Jdk> jdks() {
        return Jdks.all();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void faultsReachNettyChannelsOnTheirOwnEventLoop(Jdks.Jdk jdk) throws Exception {
        try (ForkedService svc =
                ForkedService.builder(jdk).main(NettyProbe.class.getName()).start()) {
            // epoll is a dependency of this module: it must run. io_uring runs when the build puts its jars on the
            // test classpath and the kernel allows it; skipped with the reason otherwise.
            String missing = svc.send("missing");
            assertTrue(!missing.contains("epoll="), "epoll cannot run here: " + missing);
            List<String> transports = new ArrayList<>(List.of("epoll", "nio"));
            if (missing.contains("uring=")) System.out.println("[nettyhook] SKIPPING io_uring: " + missing);
            else transports.add("uring");
            for (String transport : transports) {
                latency(svc, transport);
                errors(svc, transport);
                hangAndThrottle(svc, transport);
                aClosedChannelEndsItsHold(svc, transport);
                oneSlowPeerLeavesTheLoopFree(svc, transport);
                server(svc, transport);
                aLoopShutDownReleasesWhatItHeld(svc, transport);
                readsFiredOffTheLoop(svc, transport);
            }
        }
    }

    /**
     * A service started without the agent, its channels connected; the agent attached later reaches them: the hooked
     * Netty classes are retransformed, and these methods are entered anew for every read.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void attachedLaterReachesChannelsThatAlreadyExist(Jdks.Jdk jdk) throws Exception {
        try (ForkedService svc = ForkedService.builder(jdk)
                .withoutAgent()
                .jvmArg("-XX:+EnableDynamicAgentLoading")
                .main(NettyProbe.class.getName())
                .start()) {
            List<String> transports = List.of("epoll", "nio");
            for (String t : transports) {
                assertTrue(probe(svc, "open " + t + " " + portA).ok(), t + " connected");
                assertTrue(probe(svc, "rt-open " + t + " 3").first < 100_000, t + " round trips before the agent");
            }
            int jmxPort = ForkedService.freePort();
            Process attach = new ProcessBuilder(
                            jdk.java(),
                            "-jar",
                            ForkedService.AGENT_JAR,
                            "attach",
                            String.valueOf(svc.process().pid()),
                            "jmx.port=" + jmxPort + ",jmx.auth.dir=" + ForkedService.CREDENTIALS_DIR)
                    .redirectErrorStream(true)
                    .start();
            String attachOut = new String(attach.getInputStream().readAllBytes());
            assertTrue(attach.waitFor(60, TimeUnit.SECONDS) && attach.exitValue() == 0, "attach: " + attachOut);
            try (Operator op = Operator.connect(jmxPort)) {
                String id = op.add("latency on=read port=" + portA + " delay=200ms");
                for (String t : transports) {
                    Probe slow = probe(svc, "rt-open " + t + " 3");
                    assertTrue(slow.ok() && slow.first >= 198_000, t + " existing channel after attach: " + slow);
                }
                String line = Arrays.stream(op.list())
                        .filter(l -> l.startsWith(id + " "))
                        .collect(Collectors.joining());
                assertTrue(line.contains("matched=6 "), "3 reads on each existing channel, each counted once: " + line);
                assertEquals(1, op.clear());
                for (String t : transports) {
                    Probe after = probe(svc, "rt-open " + t + " 3");
                    assertTrue(after.ok() && after.first < 100_000, t + " after clear(): " + after);
                }
            }
        }
    }

    private void latency(ForkedService svc, String t) throws Exception {
        Probe base = rt(svc, t, portA, 5);
        assertTrue(base.ok() && base.first < 100_000, t + " baseline round trips: " + base);
        Probe connectBase = probe(svc, "connect " + t + " " + portA);
        assertTrue(connectBase.ok(), t + " baseline connect: " + connectBase);

        String read = svc.add("latency on=read port=" + portA + " delay=200ms");
        Probe slowRead = rt(svc, t, portA, 3);
        assertTrue(slowRead.ok() && slowRead.first >= 198_000, t + " read latency 200ms: " + slowRead);
        // three reads, each counted once: on NIO the SocketChannelImpl hooks below Netty count nothing
        assertCounted(svc, read, 3, t + " read latency");
        assertEquals(1, svc.clear());

        // two rules for one peer: their delays add up and each counts the read, as on the JDK hooks
        String first = svc.add("latency on=read port=" + portA + " delay=200ms");
        String second = svc.add("latency on=read port=" + portA + " delay=150ms");
        Probe both = rt(svc, t, portA, 1);
        assertTrue(both.ok() && both.first >= 348_000, t + " two read latencies, 200 + 150 ms: " + both);
        assertCounted(svc, first, 1, t + " first of two read latencies");
        assertCounted(svc, second, 1, t + " second of two read latencies");
        assertEquals(2, svc.clear());

        svc.add("latency on=write port=" + portA + " delay=200ms");
        Probe slowWrite = rt(svc, t, portA, 3);
        assertTrue(slowWrite.ok() && slowWrite.first >= 198_000, t + " write latency 200ms: " + slowWrite);
        svc.clear();

        svc.add("latency on=connect port=" + portA + " delay=300ms");
        Probe slowConnect = probe(svc, "connect " + t + " " + portA);
        assertTrue(slowConnect.ok() && slowConnect.first >= 297_000, t + " connect latency 300ms: " + slowConnect);
        svc.add("latency on=connect port=" + portA + " delay=3s");
        Probe timedOut = probe(svc, "connect " + t + " " + portA); // past the client's 1 s connect timeout
        assertTrue(
                timedOut.failedWith("io.netty.channel.ConnectTimeoutException")
                        && timedOut.message.contains("connection timed out")
                        && timedOut.message.endsWith(":" + portA),
                t + " connect latency past CONNECT_TIMEOUT_MILLIS: " + timedOut);
        svc.clear();

        Probe after = rt(svc, t, portA, 5);
        assertTrue(after.ok() && after.first < 100_000, t + " after clear(): " + after + " (baseline " + base + ")");
    }

    private void errors(ForkedService svc, String t) throws Exception {
        // a real refusal first, for the exception the transport raises itself
        Probe refused = probe(svc, "connect " + t + " " + closedPort);
        assertTrue(refused.failed(), t + " connect to a closed port: " + refused);
        String connect = svc.add("error on=connect port=" + portA);
        Probe injected = probe(svc, "connect " + t + " " + portA);
        assertEquals(refused.exception, injected.exception, t + " injected refusal: " + injected);
        assertEquals(
                refused.message.replace(":" + closedPort, ":" + portA),
                injected.message,
                t + " injected refusal reads as the real one (" + refused + ")");
        assertCounted(svc, connect, 1, t + " connect error");
        svc.clear();

        svc.add("error on=read port=" + portA);
        Probe reset = rt(svc, t, portA, 1);
        boolean nio = t.equals("nio");
        String resetClass = nio ? "java.net.SocketException" : "io.netty.channel.unix.Errors$NativeIoException";
        String resetText = nio ? "Connection reset" : "Connection reset by peer";
        assertTrue(
                reset.failedWith(resetClass) && reset.message.contains(resetText),
                t + " read error, as the client's handler sees it: " + reset);
        svc.clear();

        svc.add("error on=write port=" + portA);
        Probe writeReset = rt(svc, t, portA, 1);
        assertTrue(
                writeReset.failedWith(resetClass) && writeReset.message.contains(resetText),
                t + " write error, as the write promise fails: " + writeReset);
        svc.clear();
        assertTrue(rt(svc, t, portA, 2).ok(), t + " after clear()");
    }

    private void hangAndThrottle(ForkedService svc, String t) throws Exception {
        svc.add("hang on=read port=" + portA + " for=400ms");
        Probe held = rt(svc, t, portA, 1);
        assertTrue(held.ok() && held.first >= 396_000, t + " read held 400 ms, then delivered: " + held);
        svc.clear();
        svc.add("hang on=write port=" + portA + " for=400ms");
        Probe heldWrite = rt(svc, t, portA, 1);
        assertTrue(heldWrite.ok() && heldWrite.first >= 396_000, t + " write held 400 ms, then sent: " + heldWrite);
        svc.clear();

        // 15-byte echoes at 150 b/s: each read paced about 100 ms after the one before
        String throttle = svc.add("throttle on=read port=" + portA + " rate=150b");
        Probe paced = rt(svc, t, portA, 4);
        assertTrue(paced.ok() && paced.first >= 60_000, t + " read throttled to 150 b/s: " + paced);
        assertCounted(svc, throttle, 4, t + " throttle");
        svc.clear();
        String writeThrottle = svc.add("throttle on=write port=" + portA + " rate=150b");
        Probe pacedWrites = rt(svc, t, portA, 4);
        assertTrue(pacedWrites.ok() && pacedWrites.first >= 60_000, t + " write throttled to 150 b/s: " + pacedWrites);
        assertCounted(svc, writeThrottle, 4, t + " write throttle");
        svc.clear();
        // four pings flushed one after another while the first flush is held: the later flushes' bytes are paced
        // too, after the first's (60 b at 150 b/s: 400 ms), not sent along with it when its 100 ms are up
        svc.add("throttle on=write port=" + portA + " rate=150b");
        Probe burst = probe(svc, "burst " + t + " " + portA + " 4");
        assertTrue(burst.ok() && burst.first >= 380_000, t + " 4 flushes while held, all paced to 150 b/s: " + burst);
        svc.clear();
    }

    /** A hang with no end of its own: the application closing the channel ends it, not clear() or a ttl. */
    private void aClosedChannelEndsItsHold(ForkedService svc, String t) throws Exception {
        svc.add("hang on=connect port=" + portA);
        Probe closed = probe(svc, "close-held-connect " + t + " " + portA);
        svc.clear();
        assertTrue(
                closed.ok() && closed.first < 1_000_000, t + " a held connect ends when its channel closes: " + closed);
    }

    private void oneSlowPeerLeavesTheLoopFree(ForkedService svc, String t) throws Exception {
        svc.add("latency on=read port=" + portA + " delay=300ms");
        Probe pair = probe(svc, "pair " + t + " " + portA + " " + portB + " 5");
        svc.clear();
        // pair answers "OK <slow p50> <other p50> <other count>": a parked loop would hold the other peer ~300 ms
        assertTrue(pair.ok(), t + " two peers on one loop: " + pair);
        long slowP50 = pair.first, otherP50 = pair.second;
        assertTrue(slowP50 >= 297_000 && slowP50 < 400_000, t + " the faulted peer's p50: " + pair);
        assertTrue(otherP50 < 20_000, t + " the other peer on the same loop stays fast: " + pair);
    }

    /**
     * {@code fireChannelRead} from four other threads at once while each read is held: Netty hands such a call to
     * the channel's loop, and so must the hook (its held state is the loop's alone), so every read arrives, on the
     * loop and in each thread's order, and each is counted once.
     */
    private void readsFiredOffTheLoop(ForkedService svc, String t) throws Exception {
        String id = svc.add("latency on=read port=" + portA + " delay=1ms");
        Probe off = probe(svc, "offloop " + t + " " + portA + " 4 2000");
        assertTrue(off.ok() && off.second == 8000, t + " 8000 reads fired off the loop: " + off);
        assertCounted(svc, id, 8000, t + " reads fired off the loop");
        svc.clear();
    }

    /**
     * A loop shut down while a read is held (a 10 s latency): its scheduled tasks are cancelled, so the agent must
     * release what it held when the loop terminates: every buffer the transport allocated is released.
     */
    private void aLoopShutDownReleasesWhatItHeld(ForkedService svc, String t) throws Exception {
        svc.add("latency on=read port=" + portA + " delay=10s");
        // three loops: a look at the held read every 20 ms (for the rule's removal) may run between the close and
        // the cancellation and release it anyway; without the release at termination 1 in 2 leaked (epoll, JDK 17)
        for (int i = 0; i < 3; i++) {
            Probe shut = probe(svc, "shutdown-held " + t + " " + portA);
            assertTrue(shut.ok() && shut.first >= 1, t + " the echo was held: " + shut);
            assertEquals(0, shut.second, t + " unreleased after the loop terminated: " + shut);
        }
        svc.clear();
        // a held connect's task is cancelled likewise: its promise must still end, as a closed channel's connect
        svc.add("hang on=connect port=" + portA);
        Probe connect = probe(svc, "shutdown-held-connect " + t + " " + portA);
        svc.clear();
        assertTrue(
                connect.ok() && connect.line().contains("ClosedChannelException"),
                t + " a held connect ends when its loop shuts down, as a closed channel's connect: " + connect);
    }

    /** A Netty server's accepted channels, selected by its own port: a plain socket here measures the echo. */
    private void server(ForkedService svc, String t) throws Exception {
        int port = (int) probe(svc, "serve " + t).first;
        assertTrue(port > 0, t + " server started");
        long base = socketRoundTripMicros(port);
        String id = svc.add("latency on=read port=" + port + " delay=200ms");
        probe(svc, "server-reads");
        long slow = socketRoundTripMicros(port);
        assertTrue(
                slow >= 198_000, t + " server's read latency, seen by its client: " + slow + " us (base " + base + ")");
        // a loaded machine may hand the four bytes to the server in two reads: each is one Netty call, counted once
        int reads = (int) probe(svc, "server-reads").first;
        assertTrue(reads >= 1, t + " the server's handler saw the request: " + reads);
        assertCounted(svc, id, reads, t + " server read");
        svc.clear();
        svc.add("error on=read port=" + port);
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(PING_BYTES);
            // the server's channel failed its read and closed: its client sees the end of the stream
            assertEquals(-1, s.getInputStream().read(), t + " server closed after an injected read error");
        }
        svc.clear();
        long after = socketRoundTripMicros(port);
        assertTrue(after < 100_000, t + " server after clear(): " + after + " us");
    }

    private static final byte[] PING_BYTES = "ping".getBytes(StandardCharsets.US_ASCII);

    /** One echo round trip through a plain blocking socket in this JVM (no agent here), µs. */
    private static long socketRoundTripMicros(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            long start = System.nanoTime();
            s.getOutputStream().write(PING_BYTES);
            byte[] echo = s.getInputStream().readNBytes(PING_BYTES.length);
            assertEquals("ping", new String(echo, StandardCharsets.US_ASCII));
            return (System.nanoTime() - start) / 1000;
        }
    }

    private static Probe rt(ForkedService svc, String t, int port, int n) throws Exception {
        return probe(svc, "rt " + t + " " + port + " " + n);
    }

    private static Probe probe(ForkedService svc, String command) throws Exception {
        Probe p = new Probe(command, svc.send(command));
        System.out.println("[nettyhook] " + p);
        return p;
    }

    /** The rule's line in list() shows exactly {@code n} matched and injected calls. */
    private static void assertCounted(ForkedService svc, String id, int n, String what) throws Exception {
        String line =
                Arrays.stream(svc.list()).filter(l -> l.startsWith(id + " ")).collect(Collectors.joining());
        assertTrue(
                line.contains("injected=" + n + " ") && line.contains("matched=" + n + " "),
                what + ": each Netty call counted once: " + line);
    }

    /** A {@link NettyProbe} answer: {@code OK <µs> [<µs> …]} or {@code ERR <class>|<message>}. */
    record Probe(String command, String line, long first, long second, String exception, String message) {
        Probe(String command, String line) {
            this(command, line, number(line, 1), number(line, 2), part(line, 0), part(line, 1));
        }

        boolean ok() {
            return line.startsWith("OK ");
        }

        boolean failed() {
            return line.startsWith("ERR ");
        }

        boolean failedWith(String exceptionClass) {
            return failed() && exceptionClass.equals(exception);
        }

        private static long number(String line, int i) {
            String[] f = line.split(" ");
            return line.startsWith("OK ") && f.length > i ? Long.parseLong(f[i]) : -1;
        }

        private static String part(String line, int i) {
            if (!line.startsWith("ERR ")) return "";
            String[] p = line.substring(4).split("\\|", 2);
            return p.length > i ? p[i] : "";
        }

        @Override
        public String toString() {
            return command + " -> " + line;
        }
    }
}
