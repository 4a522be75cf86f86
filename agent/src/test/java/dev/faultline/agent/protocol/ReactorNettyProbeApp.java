package dev.faultline.agent.protocol;

import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.ResourceLeakDetector;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * The service under test for the Reactor Netty hooks, in a forked JVM with the built agent: a Reactor Netty
 * {@code HttpServer} on loopback that the test JVM calls, and a Reactor Netty {@code HttpClient} that calls the test
 * JVM's server, and Spring's {@code WebClient} on that client. Its handler reads the request body and answers
 * {@code ok <verb> <path>} (its own 503 on {@code /own-503}), all on one event loop; its access log (Reactor Netty's, called once the
 * response is written) records each status and the client port, so the test sees what the server ran, what it logged
 * and how many connections carried the requests. Netty's own leak detector (at the level the JVM is given,
 * {@code -Dio.netty.leakDetection.level}) counts every {@code ByteBuf} collected unreleased. One command per stdin
 * line, one answer line.
 */
public final class ReactorNettyProbeApp {
    private static final HttpClient CLIENT = HttpClient.create();
    // HTTP/2 over cleartext with prior knowledge: every call a stream of one pooled connection
    private static final HttpClient H2C_CLIENT = HttpClient.create().protocol(HttpProtocol.H2C);
    // HTTP/2 over TLS, negotiated by ALPN; it trusts the test's certificate through the default trust store
    private static final HttpClient H2_CLIENT = HttpClient.create()
            .protocol(HttpProtocol.H2)
            .secure(spec -> spec.sslContext(Http2SslContextSpec.forClient()));
    private static final AtomicInteger LEAKS = new AtomicInteger();

    public static void main(String[] args) throws Exception {
        countLeaks();
        ServerStats stats = new ServerStats();
        HttpServer http = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                // one event loop for every connection: a hook that parked it would hold every other request too
                .runOn(LoopResources.create("probe", 1, true))
                .accessLog(true, log -> {
                    int port = log.remoteAddress() instanceof InetSocketAddress a ? a.getPort() : -1;
                    stats.logged(Integer.parseInt(String.valueOf(log.status())), port);
                    return null;
                })
                .handle((req, res) -> req.receive()
                        .aggregate()
                        .asString()
                        .defaultIfEmpty("")
                        .flatMap(body -> {
                            stats.handled();
                            if (req.fullPath().equals("/own-503")) res.status(503);
                            return res.sendString(Mono.just("ok " + req.method().name() + " " + req.fullPath()))
                                    .then();
                        }));
        DisposableServer server = http.bindNow();
        // the same server speaking HTTP/2 over cleartext (h2c upgrade), for the JDK client's HTTP/2 streams
        DisposableServer h2c =
                http.protocol(HttpProtocol.H2C, HttpProtocol.HTTP11).bindNow();
        // the same server over TLS when the JVM is given a key store (the client trusts the peer's through the
        // default trust store, javax.net.ssl.trustStore)
        String keyStore = System.getProperty("javax.net.ssl.keyStore");
        KeyManagerFactory keys = keyStore == null ? null : keys(keyStore);
        DisposableServer tls = keys == null
                ? null
                : http.secure(spec -> spec.sslContext(Http11SslContextSpec.forServer(keys)))
                        .bindNow();
        // and speaking HTTP/2 over TLS (h2 by ALPN, HTTP/1.1 for a client that offers only that)
        DisposableServer h2 = keys == null
                ? null
                : http.protocol(HttpProtocol.H2, HttpProtocol.HTTP11)
                        .secure(spec -> spec.sslContext(Http2SslContextSpec.forServer(keys)))
                        .bindNow();
        WebClientCalls webClient = null;

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("READY port=" + server.port());
        for (String line; (line = in.readLine()) != null; ) {
            if (line.equals("exit")) break;
            String answer;
            try {
                String[] w = line.trim().split(" ");
                answer = switch (w[0]) {
                    case "port" -> Integer.toString(server.port());
                    case "tls-port" -> Integer.toString(tls.port());
                    // server-stats [n]: once the access log holds n entries
                    case "server-stats" -> stats.take(w.length > 1 ? Integer.parseInt(w[1]) : 0);
                    // client <single|response|eager> <method> <url> <n>: n calls with Reactor Netty's HttpClient
                    case "client" -> client(CLIENT, w[1], w[2], w[3], Integer.parseInt(w[4]));
                    // client-h2 <mode> <method> <path> <n>: the same over HTTP/2 (h2c) to the h2c server
                    case "client-h2" ->
                        client(H2C_CLIENT, w[1], w[2], "http://127.0.0.1:" + h2c.port() + w[3], Integer.parseInt(w[4]));
                    // client-h2tls <mode> <method> <path> <n>: the same over HTTP/2 over TLS (h2) to the h2 server
                    case "client-h2tls" ->
                        client(H2_CLIENT, w[1], w[2], "https://localhost:" + h2.port() + w[3], Integer.parseInt(w[4]));
                    // webclient <retrieve|exchange> <method> <url> <n>: n calls with Spring's WebClient on CLIENT
                    case "webclient" -> {
                        if (webClient == null) webClient = new WebClientCalls(CLIENT);
                        yield webClient.calls(w[1], w[2], w[3], Integer.parseInt(w[4]));
                    }
                    case "leaks" -> "leaks=" + leaks();
                    // jdk-h2 <path> <n>: n GETs with the JDK HttpClient over HTTP/2 to the h2c server
                    case "jdk-h2" ->
                        JdkHttp2Calls.calls(
                                URI.create("http://127.0.0.1:" + h2c.port() + w[1]), Integer.parseInt(w[2]));
                    default -> "FAIL unknown command " + line;
                };
            } catch (Throwable t) {
                answer = "FAIL " + t;
            }
            System.out.println(answer);
        }
        server.disposeNow();
        h2c.disposeNow();
        if (tls != null) tls.disposeNow();
        if (h2 != null) h2.disposeNow();
        System.exit(0);
    }

