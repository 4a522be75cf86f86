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
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
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
 * armed for another port.
 *
 * <p>{@code writeFlush}: on the event loop thread, a 1-byte {@code write} and {@code flush} of the client channel,
 * {@value #WRITES} times per invocation: each is one pass through the channel's real write path down to one
 * {@code write(2)} (the hand-off to the loop and back is paid once per {@value #WRITES} writes). The server channel
 * reads what arrives on the same loop, in between invocations.
 *
 * <p>{@code readNothing}: the client channel's own {@code doReadBytes} with nothing waiting, the cheapest read a
 * channel makes (one {@code read(2)} that finds nothing), as {@code HookCostBenchmark.readNothing} is for a JDK
 * socket; called from the benchmark thread through a method handle (the channel has auto-read off, so its loop
 * never reads it).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NettyIoBenchmark {
    static final int WRITES = 100;

    @Param({"epoll", "nio"})
    public String transport;

    private Channel server;
    private Channel client;
    private MethodHandle readBytes; // (Channel, ByteBuf) int: the channel's own doReadBytes
    private EventLoop loop;
    // one byte, never released by the write: its reader index is put back after each write, so nothing is allocated
    private final ByteBuf oneByte =
            Unpooled.unreleasableBuffer(Unpooled.directBuffer(1).writeByte('x'));
    private final ByteBuf readInto = Unpooled.directBuffer(64);
    private volatile boolean batchDone;
    private volatile Thread waiting;
    private long written; // bytes, counted on the loop
    private volatile long received; // bytes the server channel read, counted on the loop
    private final Runnable batch = this::writeBatch;

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
        readBytes = channelRead(client.getClass());
        loop = client.eventLoop();
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

    private void writeBatch() {
        for (int i = 0; i < WRITES; i++) {
            oneByte.readerIndex(0);
            client.write(oneByte, client.voidPromise());
            client.flush();
        }
        written += WRITES;
        batchDone = true;
        LockSupport.unpark(waiting);
    }

    @Benchmark
    @OperationsPerInvocation(WRITES)
    public void writeFlush() {
        batchDone = false;
        waiting = Thread.currentThread();
        loop.execute(batch);
        // parked, not spinning: the CPU time per op (ThreadCpuProfiler) is then the loop's work, not a wait
        while (!batchDone) LockSupport.park(this);
    }

    @Benchmark
    public int readNothing() throws Throwable {
        readInto.clear();
        return (int) readBytes.invokeExact(client, readInto);
    }

    /** The transport's {@code doReadBytes(ByteBuf)}, protected (and its channel classes final): opened by reflection. */
    private static MethodHandle channelRead(Class<?> channel) throws ReflectiveOperationException {
        for (Class<?> c = channel; c != null; c = c.getSuperclass()) {
            try {
                Method m = c.getDeclaredMethod("doReadBytes", ByteBuf.class);
                m.setAccessible(true);
                return MethodHandles.lookup()
                        .unreflect(m)
                        .asType(MethodType.methodType(int.class, Channel.class, ByteBuf.class));
            } catch (NoSuchMethodException notHere) {
                // declared further up
            }
        }
        throw new NoSuchMethodException(channel.getName() + ".doReadBytes(ByteBuf)");
    }
}
