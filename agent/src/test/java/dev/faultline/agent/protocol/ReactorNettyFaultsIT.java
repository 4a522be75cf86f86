package dev.faultline.agent.protocol;

import static dev.faultline.agent.protocol.HttpFaultsIT.codes;
import static dev.faultline.agent.protocol.HttpFaultsIT.counts;
import static dev.faultline.agent.protocol.HttpServerFaultChecks.CALLS;
import static dev.faultline.agent.protocol.HttpServerFaultChecks.latencyDelaysOnlyItsPaths;
import static dev.faultline.agent.protocol.HttpServerFaultChecks.limitedAnswersKeepTheConnection;
import static dev.faultline.agent.protocol.HttpServerFaultChecks.othersUntouchedAndClearRestores;
import static dev.faultline.agent.protocol.HttpServerFaultChecks.statusAtTheGatesRate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.agent.it.ForkedService;
import dev.faultline.agent.it.Jdks;
import dev.faultline.agent.protocol.HttpServerFaultChecks.StatusRun;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #24: {@code on=http-server} and {@code on=http-client} on Reactor Netty's {@code HttpServer} and
 * {@code HttpClient} (what Spring WebFlux and WebClient run on), and Spring's {@code WebClient} itself. One forked service per JDK
 * ({@link ReactorNettyProbeApp}, the built agent jar loaded with {@code -javaagent}) hosts both. The server's peer is
 * the JDK HttpClient here, in the test JVM, which has no agent, and reports what it received on the wire; the service
 * reports what its handler ran, what Reactor Netty's access log recorded and on how many connections. The client's
 * peer is a JDK HTTP server here ({@link HttpPeer}), which reports what reached it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReactorNettyFaultsIT {

    @RegisterExtension
    final ForksPerJdk forks = new ForksPerJdk();

    HttpClient client;
    HttpPeer peer;
    Tls tls;

    @BeforeAll
    void peer() throws Exception {
        tls = Tls.generate();
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(tls.context())
                .build();
        // the peer of the Reactor Netty client's calls; JDK 17's server answers a small response ~40 ms late
        // without TCP_NODELAY (see HttpFaultsIT)
        System.setProperty(HttpFaultsIT.NODELAY, "true");
        peer = new HttpPeer(tls.context());
    }

    List<Jdks.Jdk> jdks() {
        return Jdks.all();
    }

    ForkedService fork(Jdks.Jdk jdk) throws Exception {
        return forks.of(
                jdk,
                () -> ForkedService.builder(jdk)
                        .main(ReactorNettyProbeApp.class.getName())
                        .jvmArg(tls.jvmArgs())
                        // every ByteBuf tracked, so one left unreleased is reported once collected
                        .jvmArg("-Dio.netty.leakDetection.level=paranoid")
                        .readyLine("READY")
                        .start());
    }

    @AfterAll
    void stop() {
        if (peer != null) peer.close();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void serverAnswersTheStatusAtTheGatesRateOnItsPathOnly(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        URI base = URI.create("http://127.0.0.1:" + f.send("port"));
        f.send("server-stats");
        ProtocolProbeApp.send(client, "GET", base.resolve("/own-503"), 5, null);
        assertEquals(1, counts(f.send("server-stats 5")).get("connections"), "Reactor Netty keeps alive after its 503");

        StatusRun run = statusAtTheGatesRate(f, client, base, "server-stats");
        Map<String, Long> server = run.server();
        assertEquals(run.injected(), server.get("503"), "the access log saw the 503s: " + server);
        assertEquals(CALLS - run.injected(), server.get("200"), server.toString());
        assertEquals(1, server.get("connections"), "keep-alive held across injected answers: " + server);

        Map<String, Long> after = othersUntouchedAndClearRestores(f, client, base, "server-stats");
        assertEquals(1, after.get("connections"), "one connection, still healthy: " + after);
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void serverLatencyHoldsTheResponseNotTheEventLoop(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        URI base = URI.create("http://127.0.0.1:" + f.send("port"));
        latencyDelaysOnlyItsPaths(f, client, base);

        // the server has one event loop: while a request is held, another connection's request is still served
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> held = client.sendAsync(
                HttpRequest.newBuilder(base.resolve("/api/held")).build(), HttpResponse.BodyHandlers.ofString());
        Thread.sleep(200);
        HttpClient second =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> health = second.send(
                HttpRequest.newBuilder(base.resolve("/health"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        long healthMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, health.statusCode());
        assertTrue(healthMs < 1200, "the event loop served another connection meanwhile: " + healthMs + " ms");
        assertEquals("ok GET /api/held", held.get(10, TimeUnit.SECONDS).body());
        assertTrue((System.nanoTime() - start) / 1_000_000 >= 1485, "and the held request came after its delay");
        assertTrue(f.list()[0].contains("injected=3 ") && f.list()[0].contains("matched=3 "), f.list()[0]);

        limitedAnswersKeepTheConnection(f, client, base, "server-stats");
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void latencyEndsWithItsRule(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        URI base = URI.create("http://127.0.0.1:" + f.send("port"));
        // no fault outlives its ttl: a 10 s delay under a 1 s ttl holds the request about 1 s
        f.add("latency on=http-server delay=10s path=/api/* ttl=1s");
        String expiring = ProtocolProbeApp.send(client, "GET", base.resolve("/api/ttl"), 1, null);
        assertEquals(Map.of("200", 1L), codes(expiring), expiring);
        long ms = counts(expiring).get("maxMs");
        assertTrue(ms >= 700 && ms < 4000, "held until the ttl, not the delay: " + expiring);

        // nor its removal: clear() during the delay lets the held request go on at once
        f.add("latency on=http-server delay=10s path=/api/*");
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> held = client.sendAsync(
                HttpRequest.newBuilder(base.resolve("/api/cleared")).build(), HttpResponse.BodyHandlers.ofString());
        Thread.sleep(500);
        assertTrue(!held.isDone(), "held while the rule is armed");
        f.clear();
        assertEquals("ok GET /api/cleared", held.get(10, TimeUnit.SECONDS).body());
        long heldMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(heldMs < 4000, "went on once the rule was cleared: " + heldMs + " ms");

        // the client's delayed request likewise, under a ttl
        f.add("latency on=http-client delay=10s path=/slow ttl=1s");
        String delayed = f.send("client single GET http://127.0.0.1:" + peer.port() + "/slow 1");
        long clientMs = counts(delayed).get("maxMs");
        assertTrue(
                delayed.contains("codes={200=1}") && clientMs >= 700 && clientMs < 4000,
                "held until the ttl: " + delayed);
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void jdkClientOverHttp2GetsItsResponseAndItsStreamsStayHealthy(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        String before = f.send("jdk-h2 /h2/warm 2");
        assertTrue(before.contains("versions={200/HTTP_2=2}"), "the client and server speak HTTP/2: " + before);
        f.send("server-stats");
        f.add("error on=http-client status=503 path=/h2/* every=2 header=Retry-After:5 body=\"try later\"");
        String out = f.send("jdk-h2 /h2/pay 20");
        assertTrue(
                out.contains("versions={200/HTTP_2=10,503/HTTP_2=10}") && out.contains("sample=503|5|try_later"),
                "every second stream answered by the rule, as an HTTP/2 response: " + out);
        assertEquals(10, counts(f.send("server-stats")).get("handled"), "the injected requests never left: " + out);
        f.clear();
        String after = f.send("jdk-h2 /h2/pay 20");
        assertTrue(after.contains("versions={200/HTTP_2=20}"), "the connection's streams stay healthy: " + after);
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void clientGetsItsOwnResponseAtTheGatesRateWithoutTheRequestLeaving(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        String base = "http://localhost:" + peer.port();
        String warm = f.send("client single POST " + base + "/v1/pay 5");
        assertEquals(Map.of("200", 5L), codes(warm), warm);
        long ownConnections = counts(peer.takeStats()).get("connections");

        f.add("error on=http-client status=503 host=localhost path=/v1/* method=POST probability=0.1 seed=7"
                + " header=Retry-After:5 body=down");
        String out = f.send("client single POST " + base + "/v1/pay " + CALLS, Duration.ofMinutes(3));
        Map<String, Long> seen = codes(out);
        long injected = seen.getOrDefault("503", 0L);
        assertTrue(injected >= 70 && injected <= 130, "probability=0.1 over " + CALLS + ": " + out);
        assertEquals(CALLS - injected, seen.get("200"), out);
        assertTrue(out.contains("errors={}"), out);
        assertTrue(out.contains("sample=503|5|down"), "the client's own response: status, header, body: " + out);
        Map<String, Long> server = counts(peer.takeStats());
        assertEquals(CALLS - injected, server.get("handled"), "no injected request left the client: " + server);
        // the pool may open a second connection when a call acquires before the last one's release (warm-up: 1-2
        // without a rule); a connection closed or spoiled by each injected answer would show ~injected of them
        assertTrue(
                server.get("connections") <= 5,
                "the pool's connections stay healthy across injected answers: " + server + ", before "
                        + ownConnections);
        String line = f.list()[0];
        assertTrue(
                line.contains("injected=" + injected + " ") && line.contains("matched=" + CALLS + " "),
                "list() counts what the client saw: " + line);

        String response = f.send("client response POST " + base + "/v1/pay 40");
        assertTrue(response.contains("503=") && response.contains("sample=503|5|"), "response() too: " + response);
        assertEquals(Map.of("200", 50L), codes(f.send("client single GET " + base + "/v1/pay 50")), "another verb");
        assertEquals(Map.of("200", 50L), codes(f.send("client single POST " + base + "/v2/pay 50")), "another path");
        f.clear();
        peer.takeStats();
        assertEquals(
                Map.of("200", 100L), codes(f.send("client single POST " + base + "/v1/pay 100")), "clear() restores");
        assertEquals(100, counts(peer.takeStats()).get("handled"));
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void webClientSeesTheInjected503AsItsOwnExceptionAtTheGatesRate(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        String base = "http://localhost:" + peer.port();
        String warm = f.send("webclient retrieve POST " + base + "/v1/pay 5");
        assertEquals(Map.of("200", 5L), codes(warm), warm);
        int before = leaks(f);
        peer.takeStats();

        f.add("error on=http-client status=503 host=localhost path=/v1/* method=POST probability=0.1 seed=24"
                + " header=Retry-After:5 body=\"try later\"");
        String out = f.send("webclient retrieve POST " + base + "/v1/pay " + CALLS, Duration.ofMinutes(3));
        Map<String, Long> seen = codes(out);
        long injected = seen.getOrDefault("503", 0L);
        assertTrue(injected >= 70 && injected <= 130, "probability=0.1 over " + CALLS + ": " + out);
        assertEquals(CALLS - injected, seen.get("200"), out);
        assertTrue(
                out.contains("errors={ServiceUnavailable=" + injected + "}") && out.contains("sample=503|5|try_later"),
                "retrieve() raised WebClientResponseException.ServiceUnavailable with the header and body: " + out);
        assertEquals(CALLS - injected, counts(peer.takeStats()).get("handled"), "no injected request left: " + out);
        String line = f.list()[0];
        assertTrue(
                line.contains("injected=" + injected + " ") && line.contains("matched=" + CALLS + " "),
                "list() counts what WebClient saw: " + line);

        String exchanged = f.send("webclient exchange POST " + base + "/v1/pay 40");
        assertTrue(
                exchanged.contains("503=")
                        && exchanged.contains("errors={}")
                        && exchanged.contains("sample=503|5|try_later"),
                "exchangeToMono() gets the ClientResponse with the status, header and body: " + exchanged);
        assertEquals(
                Map.of("200", 20L), codes(f.send("webclient exchange GET " + base + "/v1/pay 20")), "another verb");
        assertEquals(
                Map.of("200", 20L), codes(f.send("webclient retrieve POST " + base + "/v2/pay 20")), "another path");
        f.clear();

        f.add("error on=http-client path=/v1/refused limit=2");
        String refused = f.send("webclient retrieve POST " + base + "/v1/refused 3");
        assertTrue(
                refused.contains("errors={WebClientRequestException<java.net.ConnectException=2}")
                        && refused.contains("codes={200=1}"),
                "a failure rule: WebClient's WebClientRequestException around the ConnectException: " + refused);
        f.clear();
        peer.takeStats();
        assertEquals(
                Map.of("200", 100L),
                codes(f.send("webclient retrieve POST " + base + "/v1/pay 100")),
                "clear() restores");
        assertEquals(100, counts(peer.takeStats()).get("handled"));
        assertEquals(before, leaks(f), "no unreleased request body");
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void clientReleasesTheBodyOfARequestItAnswersOrFails(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        String base = "http://127.0.0.1:" + peer.port();
        int before = leaks(f);
        peer.takeStats();
        f.add("error on=http-client status=503 path=/v1/answered");
        f.add("error on=http-client path=/v1/refused");
        // each body a pooled ByteBuf made before the call (Mono.just), as a caller that encodes eagerly makes it
        String answered = f.send("client eager POST " + base + "/v1/answered 100");
        assertTrue(answered.contains("codes={503=100}"), answered);
        String refused = f.send("client eager POST " + base + "/v1/refused 100");
        assertTrue(refused.contains("errors={java.net.ConnectException=100}"), refused);
        String real = f.send("client eager POST " + base + "/v1/real 20");
        assertTrue(real.contains("codes={200=20}"), real);
        assertEquals(20, counts(peer.takeStats()).get("handled"), "only the real calls left the client");
        assertEquals(before, leaks(f), "Netty's leak detector (paranoid) found no unreleased request body");
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void clientOverHttp2GetsItsOwnResponseAndTheConnectionStaysHealthy(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        int before = leaks(f);
        http2StreamsOneConnection(f, "client-h2");
        // the same over TLS, h2 negotiated by ALPN: the rule acts in the stream, the TLS session carries the rest
        http2StreamsOneConnection(f, "client-h2tls");
        assertEquals(before, leaks(f), "no unreleased request body");
    }

    /**
     * {@code every=2} answers over 20 streams of one HTTP/2 connection ({@code client-h2} over h2c, {@code
     * client-h2tls} over TLS), POSTs and {@code response()} too, a failure rule, then {@code clear()}: the server
     * handled only the real requests, all on that one connection.
     */
    static void http2StreamsOneConnection(ForkedService f, String command) throws Exception {
        f.send("server-stats");
        String warm = f.send(command + " single GET /h2/warm 2");
        assertTrue(warm.contains("versions={200/HTTP/2.0=2}"), "Reactor Netty's client speaks HTTP/2: " + warm);
        f.add("error on=http-client status=503 path=/h2/* every=2 header=Retry-After:5 body=\"try later\"");
        String out = f.send(command + " single GET /h2/pay 20");
        assertTrue(
                out.contains("codes={200=10,503=10}")
                        && out.contains("errors={}")
                        && out.contains("sample=503|5|try_later")
                        && out.contains("versions={200/HTTP/2.0=10,503/HTTP/2.0=10}"),
                "every second stream answered by the rule, the client's own HTTP/2 response: " + out);
        String posted = f.send(command + " eager POST /h2/pay 20");
        assertTrue(posted.contains("codes={200=10,503=10}") && posted.contains("errors={}"), posted);
        String response = f.send(command + " response GET /h2/pay 4");
        assertTrue(response.contains("codes={200=2,503=2}") && response.contains("sample=503|5|"), response);
        f.clear();
        f.add("error on=http-client path=/h2/refused limit=2");
        String refused = f.send(command + " eager POST /h2/refused 3");
        assertTrue(
                refused.contains("errors={java.net.ConnectException=2}") && refused.contains("codes={200=1}"),
                "a failure rule fails the stream's call, nothing sent: " + refused);
        f.clear();
        String after = f.send(command + " single GET /h2/pay 20");
        assertTrue(after.contains("codes={200=20}") && after.contains("versions={200/HTTP/2.0=20}"), after);
        Map<String, Long> server = counts(f.send("server-stats"));
        assertEquals(45, server.get("handled"), command + ": the injected requests never left: " + server);
        assertEquals(1, server.get("connections"), command + ": one HTTP/2 connection carried every stream: " + server);
    }

    static int leaks(ForkedService f) throws Exception {
        String out = f.send("leaks");
        assertTrue(out.startsWith("leaks="), out);
        return Integer.parseInt(out.substring("leaks=".length()));
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void clientFailuresAndLatency(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        String base = "http://127.0.0.1:" + peer.port();
        peer.takeStats();
        f.add("error on=http-client path=/v1/* limit=3");
        String refused = f.send("client single POST " + base + "/v1/pay 5");
        assertTrue(
                refused.contains("errors={java.net.ConnectException=3}") && refused.contains("codes={200=2}"), refused);
        f.add("error on=http-client exception=java.net.SocketTimeoutException path=/read");
        String timedOut = f.send("client response GET " + base + "/read 2");
        assertTrue(timedOut.contains("errors={java.net.SocketTimeoutException=2}"), timedOut);
        assertEquals(2, counts(peer.takeStats()).get("handled"), "only the calls not failed reached the server");
        f.clear();

        f.add("latency on=http-client delay=1s path=/slow");
        String slow = f.send("client single GET " + base + "/slow 2");
        assertTrue(slow.contains("codes={200=2}") && counts(slow).get("maxMs") >= 985, slow);
        String other = f.send("client single GET " + base + "/fast 2");
        assertTrue(counts(other).get("maxMs") < 985, "another path is not delayed: " + other);
        assertEquals(4, counts(peer.takeStats()).get("handled"));
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void overTlsTheServerAnswersInTheSessionAndTheClientNeverSendsTheRequest(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        URI base = URI.create("https://localhost:" + f.send("tls-port"));
        f.send("server-stats");
        f.add("error on=http-server status=503 path=/tls/* header=Retry-After:5 body=\"over tls\"");
        String out = ProtocolProbeApp.send(client, "POST", base.resolve("/tls/pay"), 3, null);
        assertTrue(out.contains("codes={503=3}") && out.contains("sample=503|5|over_tls"), out);
        assertEquals(
                Map.of("200", 3L),
                codes(ProtocolProbeApp.send(client, "GET", base.resolve("/plain"), 3, null)),
                "the next requests on that TLS session are the handler's");
        Map<String, Long> server = counts(f.send("server-stats"));
        assertEquals(3, server.get("handled"), server.toString());
        assertEquals(3, server.get("503"), server.toString());
        assertEquals(1, server.get("connections"), "one TLS connection for all: " + server);
        f.clear();

        peer.takeStats();
        f.add("error on=http-client status=503 host=localhost port=" + peer.tlsPort() + " path=/v1/* body=injected");
        String https = "https://localhost:" + peer.tlsPort();
        String injected = f.send("client single GET " + https + "/v1/pay 3");
        assertTrue(injected.contains("codes={503=3}") && injected.contains("sample=503|-|injected"), injected);
        assertEquals(Map.of("200", 3L), codes(f.send("client single GET " + https + "/v2/pay 3")), "real TLS calls");
        assertEquals(3, counts(peer.takeStats()).get("handled"), "only the real calls reached the TLS peer");
    }
}
