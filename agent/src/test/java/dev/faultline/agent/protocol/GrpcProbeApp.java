package dev.faultline.agent.protocol;

import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A grpc-java service (grpc-netty-shaded) and client, both real, for the gRPC faults: the server's methods
 * {@code checkout.v1.Checkout/Place} and {@code /Get} echo and count how often they ran; the client calls a server
 * given by port with blocking stubs. In the forked JVM it is the service under test; the test JVM, which has no
 * agent, uses the same class as the peer. One command per stdin line, one answer line per command.
 */
public final class GrpcProbeApp {
    static final String SERVICE = "checkout.v1.Checkout";

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

    static final MethodDescriptor<byte[], byte[]> PLACE = method("Place");
    static final MethodDescriptor<byte[], byte[]> GET = method("Get");

    static final String IN_PROCESS = "in-process";

    private final Server server;
    private final Server inProcess;
    private final Map<String, AtomicLong> handled = new ConcurrentHashMap<>();
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    GrpcProbeApp() throws IOException {
        ServerServiceDefinition.Builder service = ServerServiceDefinition.builder(SERVICE);
        for (MethodDescriptor<byte[], byte[]> m : new MethodDescriptor[] {PLACE, GET}) {
            service.addMethod(m, ServerCalls.asyncUnaryCall((request, response) -> {
                handled.computeIfAbsent(m.getBareMethodName(), k -> new AtomicLong())
                        .incrementAndGet();
                response.onNext(request);
                response.onCompleted();
            }));
        }
        ServerServiceDefinition definition = service.build();
        server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(definition)
                .build()
                .start();
        // the same service on grpc's in-process transport, named per process: a second transport under ServerImpl
        inProcess = InProcessServerBuilder.forName(
                        IN_PROCESS + ProcessHandle.current().pid())
                .addService(definition)
                .build()
                .start();
    }

    private static MethodDescriptor<byte[], byte[]> method(String name) {
        return MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(SERVICE + "/" + name)
                .setRequestMarshaller(BYTES)
                .setResponseMarshaller(BYTES)
                .build();
    }

    int port() {
        return server.getPort();
    }

    /** {@code Place=<n> Get=<n>}: how often each method ran since the last take. */
    String takeHandled() {
        Map<String, Long> out = new TreeMap<>(Map.of("Place", 0L, "Get", 0L));
        handled.forEach((k, v) -> out.put(k, v.getAndSet(0)));
        return String.join(
                " ",
                out.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .toList());
    }

    /**
     * {@code n} blocking calls of one method to {@code 127.0.0.1:port} (or this process's in-process server for
     * {@link #IN_PROCESS}), each with its deadline, on one channel per target:
     * {@code codes={<status code>=<n>,…} description=<of the first failure> maxMs=<n>}.
     */
    String call(String target, String methodName, int n, long deadlineMillis) {
        ManagedChannel channel = channels.computeIfAbsent(
                target,
                t -> t.equals(IN_PROCESS)
                        ? InProcessChannelBuilder.forName(
                                        IN_PROCESS + ProcessHandle.current().pid())
                                .build()
                        : Grpc.newChannelBuilderForAddress(
                                        "127.0.0.1", Integer.parseInt(t), InsecureChannelCredentials.create())
                                .build());
        MethodDescriptor<byte[], byte[]> m = methodName.equals("Place") ? PLACE : GET;
        Map<String, Integer> codes = new TreeMap<>();
        String description = "none";
        long maxNanos = 0;
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            try {
                ClientCalls.blockingUnaryCall(
                        channel,
                        m,
                        CallOptions.DEFAULT.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS),
                        "ping".getBytes(StandardCharsets.US_ASCII));
                codes.merge("OK", 1, Integer::sum);
            } catch (StatusRuntimeException e) {
                codes.merge(e.getStatus().getCode().name(), 1, Integer::sum);
                if (description.equals("none"))
                    description = String.valueOf(e.getStatus().getDescription());
            }
            maxNanos = Math.max(maxNanos, System.nanoTime() - start);
        }
        return "codes=" + codes + " description=" + description.replace(' ', '_') + " maxMs="
                + TimeUnit.NANOSECONDS.toMillis(maxNanos);
    }

    void close() throws InterruptedException {
        channels.values().forEach(ManagedChannel::shutdownNow);
        inProcess.shutdownNow();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    public static void main(String[] args) throws Exception {
        GrpcProbeApp app = new GrpcProbeApp();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("READY port=" + app.port());
        for (String line; (line = in.readLine()) != null; ) {
            if (line.equals("exit")) break;
            String[] w = line.trim().split(" ");
            String answer;
            try {
                answer = switch (w[0]) {
                    case "port" -> Integer.toString(app.port());
                    case "handled" -> app.takeHandled();
                    // call <port|in-process> <method> <n> <deadlineMs>
                    case "call" -> app.call(w[1], w[2], Integer.parseInt(w[3]), Long.parseLong(w[4]));
                    default -> "FAIL unknown command " + w[0];
                };
            } catch (Throwable t) {
                answer = "FAIL " + t;
            }
            System.out.println(answer);
        }
        app.close();
        System.exit(0);
    }
}
