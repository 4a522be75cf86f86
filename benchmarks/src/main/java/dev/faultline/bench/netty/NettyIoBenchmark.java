package dev.faultline.bench.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the network hooks cost a Netty channel, on a real loopback connection between a client and a server channel
 * served by one event loop of one thread (as in the fidelity case). Run in the configurations of
 * {@link NettyHookCostRunner}: without the agent, with the agent's hooks installed and nothing armed, with a rule
 * armed for another port. Each benchmark but writeFlush runs {@value #CALLS} calls per invocation on the event loop thread: the
 * hand-off to the loop and back (a park and an unpark, ~9 µs here) is paid once per {@value #CALLS}, ~1 ns per call.
 * With 100 calls it was ~90 ns of each ~100 ns op, and its spread hid a hook's few ns.
 *
 * <p>{@code writeFlush}: a 1-byte {@code write} and {@code flush} of the client channel: one pass through the
 * channel's whole write path down to one {@code write(2)}. The server channel reads what arrives on the same loop, in
 * between invocations; the trial fails unless it read every byte.
 *
 * <p>{@code flushNothing}: {@code flush} of the client channel with nothing pending: the write path's entry
 * ({@code AbstractUnsafe.flush0}, where a write is held or failed) without a system call, the finer figure for writes.
 *
 * <p>{@code fireRead}: the server channel's {@code pipeline().fireChannelRead} of a 1-byte buffer, as the transport
 * calls it after a read, without the system call: the read path's hooked entry, the finer figure for reads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NettyIoBenchmark {
    static final int CALLS = 10_000;
    /**
     * writeFlush's calls per invocation: each is a 1-byte segment the server reads only between invocations, and
     * 10,000 of them would fill its receive buffer (each costs ~1 KiB of it), so writes would queue instead of being
     * sent. A write(2) costs ~0.5 µs: the hand-off spread over 100 is small beside it.
     */
    static final int WRITES = 100;

    @Param({"epoll", "nio"})
    public String transport;

    private Channel server;
    private Channel client;
    private volatile Channel accepted; // the server's end of the connection
    private EventLoop loop;
    // one byte, never released by the write: its reader index is put back after each write, so nothing is allocated
    private final ByteBuf oneByte =
            Unpooled.unreleasableBuffer(Unpooled.directBuffer(1).writeByte('x'));
    private volatile boolean batchDone;
    private volatile Thread waiting;
    private long written; // bytes, counted on the loop
    private volatile long received; // bytes the server channel read, counted on the loop

    @Setup(Level.Trial)
    public void connect() throws Exception {
        boolean epoll = switch (transport) {
            case "epoll" -> true;
            case "nio" -> false;
            default -> throw new IllegalArgumentException("transport must be epoll or nio, not " + transport);
        };
        if (epoll && !Epoll.isAvailable())
            throw new IllegalStateException("epoll is not available here", Epoll.unavailabilityCause());
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        ChannelFactory<? extends ServerChannel> serverChannel =
                epoll ? EpollServerSocketChannel::new : NioServerSocketChannel::new;
        ChannelFactory<? extends Channel> clientChannel = epoll ? EpollSocketChannel::new : NioSocketChannel::new;
        // daemon, and not shut down at the end: JMH tears the trial down before the last iteration's profilers read the
        // threads' CPU time, and the loop thread's must still be there (the fork ends with the trial)
        MultiThreadIoEventLoopGroup group =
                new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("bench-loop", true), io);
        server = new ServerBootstrap()
                .group(group)
                .channelFactory(serverChannel)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted = ch;
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                received += ((ByteBuf) msg).readableBytes();
                                ReferenceCountUtil.release(msg);
                            }
                        });
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sync()
                .channel();
        client = new Bootstrap()
                .group(group)
                .channelFactory(clientChannel)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(server.localAddress())
                .sync()
                .channel();
        loop = client.eventLoop();
        while (accepted == null) Thread.onSpinWait();
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        // a write that silently failed would make writeFlush measure nothing: every byte must have arrived
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (received < written && System.nanoTime() < deadline) Thread.sleep(10);
        if (received != written)
            throw new IllegalStateException("the server read " + received + " bytes of the " + written + " written");
        client.close().sync();
        server.close().sync();
    }

    private final Runnable writes = () -> {
        for (int i = 0; i < WRITES; i++) {
            oneByte.readerIndex(0);
            client.write(oneByte, client.voidPromise());
            client.flush();
        }
        written += WRITES;
        done();
    };

    private final Runnable flushes = () -> {
        for (int i = 0; i < CALLS; i++) client.flush();
        done();
    };

    private final Runnable reads = () -> {
        for (int i = 0; i < CALLS; i++) accepted.pipeline().fireChannelRead(oneByte);
        written += CALLS; // the server's handler counts these bytes as read too
        done();
    };

    private void done() {
        batchDone = true;
        LockSupport.unpark(waiting);
    }

    private void onLoop(Runnable batch) {
        batchDone = false;
        waiting = Thread.currentThread();
        loop.execute(batch);
        // parked, not spinning: the CPU time per op (ThreadCpuProfiler) is then the loop's work, not a wait
        while (!batchDone) LockSupport.park(this);
    }

    @Benchmark
    @OperationsPerInvocation(WRITES)
    public void writeFlush() {
        onLoop(writes);
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void flushNothing() {
        onLoop(flushes);
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void fireRead() {
        onLoop(reads);
    }
}