    /**
     * {@code codes=<status>:<n>,… errors=<exception>:<n>,… sample=<status>|<header Retry-After>|<body> maxMs=<n>
     * versions=<status>/<version>:<n>,…}: what the client saw through {@code responseSingle} (status, header, body) or
     * {@code response} (status, header), with one sample of a response that was not 200, and the protocol version of
     * each. A body is made when the request is sent ({@code ByteBufFlux.fromString}) or, {@code eager}, before: a
     * pooled {@code ByteBuf} in {@code Mono.just}, which whoever takes the request must release. One pooled client,
     * as a service has.
     */
    private static String client(HttpClient client, String mode, String method, String url, int n) {
        Map<String, Integer> codes = new TreeMap<>();
        Map<String, Integer> errors = new TreeMap<>();
        Map<String, Integer> versions = new TreeMap<>();
        String sample = "none";
        long maxNanos = 0;
        for (int i = 0; i < n; i++) {
            String json = "{\"n\":" + i + "}";
            HttpClient.ResponseReceiver<?> call = method.equals("GET")
                    ? client.get().uri(url)
                    : client.request(HttpMethod.valueOf(method))
                            .uri(url)
                            .send(
                                    mode.equals("eager")
                                            ? Mono.just(ByteBufAllocator.DEFAULT
                                                    .buffer()
                                                    .writeBytes(json.getBytes(StandardCharsets.UTF_8)))
                                            : ByteBufFlux.fromString(Mono.just(json)));
            long start = System.nanoTime();
            try {
                String seen = mode.equals("response")
                        ? call.response()
                                .map(res -> res.status().code() + "|" + header(res) + "||" + res.version())
                                .block(Duration.ofSeconds(20))
                        : call.responseSingle((res, body) -> body.asString()
                                        .defaultIfEmpty("")
                                        .map(b -> res.status().code() + "|" + header(res) + "|" + b.replace(' ', '_')
                                                + "|" + res.version()))
                                .block(Duration.ofSeconds(20));
                String code = seen.substring(0, seen.indexOf('|'));
                codes.merge(code, 1, Integer::sum);
                versions.merge(code + "/" + seen.substring(seen.lastIndexOf('|') + 1), 1, Integer::sum);
                seen = seen.substring(0, seen.lastIndexOf('|'));
                if (!code.equals("200") && sample.equals("none")) sample = seen;
            } catch (Exception e) {
                errors.merge(Exceptions.unwrap(e).getClass().getName(), 1, Integer::sum);
            }
            maxNanos = Math.max(maxNanos, System.nanoTime() - start);
        }
        return "codes=" + codes.toString().replace(" ", "") + " errors="
                + errors.toString().replace(" ", "") + " sample=" + sample + " maxMs=" + maxNanos / 1_000_000
                + " versions=" + versions.toString().replace(" ", "");
    }

    /** Counts the leaks Netty's detector for {@code ByteBuf}s reports (it reports each distinct trace once). */
    private static void countLeaks() throws ReflectiveOperationException {
        Field detector = AbstractByteBuf.class.getDeclaredField("leakDetector");
        detector.setAccessible(true);
        ((ResourceLeakDetector<?>) detector.get(null)).setLeakListener((type, records) -> LEAKS.incrementAndGet());
    }

    /**
     * The leaks reported so far, after the collector has run: the detector looks for collected unreleased buffers
     * when it tracks a new one, so each round collects, then allocates and releases a few.
     */
    private static int leaks() throws InterruptedException {
        for (int round = 0; round < 5; round++) {
            System.gc();
            Thread.sleep(100);
            for (int i = 0; i < 64; i++) {
                ByteBuf probe = ByteBufAllocator.DEFAULT.buffer(16);
                probe.release();
            }
        }
        return LEAKS.get();
    }

    private static KeyManagerFactory keys(String keyStore) throws Exception {
        char[] password = System.getProperty("javax.net.ssl.keyStorePassword").toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(keyStore))) {
            ks.load(in, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        return kmf;
    }

    private static String header(HttpClientResponse res) {
        String h = res.responseHeaders().get("Retry-After");
        return h == null ? "-" : h;
    }
}
