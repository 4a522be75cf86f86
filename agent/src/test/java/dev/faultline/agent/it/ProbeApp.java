package dev.faultline.agent.it;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.ObjectName;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;

/**
 * The service under test in forked JVMs: one command per stdin line, one answer per stdout line. Each
 * command makes a real call with a real client; the answer says what the caller saw: {@code OK <detail> <µs>}
 * or {@code ERR <exception class>: <message> <µs>}.
 */
public final class ProbeApp {
    public static void main(String[] args) throws Exception {
        System.setProperty("http.keepAlive", "false"); // each call opens its own connection, so connect faults show
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
        String cmd = w.get(0);
        switch (cmd) {
            case "times": { // times N <command>: latency distribution of N sequential calls
                int n = Integer.parseInt(w.get(1));
                String sub = String.join(" ", w.subList(2, w.size()));
                List<Long> micros = new ArrayList<>();
                int errors = 0;
                for (int i = 0; i < n; i++) {
                    String r = run(sub);
                    if (!r.startsWith("OK")) errors++;
                    micros.add(Long.parseLong(r.substring(r.lastIndexOf(' ') + 1)));
                }
                Collections.sort(micros);
                return "OK p50=" + micros.get(n / 2) + " p99=" + micros.get((int) Math.ceil(n * 0.99) - 1) + " errors="
                        + errors + " n=" + n;
            }
            case "pattern": { // pattern N <command>: which of N sequential calls failed, as 0/1
                int n = Integer.parseInt(w.get(1));
                String sub = String.join(" ", w.subList(2, w.size()));
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < n; i++) b.append(run(sub).startsWith("OK") ? '0' : '1');
                return "OK " + b + " 0";
            }
            case "par": { // par N THREADS <command>: N calls spread over THREADS threads; count errors
                int n = Integer.parseInt(w.get(1));
                int threads = Integer.parseInt(w.get(2));
                String sub = String.join(" ", w.subList(3, w.size()));
                ExecutorService pool = Executors.newFixedThreadPool(threads);
                List<Future<String>> fs = new ArrayList<>();
                for (int i = 0; i < n; i++) fs.add(pool.submit(() -> run(sub)));
                int errors = 0;
                for (Future<String> f : fs) if (!f.get().startsWith("OK")) errors++;
                pool.shutdown();
                return "OK errors=" + errors + " n=" + n + " 0";
            }
            case "vthread": { // vthread <command>: the same call on a virtual thread (JDK 21+)
                String sub = String.join(" ", w.subList(1, w.size()));
                String[] box = new String[1];
                Runnable r = () -> {
                    try {
                        String answer = run(sub);
                        int sp = answer.lastIndexOf(' ');
                        box[0] = answer.substring(0, sp) + " virtual=" + currentIsVirtual() + answer.substring(sp);
                    } catch (Exception e) {
                        box[0] = "FAIL " + e;
                    }
                };
                Thread t = (Thread) Thread.class
                        .getMethod("startVirtualThread", Runnable.class)
                        .invoke(null, r);
                t.join();
                return box[0];
            }
            default:
                return timed(() -> call(cmd, w));
        }
    }

    private static boolean currentIsVirtual() throws Exception {
        return (Boolean) Thread.class.getMethod("isVirtual").invoke(Thread.currentThread());
    }

    private static String call(String cmd, List<String> w) throws Exception {
        switch (cmd) {
            case "jdk-http": {
                HttpClient client = HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(10))
                        .build();
                HttpResponse<String> r = client.send(
                        HttpRequest.newBuilder(URI.create(w.get(1)))
                                .timeout(Duration.ofSeconds(20))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                return r.statusCode() + ":" + r.body().length();
            }
            case "urlconn": {
                HttpURLConnection c =
                        (HttpURLConnection) URI.create(w.get(1)).toURL().openConnection();
                c.setConnectTimeout(10_000);
                c.setReadTimeout(w.size() > 2 ? Integer.parseInt(w.get(2)) : 20_000);
                try (InputStream body = c.getInputStream()) {
                    return c.getResponseCode() + ":" + body.readAllBytes().length;
                } finally {
                    c.disconnect();
                }
            }
            case "okhttp": {
                okhttp3.OkHttpClient client = new okhttp3.OkHttpClient.Builder()
                        .retryOnConnectionFailure(false)
                        .build();
                try (okhttp3.Response r = client.newCall(
                                new okhttp3.Request.Builder().url(w.get(1)).build())
                        .execute()) {
                    return r.code() + ":" + r.body().bytes().length;
                } finally {
                    client.connectionPool().evictAll();
                    client.dispatcher().executorService().shutdown();
                }
            }
            case "apache": {
                try (CloseableHttpClient client =
                        HttpClients.custom().disableAutomaticRetries().build()) {
                    return client.execute(
                            new HttpGet(w.get(1)),
                            r -> r.getCode() + ":" + r.getEntity().getContent().readAllBytes().length);
                }
            }
            case "jdbc": { // jdbc URL USER PASS (runs SELECT 1)
                try (Connection c = DriverManager.getConnection(w.get(1), w.get(2), w.get(3));
                        ResultSet rs = c.createStatement().executeQuery("select 1")) {
                    rs.next();
                    return "rows:" + rs.getInt(1);
                }
            }
            case "redis": {
                try (redis.clients.jedis.Jedis j =
                        new redis.clients.jedis.Jedis(w.get(1), Integer.parseInt(w.get(2)))) {
                    return j.ping();
                }
            }
            case "serve": { // serve: a JDK HttpServer inside this service (server-side hooks); answers its port
                HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
                server.createContext("/", exchange -> {
                    byte[] body = "served".getBytes(StandardCharsets.US_ASCII);
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream o = exchange.getResponseBody()) {
                        o.write(body);
                    }
                });
                server.start();
                return "port:" + server.getAddress().getPort();
            }
            case "resolve":
                return InetAddress.getByName(w.get(1)).getHostAddress();
            case "platform-mbean": // platform-mbean NAME: what a same-user local tool (jconsole's local attach) finds
                return ManagementFactory.getPlatformMBeanServer().isRegistered(new ObjectName(w.get(1)))
                        ? "OK registered"
                        : "ERR not registered";
            case "connect": { // connect HOST PORT TIMEOUT_MS
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(w.get(1), Integer.parseInt(w.get(2))), Integer.parseInt(w.get(3)));
                    return "connected";
                }
            }
            case "read": { // read HOST PORT SO_TIMEOUT_MS: a raw HTTP GET on a blocking socket
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(w.get(1), Integer.parseInt(w.get(2))), 10_000);
                    s.setSoTimeout(Integer.parseInt(w.get(3)));
                    OutputStream o = s.getOutputStream();
                    o.write(("GET / HTTP/1.0\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    o.flush();
                    return "bytes:" + s.getInputStream().readAllBytes().length;
                }
            }
            case "nio": { // nio HOST PORT: HTTP GET over a blocking SocketChannel
                try (SocketChannel ch =
                        SocketChannel.open(new InetSocketAddress(w.get(1), Integer.parseInt(w.get(2))))) {
                    ch.write(ByteBuffer.wrap("GET / HTTP/1.0\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
                    ByteBuffer b = ByteBuffer.allocate(1 << 16);
                    long total = 0;
                    for (int n; (n = ch.read(b)) > 0; b.clear()) total += n;
                    return "bytes:" + total;
                }
            }
            case "interrupt": { // interrupt HOST PORT: a connect delayed by a fault, interrupted after 50 ms
                AtomicBoolean flagKept = new AtomicBoolean();
                Thread t = new Thread(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(w.get(1), Integer.parseInt(w.get(2))), 10_000);
                    } catch (Exception ignored) {
                        // the connect may fail once interrupted; what matters is the flag
                    }
                    flagKept.set(Thread.currentThread().isInterrupted());
                });
                t.start();
                Thread.sleep(50);
                t.interrupt();
                t.join();
                return "interruptKept=" + flagKept.get();
            }
            case "bytebuddy": { // the service's own Byte Buddy, whatever version it bundles
                Class<?> bb = Class.forName("net.bytebuddy.ByteBuddy");
                Object builder = bb.getMethod("subclass", Class.class)
                        .invoke(bb.getConstructor().newInstance(), Object.class);
                Object unloaded = builder.getClass().getMethod("make").invoke(builder);
                Object loaded = unloaded.getClass()
                        .getMethod("load", ClassLoader.class)
                        .invoke(unloaded, ProbeApp.class.getClassLoader());
                Class<?> made =
                        (Class<?>) loaded.getClass().getMethod("getLoaded").invoke(loaded);
                return "bytebuddy-made=" + made.getName().contains("$ByteBuddy$") + " from="
                        + bb.getProtectionDomain().getCodeSource().getLocation();
            }
            default:
                throw new IllegalArgumentException("unknown command " + cmd);
        }
    }

    private static String timed(Callable<String> call) {
        long t0 = System.nanoTime();
        try {
            String r = call.call();
            return "OK " + r + " " + (System.nanoTime() - t0) / 1000;
        } catch (Throwable t) {
            Throwable root = t;
            while (root.getCause() != null && !(root instanceof IOException)) root = root.getCause();
            return "ERR " + root.getClass().getName() + ": " + root.getMessage() + " "
                    + (System.nanoTime() - t0) / 1000;
        }
    }
}
