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
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Whole process, two JVMs (run.sh pins each to a CPU of its own): a gRPC server and a client on grpc-netty-shaded's
 * defaults (epoll on Linux), a unary echo of 16 bytes called in a loop by a few client threads over one channel.
 *
 * <ul>
 *   <li>{@code GrpcUnaryLoop server}: serves the echo on a free port, prints {@code READY <port> transport=epoll},
 *       and serves until its standard input ends;
 *   <li>{@code GrpcUnaryLoop client <port> <server pid> <clock ticks per second> [minimum warm-up seconds] [measured
 *       seconds] [client threads] [maximum warm-up seconds]}: calls it, warms up until the JIT is quiet in both
 *       JVMs, then prints the calls per second of the measured window, the server's CPU time per call in it (its
 *       threads' utime + stime from {@code /proc}, the JIT compiler's and the GC's left out, as for netty-http),
 *       the client's (its Java threads), and the JIT's compilation time within the window in both: code still
 *       being compiled there is warm-up, not steady state.
 * </ul>
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
        if (args.length == 1 && args[0].equals("server")) serve();
        else if (args.length >= 4 && args[0].equals("client")) call(args);
        else
            throw new IllegalArgumentException("usage: GrpcUnaryLoop server | GrpcUnaryLoop client <port> <server pid>"
                    + " <clock ticks per second> [min warm-up s] [measured s] [client threads] [max warm-up s]");
    }

    /** grpc-netty-shaded takes epoll whenever its bundled library loads: the benchmark is about that transport. */
    private static void requireEpoll() {
        if (!Epoll.isAvailable())
            throw new IllegalStateException("grpc-netty-shaded's epoll is not available", Epoll.unavailabilityCause());
    }

    private static void serve() throws Exception {
        requireEpoll();
        Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(ServerServiceDefinition.builder("bench.Echo")
                        .addMethod(ECHO, ServerCalls.asyncUnaryCall((request, response) -> {
                            response.onNext(request);
                            response.onCompleted();
                        }))
                        .build())
                .build()
                .start();
        System.out.println("READY " + server.getPort() + " transport=epoll");
        System.out.flush();
        System.in.transferTo(OutputStream.nullOutputStream()); // until run.sh closes it (or kills this JVM)
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private static void call(String[] args) throws Exception {
        requireEpoll();
        int port = Integer.parseInt(args[1]);
        ServerCpu server = new ServerCpu(Long.parseLong(args[2]), Integer.parseInt(args[3]));
        int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        int measured = args.length > 5 ? Integer.parseInt(args[5]) : 10;
        int threads = args.length > 6 ? Integer.parseInt(args[6]) : 4;
        int maxWarmup = args.length > 7 ? Integer.parseInt(args[7]) : Math.max(warmup, 60);
        ManagedChannel channel = Grpc.newChannelBuilderForAddress(
                        "127.0.0.1", port, InsecureChannelCredentials.create())
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
        // warm-up: at least the given seconds, then until the JIT is quiet in both JVMs (under JIT_QUIET_MS of
        // compilation in each of three seconds) or maxWarmup: a window that starts while the hot path is still
        // being compiled measures how far the JIT got (and the agent's own start-up adds compilations)
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long warmStart = System.nanoTime();
        long before = jit.getTotalCompilationTime();
        long serverJitBefore = server.jitMillis();
        int warmed = 0;
        int quiet = 0;
        while (true) {
            TimeUnit.SECONDS.sleep(1);
            warmed++;
            long now = jit.getTotalCompilationTime();
            long serverJit = server.jitMillis();
            // counted when a compilation ends: one long C2 compilation leaves a second without any, hence three
            boolean settled = now - before < JIT_QUIET_MS && serverJit - serverJitBefore < JIT_QUIET_MS;
            quiet = settled ? quiet + 1 : 0;
            before = now;
            serverJitBefore = serverJit;
            if (warmed >= maxWarmup || (warmed >= warmup && quiet >= 3)) break;
        }
        double warmSeconds = (System.nanoTime() - warmStart) / 1e9;
        // the measured window: calls answered, and the CPU time of both sides within it; the clients run on until
        // it has been read (a thread that ended would take its CPU time with it)
        long calls0 = calls.sum();
        ThreadCpu cpu0 = ThreadCpu.now();
        long serverCpu0 = server.workMillis();
        long jit0 = jit.getTotalCompilationTime();
        long serverJit0 = server.jitMillis();
        long t0 = System.nanoTime();
        TimeUnit.SECONDS.sleep(measured);
        long answered = calls.sum() - calls0;
        long cpu = ThreadCpu.now().nanosSince(cpu0);
        long serverCpu = server.workMillis() - serverCpu0;
        long jitMillis = jit.getTotalCompilationTime() - jit0;
        long serverJitMillis = server.jitMillis() - serverJit0;
        double seconds = (System.nanoTime() - t0) / 1e9;
        stop.set(true);
        for (Thread client : clients) client.join();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        System.out.printf(
                Locale.ROOT,
                "calls/s %.0f server-cpu-us/call %.2f client-cpu-us/call %.2f jit-ms %d server-jit-ms %d warm-up-s %.0f"
                        + " transport=epoll%n",
                answered / seconds,
                serverCpu * 1e3 / answered,
                cpu / 1e3 / answered,
                jitMillis,
                serverJitMillis,
                warmSeconds);
    }

    /**
     * The server JVM's CPU time from {@code /proc/<pid>/task/<tid>/stat} (utime + stime, in clock ticks): its work
     * (every thread but the JIT compiler's and the GC's, as netty-http counts) and its JIT compiler threads'.
     */
    private record ServerCpu(long pid, int ticksPerSecond) {
        long workMillis() throws IOException {
            return millis(false);
        }

        long jitMillis() throws IOException {
            return millis(true);
        }

        private long millis(boolean compiler) throws IOException {
            long ticks = 0;
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
                for (Path task : tasks) {
                    String stat;
                    try {
                        stat = Files.readString(task.resolve("stat"));
                    } catch (NoSuchFileException ended) {
                        continue; // a thread that ended meanwhile takes its time with it (as in netty-http)
                    }
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    boolean isCompiler = comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre");
                    boolean isGc = comm.startsWith("GC Thread") || comm.startsWith("G1 ");
                    if (compiler ? !isCompiler : isCompiler || isGc) continue;
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
                }
            }
            return ticks * 1000 / ticksPerSecond;
        }
    }
}
