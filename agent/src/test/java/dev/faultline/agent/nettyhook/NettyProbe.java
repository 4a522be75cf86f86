package dev.faultline.agent.nettyhook;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The forked client: plain Netty 4.2 on NIO, epoll or io_uring, one event loop of one thread per transport (so every
 * channel of a transport shares it), driven one command per stdin line. Each answer is what the client itself
 * measured or saw: {@code OK <µs>…}, or {@code ERR <exception class>|<message>} as its handler or promise got it.
 *
 * <ul>
 *   <li>{@code missing}: the transports that cannot run here, {@code name=reason} each;
 *   <li>{@code connect <nio|epoll|uring> <port>}: one connect, timed to its promise;
 *   <li>{@code rt <nio|epoll|uring> <port> <n>}: n echo round trips on one connection, each timed, p50 and max;
 *   <li>{@code serve <nio|epoll|uring>}: an echo server on that loop, answers its port;
 *   <li>{@code server-reads}: how many reads the echo servers' handlers saw since it was last asked;
 *   <li>{@code open <nio|epoll|uring> <port>}, then {@code rt-open <nio|epoll|uring> <n>}: the same on a connection
 *       kept open between commands (made before the agent is attached);
 *   <li>{@code pair <nio|epoll|uring> <slowPort> <otherPort> <n>}: two connections on the one loop; n round trips on
 *       the first while the second runs round trips back to back; the p50 of each;
 *   <li>{@code offloop <nio|epoll|uring> <port> <threads> <n>}: on one connection, each of the threads calls {@code
 *       pipeline().fireChannelRead} n times, off the event loop; the reads the handler saw, in order per thread and
 *       on the loop;
 *   <li>{@code shutdown-held <nio|epoll|uring> <port>}: a ping on a loop of its own, whose read the agent holds; the
 *       loop shut down meanwhile: the buffers the transport allocated that are still unreleased;
 *   <li>{@code shutdown-held-connect <nio|epoll|uring> <port>}: a connect the agent holds, on a loop of its own
 *       shut down meanwhile: whether, and how, the connect ended.
 * </ul>
 */
public final class NettyProbe {
    private static final byte[] PING = "ping-0123456789".getBytes(StandardCharsets.US_ASCII);
    private static final String URING = "io.netty.channel.uring.";
    private static final Map<String, EventLoopGroup> LOOPS = new HashMap<>();
    /** Connections kept open across commands ({@code open}, {@code rt-open}), one per transport. */
    private static final Map<String, Channel> OPEN = new HashMap<>();
    /** Transports that cannot run here, with the reason. */
    private static final Map<String, String> MISSING = new TreeMap<>();
    /** Reads the echo servers' handlers saw since the last {@code server-reads}. */
    private static final AtomicInteger SERVER_READS = new AtomicInteger();

