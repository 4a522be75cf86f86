package dev.faultline.samples.hello;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The samples' target: {@code GET /hello?name=x} answers after one call to its downstream,
 * {@code GET /health} answers at once. Without a downstream it answers by itself, which is how
 * the samples run the downstream too.
 *
 * <p>Usage: {@code java [-javaagent:faultline-agent.jar=jmx.port=9010] -jar hello-service.jar
 * [--port 8080] [--downstream http://host:port/hello] [--name replica-1]}
 */
public final class HelloService {

    /** Downstream timeouts: longer than the samples' gateway timeout, so a slow downstream shows up there. */
    static final int CONNECT_TIMEOUT_MS = 2_000;

    static final int READ_TIMEOUT_MS = 3_000;

    private final String name;
    private final URI downstream;
    private final HttpServer server;
    private final ExecutorService workers;

    public HelloService(int port, URI downstream, String name) throws IOException {
        this.name = name;
        this.downstream = downstream;
        this.server = HttpServer.create(new InetSocketAddress(port), 128);
        // Enough threads that a downstream held up by a latency fault does not also queue healthy calls.
        this.workers = Executors.newFixedThreadPool(64, r -> {
            Thread t = new Thread(r, "hello-worker");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(workers);
        server.createContext("/health", ex -> reply(ex, 200, "ok " + name + "\n"));
        server.createContext("/hello", this::hello);
    }

    public HelloService start() {
        server.start();
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public void stop() {
        server.stop(0);
        workers.shutdownNow();
    }

    private void hello(HttpExchange ex) throws IOException {
        String who = queryParam(ex.getRequestURI().getRawQuery(), "name", "world");
        if (downstream == null) {
            reply(ex, 200, "hello " + who + " from " + name + "\n");
            return;
        }
        try {
            String answer = callDownstream(who);
            reply(ex, 200, "hello " + who + " from " + name + " via " + answer.strip() + "\n");
        } catch (IOException e) {
            // A failed dependency is the service's failure too: callers see a 502 and may retry elsewhere.
            reply(ex, 502, "downstream failed at " + name + ": " + e + "\n");
        }
    }

    /**
     * One new connection per call (keep-alive is off, see {@link #main}), as with clients that do not
     * pool: so a {@code connect} fault applies to every call, not just the first.
     */
    private String callDownstream(String who) throws IOException {
        URI uri = URI.create(downstream + "?name=" + URLEncoder.encode(who, StandardCharsets.UTF_8));
        HttpURLConnection conn = (HttpURLConnection) uri.toURL().openConnection();
        conn.setConnectTimeout(CONNECT_TIMEOUT_MS);
        conn.setReadTimeout(READ_TIMEOUT_MS);
        try {
            int status = conn.getResponseCode();
            if (status != 200) {
                throw new IOException("downstream answered " + status);
            }
            try (InputStream in = conn.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } finally {
            conn.disconnect();
        }
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        try (ex) {
            ex.getRequestBody().readAllBytes();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    static String queryParam(String rawQuery, String key, String fallback) {
        if (rawQuery == null) {
            return fallback;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(key)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return fallback;
    }

    /** The command line: what the samples' manifests pass, checked by the same parser the service uses. */
    public record Options(int port, URI downstream, String name) {

        public static final String USAGE =
                "usage: hello-service [--port 8080] [--downstream http://host:port/hello] [--name n]";

        public static Options parse(String... args) {
            int port = 8080;
            URI downstream = null;
            String name = System.getenv().getOrDefault("HOSTNAME", "hello");
            for (int i = 0; i < args.length; i++) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value; " + USAGE);
                }
                switch (args[i]) {
                    case "--port" -> port = Integer.parseInt(args[++i]);
                    case "--downstream" -> downstream = URI.create(args[++i]);
                    case "--name" -> name = args[++i];
                    default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; " + USAGE);
                }
            }
            if (downstream != null && (downstream.getHost() == null || downstream.getPort() < 1)) {
                throw new IllegalArgumentException("--downstream " + downstream + ": give http://host:port/path");
            }
            return new Options(port, downstream, name);
        }
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("http.keepAlive", "false");
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        HelloService service = new HelloService(options.port(), options.downstream(), options.name()).start();
        System.out.println("hello-service " + options.name() + " listening on " + service.port()
                + (options.downstream() == null ? " (no downstream)" : " downstream " + options.downstream()));
    }
}
