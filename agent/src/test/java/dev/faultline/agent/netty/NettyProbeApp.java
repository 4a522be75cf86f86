package dev.faultline.agent.netty;

import io.grpc.Server;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.ObjectName;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The forked service of the Netty ITs: one JVM per JDK hosts every Netty client and server, driven by one command
 * per stdin line, answered on one stdout line as the other ITs' {@code ProbeApp}: {@code OK <detail> <µs>} or
 * {@code ERR <exception>: <message> [chain: <causes>] io=<any cause an IOException> <µs>}. Each command makes a real
 * call with a real client and says what that client saw, with its own exception types.
 */
public final class NettyProbeApp {
    private static final Map<String, EventLoopGroup> LOOPS = new ConcurrentHashMap<>();
    private static final AtomicReference<RedisClient> REDIS = new AtomicReference<>();
    private static final AtomicReference<String> LETTUCE_CHANNEL = new AtomicReference<>();
    private static final List<Server> SERVERS = new ArrayList<>();
    static final long CALL_LIMIT_SECONDS = 30;

    private NettyProbeApp() {}

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("READY java=" + Runtime.version().feature());
        for (String line; (line = in.readLine()) != null; ) {
            if (line.equals("exit")) break;
            String answer;
            try {
                answer = run(line.trim());
            } catch (Throwable t) {
                answer = "FAIL " + t;
            }
            System.out.println(answer);
        }
        System.exit(0);
    }

    static String run(String line) throws Exception {
        List<String> w = Arrays.asList(line.split(" "));
        switch (w.get(0)) {
            case "grpc": // grpc TRANSPORT HOST PORT DEADLINE_MS
                return limited(() ->
                        GrpcPeer.timedCall(w.get(1), w.get(2), Integer.parseInt(w.get(3)), Long.parseLong(w.get(4))));
            case "loop":
                return sharedLoop(w.get(1), w.get(2), w.get(3), Long.parseLong(w.get(4)));
            default:
                return limited(() -> timed(() -> call(w)));
        }
    }

    private static String call(List<String> w) throws Exception {
        switch (w.get(0)) {
            case "http": // http TRANSPORT URL TIMEOUT_MS
                return http(w.get(1), w.get(2), Long.parseLong(w.get(3)));
            case "lettuce": // lettuce HOST PORT TIMEOUT_MS
                return lettuce(w.get(1), Integer.parseInt(w.get(2)), Long.parseLong(w.get(3)));
            case "grpc-open": // grpc-open NAME HOST PORT: a default channel that stays open
                return GrpcPeer.open(w.get(1), w.get(2), Integer.parseInt(w.get(3)));
            case "grpc-on": // grpc-on NAME DEADLINE_MS [ready]: a call on that channel
                return GrpcPeer.callOn(
                        w.get(1),
                        Long.parseLong(w.get(2)),
                        w.size() > 3 && w.get(3).equals("ready"));
            case "grpc-transport": { // grpc-transport HOST PORT: which channel classes a default gRPC channel made
                long epoll = liveInstances(GrpcPeer.SHADED + "epoll.EpollSocketChannel");
                long nio = liveInstances(GrpcPeer.SHADED + "socket.nio.NioSocketChannel");
                return GrpcPeer.callAndInspect(
                        w.get(1),
                        Integer.parseInt(w.get(2)),
                        () -> "epoll+" + (liveInstances(GrpcPeer.SHADED + "epoll.EpollSocketChannel") - epoll) + " nio+"
                                + (liveInstances(GrpcPeer.SHADED + "socket.nio.NioSocketChannel") - nio));
            }
            case "grpc-serve": { // grpc-serve TRANSPORT: a gRPC server in this service; its port and channel class
                long epoll = liveInstances(GrpcPeer.SHADED + "epoll.EpollServerSocketChannel");
                long nio = liveInstances(GrpcPeer.SHADED + "socket.nio.NioServerSocketChannel");
                Server server = GrpcPeer.serve(w.get(1));
                SERVERS.add(server);
                return "port:" + server.getPort() + " epoll+"
                        + (liveInstances(GrpcPeer.SHADED + "epoll.EpollServerSocketChannel") - epoll) + " nio+"
                        + (liveInstances(GrpcPeer.SHADED + "socket.nio.NioServerSocketChannel") - nio);
            }
            case "io_uring": // whether this kernel lets Netty use io_uring, and why not
                if (IoUring.isAvailable()) return "available";
                throw new IllegalStateException("io_uring unavailable: " + IoUring.unavailabilityCause());
            default:
                throw new IllegalArgumentException("unknown command " + w.get(0));
        }
    }

    /**
     * One event loop of one thread per client and transport, shared by all the calls of that client (as one client
     * shares its loop); clients apart, so a loop one of them leaves stalled does not take the others with it.
     */
    static EventLoopGroup loop(String client, String transport) {
        return LOOPS.computeIfAbsent(client + "/" + transport, key -> {
            IoHandlerFactory io = switch (transport) {
                case "epoll" -> EpollIoHandler.newFactory();
                case "io_uring" -> IoUringIoHandler.newFactory();
                case "nio" -> NioIoHandler.newFactory();
                default -> throw new IllegalArgumentException("transport: epoll, io_uring or nio, not " + transport);
            };
            return new MultiThreadIoEventLoopGroup(1, io);
        });
    }

    /** Reactor Netty's HttpClient on a new connection (so every call connects, writes and reads). */
    private static String http(String transport, String url, long timeoutMillis) {
        AtomicReference<String> channel = new AtomicReference<>("none");
        String status = HttpClient.create(ConnectionProvider.newConnection())
                .runOn(loop("http", transport))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeoutMillis)
                .doOnConnected(c -> channel.set(c.channel().getClass().getSimpleName()))
                .get()
                .uri(url)
                .responseSingle((r, body) -> body.asString().map(s -> r.status().code() + ":" + s))
                .timeout(Duration.ofMillis(timeoutMillis))
                .block();
        return status + " channel=" + channel.get();
    }

    /**
     * Lettuce as the JVM's options leave it: epoll when the native library is on the class path, NIO under
     * {@code -Dio.lettuce.core.epoll=false -Dio.lettuce.core.iouring=false} (a JVM-wide switch, read once); each call
     * opens a connection, PINGs and closes it. No auto-reconnect: the test is about what one call sees, not Lettuce's
     * retry of a broken connection.
     */
    private static String lettuce(String host, int port, long timeoutMillis) {
        AtomicReference<String> channel = LETTUCE_CHANNEL;
        RedisClient client = REDIS.updateAndGet(c -> c != null
                ? c
                : RedisClient.create(DefaultClientResources.builder()
                        .nettyCustomizer(new NettyCustomizer() {
                            @Override
                            public void afterChannelInitialized(Channel ch) {
                                channel.set(ch.getClass().getSimpleName());
                            }
                        })
                        .build()));
        channel.set("none");
        client.setOptions(ClientOptions.builder()
                .autoReconnect(false)
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(Duration.ofMillis(timeoutMillis))
                        .build())
                .build());
        RedisURI uri = RedisURI.builder()
                .withHost(host)
                .withPort(port)
                .withTimeout(Duration.ofMillis(timeoutMillis))
                .build();
        try (StatefulRedisConnection<String, String> c = client.connect(uri)) {
            return c.sync().ping() + " channel=" + channel.get();
        }
    }

    /**
     * Event-loop fidelity: one HttpClient on one loop of one thread, pooled connections to two peers. A keeps two
     * requests in flight the whole time; B is called sequentially every 20 ms; after {@code millis} both stop.
     * Answers the p50 of each peer's calls, in µs.
     */
    private static String sharedLoop(String transport, String urlA, String urlB, long millis) throws Exception {
        ConnectionProvider pool = ConnectionProvider.builder("loop-" + transport)
                .maxConnections(8)
                .build();
        try {
            HttpClient client = HttpClient.create(pool).runOn(loop("loop", transport));
            for (int i = 0; i < 3; i++) { // connections up, classes loaded
                get(client, urlA);
                get(client, urlB);
            }
            List<Long> a = Collections.synchronizedList(new ArrayList<>());
            List<Long> b = new ArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch chains = new CountDownLatch(2);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            for (int c = 0; c < 2; c++) {
                Thread chain = new Thread(() -> {
                    try {
                        while (!stop.get()) {
                            long t0 = System.nanoTime();
                            get(client, urlA);
                            a.add((System.nanoTime() - t0) / 1000);
                        }
                    } catch (Throwable t) {
                        failure.set(t);
                    } finally {
                        chains.countDown();
                    }
                });
                chain.setDaemon(true);
                chain.start();
            }
            long end = System.nanoTime() + millis * 1_000_000;
            while (System.nanoTime() < end) {
                long t0 = System.nanoTime();
                get(client, urlB);
                b.add((System.nanoTime() - t0) / 1000);
                Thread.sleep(20);
            }
            stop.set(true);
            chains.await();
            if (failure.get() != null) throw new IllegalStateException("peer A failed", failure.get());
            if (a.isEmpty()) throw new IllegalStateException("peer A completed no call in " + millis + " ms");
            return "OK a50=" + median(a) + " b50=" + median(b) + " na=" + a.size() + " nb=" + b.size() + " 0";
        } finally {
            pool.disposeLater().block(Duration.ofSeconds(5));
        }
    }

    private static void get(HttpClient client, String url) {
        client.get().uri(url).responseContent().aggregate().asString().block(Duration.ofSeconds(20));
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    /**
     * Live instances of a class, from the JVM's own class histogram (a full GC first): which Netty channel classes a
     * library really built, without touching its internals.
     */
    static long liveInstances(String className) throws Exception {
        String histogram = (String) ManagementFactory.getPlatformMBeanServer()
                .invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"),
                        "gcClassHistogram",
                        new Object[] {new String[0]},
                        new String[] {String[].class.getName()});
        for (String row : histogram.split("\n")) {
            String[] cols = row.trim().split("\\s+");
            if (cols.length >= 4 && cols[3].equals(className)) return Long.parseLong(cols[1]);
        }
        return 0;
    }

    /**
     * A call that answers its own line, on a thread of its own, given up after {@link #CALL_LIMIT_SECONDS}: a call
     * whose event loop a fault stalled for good still gets an answer, so the next command's answer stays the next one
     * read.
     */
    private static String limited(Callable<String> answer) throws InterruptedException {
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "probe-call");
            t.setDaemon(true);
            return t;
        });
        try {
            return thread.submit(answer).get(CALL_LIMIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return "ERR probe: the call did not end within " + CALL_LIMIT_SECONDS + " s (stuck) "
                    + CALL_LIMIT_SECONDS * 1_000_000;
        } catch (ExecutionException e) {
            return "FAIL " + e.getCause();
        } finally {
            thread.shutdownNow();
        }
    }

    /** {@code OK <detail> <µs>}, or what the caller saw failing: the exception, its causes, whether it is an I/O one. */
    public static String timed(Callable<String> call) {
        long t0 = System.nanoTime();
        try {
            String r = call.call();
            return "OK " + r + " " + (System.nanoTime() - t0) / 1000;
        } catch (Throwable t) {
            long micros = (System.nanoTime() - t0) / 1000;
            StringBuilder chain = new StringBuilder();
            boolean io = false;
            for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
                if (c != t)
                    chain.append(c.getClass().getName())
                            .append(": ")
                            .append(c.getMessage())
                            .append(" <- ");
                io |= c instanceof IOException;
            }
            String text = t.getClass().getName() + ": " + t.getMessage() + " [chain: " + chain + "] io=" + io;
            return "ERR " + text.replaceAll("\\s+", " ") + " " + micros;
        }
    }
}