    public static void main(String[] args) throws Exception {
        LOOPS.put("nio", new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory()));
        if (Epoll.isAvailable()) LOOPS.put("epoll", new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory()));
        else MISSING.put("epoll", String.valueOf(Epoll.unavailabilityCause()));
        String uring = uringUnavailability();
        if (uring == null) LOOPS.put("uring", new MultiThreadIoEventLoopGroup(1, uringFactory()));
        else MISSING.put("uring", uring);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("READY java=" + Runtime.version().feature());
        for (String line; (line = in.readLine()) != null; ) {
            if (line.equals("exit")) break;
            String answer;
            try {
                answer = run(line.trim().split(" "));
            } catch (Throwable t) {
                answer = "FAIL " + t;
            }
            System.out.println(answer);
        }
        for (EventLoopGroup g : LOOPS.values()) g.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        System.exit(0);
    }

    /**
     * io_uring is reached by name: its jars are on the classpath only when a module of the build adds them (the
     * kernel may also refuse it); null when it can run here, else why not.
     */
    private static String uringUnavailability() {
        try {
            Class<?> ioUring = Class.forName(URING + "IoUring");
            if ((Boolean) ioUring.getMethod("isAvailable").invoke(null)) return null;
            return "io_uring refused: "
                    + ioUring.getMethod("unavailabilityCause").invoke(null);
        } catch (ClassNotFoundException e) {
            return "netty-transport-native-io_uring is not on the test classpath";
        } catch (ReflectiveOperationException e) {
            return e.toString();
        }
    }

    private static IoHandlerFactory uringFactory() throws ReflectiveOperationException {
        return (IoHandlerFactory) Class.forName(URING + "IoUringIoHandler")
                .getMethod("newFactory")
                .invoke(null);
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends Channel> channelType(String transport) {
        try {
            return switch (transport) {
                case "epoll" -> EpollSocketChannel.class;
                case "uring" -> (Class<? extends Channel>) Class.forName(URING + "IoUringSocketChannel");
                default -> NioSocketChannel.class;
            };
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String run(String[] cmd) throws Exception {
        if (cmd[0].equals("missing")) {
            return "OK "
                    + MISSING.entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue().replace(' ', '_'))
                            .collect(Collectors.joining(" "));
        }
        if (cmd[0].equals("server-reads")) return "OK " + SERVER_READS.getAndSet(0);
        String transport = cmd[1];
        if (cmd[0].equals("serve")) return "OK " + serve(transport);
        if (cmd[0].equals("rt-open")) return roundTrips(OPEN.get(transport), Integer.parseInt(cmd[2]));
        int port = Integer.parseInt(cmd[2]);
        return switch (cmd[0]) {
            case "open" -> {
                OPEN.put(
                        transport,
                        bootstrap(transport).connect("127.0.0.1", port).sync().channel());
                yield "OK 0";
            }
            case "connect" -> connect(transport, port);
            case "close-held-connect" -> closeHeldConnect(transport, port);
            case "rt" -> roundTrips(transport, port, Integer.parseInt(cmd[3]));
            case "pair" -> pair(transport, port, Integer.parseInt(cmd[3]), Integer.parseInt(cmd[4]));
            case "burst" -> burst(transport, port, Integer.parseInt(cmd[3]));
            case "offloop" -> offLoop(transport, port, Integer.parseInt(cmd[3]), Integer.parseInt(cmd[4]));
            case "shutdown-held" -> shutdownHeld(transport, port);
            case "shutdown-held-connect" -> shutdownHeldConnect(transport, port);
            default -> "FAIL unknown command " + cmd[0];
        };
    }

    private static Bootstrap bootstrap(String transport) {
        EventLoopGroup loop = LOOPS.get(transport);
        if (loop == null) throw new IllegalStateException("no " + transport + " event loop");
        return bootstrap(transport, loop);
    }

    private static Bootstrap bootstrap(String transport, EventLoopGroup loop) {
        return new Bootstrap()
                .group(loop)
                .channel(channelType(transport))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 1_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new Echoes());
                    }
                });
    }

    /** An echo server on the transport's one loop thread (the faulted side is then this server's channels). */
    private static int serve(String transport) throws InterruptedException {
        EventLoopGroup loop = LOOPS.get(transport);
        if (loop == null) throw new IllegalStateException("no " + transport + " event loop");
        Channel server = new ServerBootstrap()
                .group(loop)
                .channel(serverChannelType(transport))
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public boolean isSharable() {
                        return true;
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        SERVER_READS.incrementAndGet();
                        ctx.writeAndFlush(msg);
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        ctx.close();
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends ServerChannel> serverChannelType(String transport) {
        try {
            return switch (transport) {
                case "epoll" -> EpollServerSocketChannel.class;
                case "uring" -> (Class<? extends ServerChannel>) Class.forName(URING + "IoUringServerSocketChannel");
                default -> NioServerSocketChannel.class;
            };
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String connect(String transport, int port) throws Exception {
        long start = System.nanoTime();
        ChannelFuture f = bootstrap(transport).connect("127.0.0.1", port).await();
        long micros = (System.nanoTime() - start) / 1000;
        if (!f.isSuccess()) return err(f.cause());
        f.channel().close().sync();
        return "OK " + micros;
    }

    /**
     * A connect without a connect timeout (only the agent can end a hang), its channel closed 200 ms later by the
     * application: "OK <µs from the close until the connect ended>", the connect failed as one on a closed channel.
     */
    private static String closeHeldConnect(String transport, int port) throws Exception {
        ChannelFuture f = bootstrap(transport)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 0)
                .connect("127.0.0.1", port);
        Thread.sleep(200);
        if (f.isDone()) return "FAIL the connect ended before its channel was closed: " + f.cause();
        long start = System.nanoTime();
        f.channel().close();
        if (!f.await(5, TimeUnit.SECONDS)) return "FAIL the connect had not ended 5 s after its channel was closed";
        long micros = (System.nanoTime() - start) / 1000;
        if (f.isSuccess()) return "FAIL connected after its channel was closed";
        return "OK " + micros;
    }

    private static String roundTrips(String transport, int port, int n) throws Exception {
        ChannelFuture f = bootstrap(transport).connect("127.0.0.1", port).await();
        if (!f.isSuccess()) return err(f.cause());
        Channel ch = f.channel();
        try {
            return roundTrips(ch, n);
        } finally {
            ch.close().await();
        }
    }

    private static String roundTrips(Channel ch, int n) throws Exception {
        try {
            List<Long> times = new ArrayList<>();
            for (int i = 0; i < n; i++) times.add(roundTrip(ch));
            return "OK " + p50(times) + " " + Collections.max(times);
        } catch (ExecutionException e) {
            return err(e.getCause());
        }
    }

    /** {@code n} pings written back to back on a new connection, each its own flush: µs until every echo is in. */
    private static String burst(String transport, int port, int n) throws Exception {
        ChannelFuture f = bootstrap(transport).connect("127.0.0.1", port).await();
        if (!f.isSuccess()) return err(f.cause());
        Channel ch = f.channel();
        try {
            CompletableFuture<Long> done = new CompletableFuture<>();
            ch.pipeline().get(Echoes.class).expect(done, n * PING.length);
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) ch.writeAndFlush(Unpooled.wrappedBuffer(PING));
            done.get(30, TimeUnit.SECONDS);
            long micros = (System.nanoTime() - start) / 1000;
            return "OK " + micros + " " + micros;
        } catch (ExecutionException e) {
            return err(e.getCause());
        } finally {
            ch.close().await();
        }
    }

    private static String pair(String transport, int slowPort, int otherPort, int n) throws Exception {
        Bootstrap b = bootstrap(transport);
        Channel slow = b.connect("127.0.0.1", slowPort).sync().channel();
        Channel other = b.connect("127.0.0.1", otherPort).sync().channel();
        if (slow.eventLoop() != other.eventLoop()) return "FAIL the two channels are on different loops";
        try {
            List<Long> otherTimes = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<List<Long>> slowTimes = CompletableFuture.supplyAsync(() -> {
                List<Long> times = new ArrayList<>();
                try {
                    for (int i = 0; i < n; i++) times.add(roundTrip(slow));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return times;
            });
            while (!slowTimes.isDone()) otherTimes.add(roundTrip(other));
            return "OK " + p50(slowTimes.get()) + " " + p50(otherTimes) + " " + otherTimes.size();
        } finally {
            slow.close().await();
            other.close().await();
        }
    }

    /**
     * Reads fired from other threads, as a handler or a test may: Netty hands each to the channel's loop, so the
     * handler sees every one, on the loop, in each thread's order. "OK <µs until all arrived> <reads seen>", or
     * "FAIL" naming what went wrong.
     */
    private static String offLoop(String transport, int port, int threads, int n) throws Exception {
        Channel ch = bootstrap(transport).connect("127.0.0.1", port).sync().channel();
        int total = threads * n;
        AtomicInteger seen = new AtomicInteger();
        List<String> wrong = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> all = new CompletableFuture<>();
        int[] next = new int[threads];
        ch.pipeline().replace(Echoes.class, "offloop", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf buf = (ByteBuf) msg;
                int thread = buf.readInt(), seq = buf.readInt();
                buf.release();
                if (!ctx.executor().inEventLoop()) wrong.add("read " + thread + "/" + seq + " off the loop");
                if (next[thread] != seq) wrong.add("thread " + thread + ": read " + seq + ", expected " + next[thread]);
                next[thread] = seq + 1;
                if (seen.incrementAndGet() == total) all.complete(null);
            }
        });
        try {
            long start = System.nanoTime();
            List<Thread> firing = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Thread fire = new Thread(() -> {
                    for (int i = 0; i < n; i++) {
                        ch.pipeline()
                                .fireChannelRead(
                                        Unpooled.buffer(8).writeInt(thread).writeInt(i));
                    }
                });
                fire.start();
                firing.add(fire);
            }
            for (Thread t : firing) t.join();
            try {
                all.get(20, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                return "FAIL " + seen.get() + " of " + total + " reads arrived in 20 s " + first(wrong);
            }
            long micros = (System.nanoTime() - start) / 1000;
            if (!wrong.isEmpty()) return "FAIL " + wrong.size() + " wrong reads " + first(wrong);
            return "OK " + micros + " " + seen.get();
        } finally {
            ch.close().await();
        }
    }

    private static String first(List<String> wrong) {
        synchronized (wrong) {
            return wrong.stream().limit(3).collect(Collectors.joining("; "));
        }
    }

    /**
     * A ping echoed to a client on an event loop of its own, whose read the agent holds (the caller's rule); the
     * loop shut down while it is held: its channels close and its scheduled tasks are cancelled. "OK <buffers
     * held before the shutdown> <still unreleased 2 s after the loop terminated>".
     */
    private static String shutdownHeld(String transport, int port) throws Exception {
        EventLoopGroup own = new MultiThreadIoEventLoopGroup(1, ioFactory(transport));
        CountingAllocator allocator = new CountingAllocator();
        long heldBefore;
        try {
            Channel ch = bootstrap(transport, own)
                    .option(ChannelOption.ALLOCATOR, allocator)
                    .connect("127.0.0.1", port)
                    .sync()
                    .channel();
            ch.writeAndFlush(Unpooled.wrappedBuffer(PING)).sync();
            // the echo is back, and held: its buffer stays unreleased (up to 5 s on a loaded machine)
            long until = System.nanoTime() + 5_000_000_000L;
            while (allocator.unreleased() == 0 && System.nanoTime() < until) Thread.sleep(10);
            Thread.sleep(50);
            heldBefore = allocator.unreleased();
        } finally {
            own.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (allocator.unreleased() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
        return "OK " + heldBefore + " " + allocator.unreleased();
    }

    /**
     * A connect without a connect timeout (only the agent can end a hang) on a loop of its own, shut down 200 ms
     * later: "OK <µs from the shutdown until the connect ended>", the connect failed as one on a closed channel.
     */
    private static String shutdownHeldConnect(String transport, int port) throws Exception {
        EventLoopGroup own = new MultiThreadIoEventLoopGroup(1, ioFactory(transport));
        ChannelFuture f;
        long start;
        try {
            f = bootstrap(transport, own)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 0)
                    .connect("127.0.0.1", port);
            Thread.sleep(200);
            if (f.isDone()) return "FAIL the connect ended before its loop was shut down: " + f.cause();
        } finally {
            start = System.nanoTime();
            own.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
        if (!f.await(3, TimeUnit.SECONDS)) return "FAIL the connect had not ended 3 s after its loop terminated";
        long micros = (System.nanoTime() - start) / 1000;
        if (f.isSuccess()) return "FAIL connected after its loop was shut down";
        return "OK " + micros + " " + micros + " " + f.cause().getClass().getName();
    }

    private static IoHandlerFactory ioFactory(String transport) throws ReflectiveOperationException {
        return switch (transport) {
            case "epoll" -> EpollIoHandler.newFactory();
            case "uring" -> uringFactory();
            default -> NioIoHandler.newFactory();
        };
    }

    /** Unpooled buffers, each kept to count the ones never released. */
    static final class CountingAllocator extends AbstractByteBufAllocator {
        final List<ByteBuf> made = Collections.synchronizedList(new ArrayList<>());

        CountingAllocator() {
            super(true);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            ByteBuf buf = Unpooled.buffer(initialCapacity, maxCapacity);
            made.add(buf);
            return buf;
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            ByteBuf buf = Unpooled.directBuffer(initialCapacity, maxCapacity);
            made.add(buf);
            return buf;
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }

        long unreleased() {
            synchronized (made) {
                return made.stream().filter(b -> b.refCnt() > 0).count();
            }
        }
    }

    /** One echo round trip, µs from the write to the whole echo in the handler; fails as the client would. */
    private static long roundTrip(Channel ch) throws Exception {
        Echoes echoes = ch.pipeline().get(Echoes.class);
        CompletableFuture<Long> done = new CompletableFuture<>();
        echoes.expect(done, PING.length);
        // the listener is on the promise before the write is handed to the loop: a failed write is seen before the
        // close that follows it
        ChannelPromise written = ch.newPromise();
        written.addListener(w -> {
            if (!w.isSuccess()) done.completeExceptionally(w.cause());
        });
        long start = System.nanoTime();
        ch.writeAndFlush(Unpooled.wrappedBuffer(PING), written);
        done.get(30, TimeUnit.SECONDS);
        return (System.nanoTime() - start) / 1000;
    }

    private static String err(Throwable t) {
        return "ERR " + t.getClass().getName() + "|" + t.getMessage();
    }

    private static long p50(List<Long> times) {
        List<Long> sorted = new ArrayList<>(times);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    /** Counts echoed bytes for the round trip in flight; an exception or a close fails it as the client sees it. */
    static final class Echoes extends ChannelInboundHandlerAdapter {
        private volatile CompletableFuture<Long> pending;
        private int missing;

        void expect(CompletableFuture<Long> done, int bytes) {
            missing = bytes;
            pending = done;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            missing -= buf.readableBytes();
            buf.release();
            if (missing <= 0 && pending != null) pending.complete(0L);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (pending != null) pending.completeExceptionally(cause);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (pending != null) pending.completeExceptionally(new IllegalStateException("closed"));
        }
    }
}
