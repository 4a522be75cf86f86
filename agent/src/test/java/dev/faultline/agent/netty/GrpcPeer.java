package dev.faultline.agent.netty;

import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * gRPC-java over grpc-netty-shaded (its relocated Netty 4.1): one unary method, defined without protoc, echoing
 * its bytes. {@code default} is what the library picks by itself (epoll on Linux); {@code nio} is forced through the
 * builders, as a user would.
 */
final class GrpcPeer {
    static final String SHADED = "io.grpc.netty.shaded.io.netty.channel.";

    static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    static final MethodDescriptor<byte[], byte[]> ECHO = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("faultline.Probe/Echo")
            .setRequestMarshaller(BYTES)
            .setResponseMarshaller(BYTES)
            .build();

    private static EventLoopGroup nio;
    private static final Map<String, ManagedChannel> OPEN = new ConcurrentHashMap<>();

    private GrpcPeer() {}

    private static synchronized EventLoopGroup nio() {
        if (nio == null) nio = new NioEventLoopGroup(1);
        return nio;
    }

    /**
     * One call on a channel of its own (so every call connects), timed as {@link NettyProbeApp#timed}; then the
     * channel is shut down, and a channel that has not terminated 5 s after {@code shutdownNow()} is said in the
     * answer (a connection a fault still holds would not let the client close it).
     */
    static String timedCall(String transport, String host, int port, long deadlineMillis) throws InterruptedException {
        ManagedChannel channel = switch (transport) {
            case "default" ->
                Grpc.newChannelBuilderForAddress(host, port, InsecureChannelCredentials.create())
                        .build();
            case "nio" ->
                NettyChannelBuilder.forAddress(host, port)
                        .usePlaintext()
                        .eventLoopGroup(nio())
                        .channelType(NioSocketChannel.class)
                        .build();
            default -> throw new IllegalArgumentException("gRPC transport: default or nio, not " + transport);
        };
        String answer = NettyProbeApp.timed(() -> new String(
                ClientCalls.blockingUnaryCall(
                        channel,
                        ECHO,
                        CallOptions.DEFAULT.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS),
                        "ping".getBytes(StandardCharsets.US_ASCII)),
                StandardCharsets.US_ASCII));
        if (channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS)) return answer;
        int micros = answer.lastIndexOf(' ');
        return answer.substring(0, micros) + " " + NOT_TERMINATED + answer.substring(micros);
    }

    static final String NOT_TERMINATED = "[channel not terminated 5 s after shutdownNow]";

    /** A default channel kept open under a name, for calls made on it later (after an attach). */
    static String open(String name, String host, int port) {
        OPEN.put(
                name,
                Grpc.newChannelBuilderForAddress(host, port, InsecureChannelCredentials.create())
                        .build());
        return "opened " + name;
    }

    /** A call on a channel {@link #open}ed before; {@code ready} waits for the channel to (re)connect first. */
    static String callOn(String name, long deadlineMillis, boolean ready) {
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
        byte[] answer = ClientCalls.blockingUnaryCall(
                OPEN.get(name),
                ECHO,
                ready ? options.withWaitForReady() : options,
                "ping".getBytes(StandardCharsets.US_ASCII));
        return new String(answer, StandardCharsets.US_ASCII);
    }

    /** A call on a default channel, then {@code inspect} while that channel is still open. */
    static String callAndInspect(String host, int port, Callable<String> inspect) throws Exception {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress(host, port, InsecureChannelCredentials.create())
                .build();
        try {
            ClientCalls.blockingUnaryCall(
                    channel,
                    ECHO,
                    CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS),
                    "ping".getBytes(StandardCharsets.US_ASCII));
            return inspect.call();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** A server on loopback whose one service echoes; {@code default} lets grpc-netty-shaded pick the transport. */
    static Server serve(String transport) throws IOException {
        ServerServiceDefinition echo = ServerServiceDefinition.builder("faultline.Probe")
                .addMethod(ECHO, ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext(request);
                    response.onCompleted();
                }))
                .build();
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        Server server = switch (transport) {
            case "default" ->
                Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                        .addService(echo)
                        .build();
            case "nio" ->
                NettyServerBuilder.forAddress(loopback)
                        .channelType(NioServerSocketChannel.class)
                        .bossEventLoopGroup(nio())
                        .workerEventLoopGroup(nio())
                        .addService(echo)
                        .build();
            default -> throw new IllegalArgumentException("gRPC transport: default or nio, not " + transport);
        };
        return server.start();
    }
}
