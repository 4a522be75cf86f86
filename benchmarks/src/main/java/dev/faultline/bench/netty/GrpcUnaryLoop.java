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
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Whole process: a gRPC server and client in one JVM on grpc-netty-shaded's defaults (epoll on Linux), a unary echo
 * of 16 bytes called in a loop by a few client threads over one channel. Prints the calls per second of the measured
 * window and the CPU time of its Java threads per call in it (both sides; on a shared machine the steadier figure),
 * and the JIT's compilation time within the window: code still being compiled there is warm-up, not steady state.
 * Usage: {@code GrpcUnaryLoop [minimum warm-up seconds] [measured seconds] [client threads] [maximum warm-up seconds]}.
 */
public final class GrpcUnaryLoop {
    /** Compilation time per second below which the JIT counts as settled (5 % of one compiler thread). */
    private static final long JIT_QUIET_MS = 50;

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
        int maxWarmup = args.length > 3 ? Integer.parseInt(args[3]) : Math.max(warmup, 60);
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
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread client = new Thread(() -> {
                while (!stop.get()) {
                    ClientCalls.blockingUnaryCall(channel, ECHO, CallOptions.DEFAULT, payload);
                    calls.increment();
                }
            });
            client.start();
            clients.add(client);
        }
        // warm-up: at least the given seconds, then until the JIT is quiet (under JIT_QUIET_MS of compilation in
        // each of three seconds) or maxWarmup: a window that starts while the hot path is still being compiled measures
        // how far
        // the JIT got (and the agent's own start-up adds compilations), not the steady state
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long warmStart = System.nanoTime();
        long before = jit.getTotalCompilationTime();
        int warmed = 0;
        int quiet = 0;
        while (true) {
            TimeUnit.SECONDS.sleep(1);
            warmed++;
            long now = jit.getTotalCompilationTime();
            // counted when a compilation ends: one long C2 compilation leaves a second without any, hence three
            quiet = now - before < JIT_QUIET_MS ? quiet + 1 : 0;
            before = now;
            if (warmed >= maxWarmup || (warmed >= warmup && quiet >= 3)) break;
        }
        double warmSeconds = (System.nanoTime() - warmStart) / 1e9;
        // the measured window: calls answered and the CPU time of the Java threads (both sides, the agent's) within
        // it; the clients run on until it has been read (a thread that ended would take its CPU time with it)
        long calls0 = calls.sum();
        ThreadCpu cpu0 = ThreadCpu.now();
        long jit0 = jit.getTotalCompilationTime();
        long t0 = System.nanoTime();
        TimeUnit.SECONDS.sleep(measured);
        long answered = calls.sum() - calls0;
        long cpu = ThreadCpu.now().nanosSince(cpu0);
        long jitMillis = jit.getTotalCompilationTime() - jit0;
        double seconds = (System.nanoTime() - t0) / 1e9;
        stop.set(true);
        for (Thread client : clients) client.join();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        System.out.printf(
                Locale.ROOT,
                "calls/s %.0f cpu-us/call %.2f jit-ms %d warm-up-s %.0f transport=epoll%n",
                answered / seconds,
                cpu / 1e3 / answered,
                jitMillis,
                warmSeconds);
    }
}
