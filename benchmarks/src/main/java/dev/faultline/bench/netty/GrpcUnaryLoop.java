package dev.faultline.bench.netty;

import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Whole process: a gRPC server and client in one JVM on grpc-netty-shaded's defaults (epoll on Linux), a unary echo
 * of 16 bytes called in a loop by a few client threads over one channel. Prints the calls per second of the measured
 * window and the CPU time of its Java threads per call in it (both sides; on a shared machine the steadier figure).
 * Usage: {@code GrpcUnaryLoop [warm-up seconds] [measured seconds] [client threads]}.
 */
public final class GrpcUnaryLoop {
    private GrpcUnaryLoop() {}

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
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

    private static final MethodDescriptor<byte[], byte[]> ECHO = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("bench.Echo/Echo")
            .setRequestMarshaller(BYTES)
            .setResponseMarshaller(BYTES)
            .build();

    public static void main(String[] args) throws Exception {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int measured = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        // grpc-netty-shaded takes epoll whenever its bundled library loads: the benchmark is about that transport
        if (!Epoll.isAvailable())
            throw new IllegalStateException("grpc-netty-shaded's epoll is not available", Epoll.unavailabilityCause());
        Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(ServerServiceDefinition.builder("bench.Echo")
                        .addMethod(ECHO, ServerCalls.asyncUnaryCall((request, response) -> {
                            response.onNext(request);
                            response.onCompleted();
                        }))
                        .build())
                .build()
                .start();
        ManagedChannel channel = Grpc.newChannelBuilderForAddress(
                        "127.0.0.1", server.getPort(), InsecureChannelCredentials.create())
                .build();
        byte[] payload = new byte[16];
        LongAdder calls = new LongAdder();
        long start = System.nanoTime();
        // the clients outlast the measured window by a second: a thread that ended would take its CPU time with it
        long end = start + TimeUnit.SECONDS.toNanos(warmup + measured + 1);
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread client = new Thread(() -> {
                while (System.nanoTime() < end) {
                    ClientCalls.blockingUnaryCall(channel, ECHO, CallOptions.DEFAULT, payload);
                    calls.increment();
                }
            });
            client.start();
            clients.add(client);
        }
        // the measured window: calls answered and the CPU time of the Java threads (both sides, the agent's) within it
        TimeUnit.SECONDS.sleep(warmup);
        long calls0 = calls.sum();
        ThreadCpu cpu0 = ThreadCpu.now();
        long t0 = System.nanoTime();
        TimeUnit.SECONDS.sleep(measured);
        long answered = calls.sum() - calls0;
        long cpu = ThreadCpu.now().nanosSince(cpu0);
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (Thread client : clients) client.join();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        System.out.printf(
                Locale.ROOT,
                "calls/s %.0f cpu-us/call %.2f transport=epoll%n",
                answered / seconds,
                cpu / 1e3 / answered);
    }
}
