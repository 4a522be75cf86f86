package dev.faultline.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of the network hooks on real hooked JDK calls. The same benchmark runs in three JVMs (see
 * {@link HookCostRunner}): without the agent, with the agent and nothing armed, and with a rule armed for
 * another port. {@code readNothing} is a non-blocking {@code SocketChannel.read} with no data waiting, the
 * cheapest call the read hook sits on; {@code resolveLiteral} is {@code InetAddress.getAllByName} of an IP
 * literal, the cheapest call the dns hook sits on.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HookCostBenchmark {
    private ServerSocketChannel server;
    private SocketChannel client;
    private SocketChannel accepted;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(64);

    @Setup(Level.Trial)
    public void connect() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        client = SocketChannel.open(server.getLocalAddress());
        accepted = server.accept();
        client.configureBlocking(false);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        client.close();
        accepted.close();
        server.close();
    }

    @Benchmark
    public int readNothing() throws IOException {
        buffer.clear();
        return client.read(buffer);
    }

    @Benchmark
    public InetAddress[] resolveLiteral() throws IOException {
        return InetAddress.getAllByName("127.0.0.1");
    }
}
