package dev.faultline.agent.protocol;

import static dev.faultline.agent.protocol.HttpServerFaultChecks.CALLS;
import static dev.faultline.agent.protocol.HttpServerFaultChecks.latencyDelaysOnlyItsPaths;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #24: HTTP faults inside the service, on the JDK's HTTP server and the JDK's HttpClient. One forked service
 * per JDK ({@link ProtocolProbeApp}, the built agent jar loaded with {@code -javaagent}) hosts the server under test
 * and makes the client calls under test; their peers run here, in the test JVM, which has no agent, and report what
 * a real peer received: the status, headers and body on the wire, the server's own access log, what reached the
 * other side at all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpFaultsIT {
    static final String NODELAY = "sun.net.httpserver.nodelay";
    static final Pattern COUNT = Pattern.compile("([\\w.]+)=(\\d+)");

    @RegisterExtension
    final ForksPerJdk forks = new ForksPerJdk();

    HttpPeer peer;
    HttpClient client;
    Tls tls;

    @BeforeAll
    void peers() throws Exception {
        // JDK 17's server answers a small response ~40 ms late without TCP_NODELAY (delayed ACK): 1,000 calls would
        // take a minute; the server's own option, read when the first server of this JVM starts
        System.setProperty(NODELAY, "true");
        tls = Tls.generate();
        peer = new HttpPeer(tls.context());
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(tls.context())
                .build();
    }

    List<Jdks.Jdk> jdks() {
        return Jdks.all();
    }

    ForkedService fork(Jdks.Jdk jdk) throws Exception {
        return forks.of(
                jdk,
                () -> ForkedService.builder(jdk)
                        .jvmArg(tls.jvmArgs())
                        .jvmArg("-D" + NODELAY + "=true")
                        .main(ProtocolProbeApp.class.getName())
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
        URI base = URI.create("http://127.0.0.1:" + port(f));
        StatusRun run = statusAtTheGatesRate(f, client, base, "server-stats");
        Map<String, Long> server = run.server();
        assertEquals(run.injected(), server.get("503"), "the access log saw the 503s: " + server);
        assertTrue(server.get("connections") <= 2, "keep-alive held across injected answers: " + server);
        othersUntouchedAndClearRestores(f, client, base, "server-stats");
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void serverLatencyDelaysOnlyItsPaths(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        latencyDelaysOnlyItsPaths(f, client, URI.create("http://127.0.0.1:" + port(f)));
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void clientGetsASyntheticResponseWithoutTheRequestLeaving(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        String base = "http://localhost:" + peer.port();
        peer.takeStats();
        f.add("error on=http-client status=503 host=localhost path=/v1/* probability=0.1 seed=7"
                + " header=Retry-After:5 body=down");
        String out = f.send("send GET " + base + "/v1/pay " + CALLS, Duration.ofMinutes(3));
        Map<String, Long> seen = counts(out);
        long injected = seen.getOrDefault("503", 0L);
        assertTrue(injected >= 70 && injected <= 130, "probability=0.1 over " + CALLS + ": " + out);
        assertTrue(out.contains("sample=503|5|down"), "the client's own HttpResponse, headers and body: " + out);
        Map<String, Long> server = counts(peer.takeStats());
        assertEquals(CALLS - injected, server.get("handled"), "no injected request left the client: " + server);
        String line = f.list()[0];
        assertTrue(line.contains("injected=" + injected + " "), "list() counts what the client saw: " + line);

        assertEquals(Map.of("200", 50L), codes(f.send("send GET " + base + "/v2/pay 50")), "another path");
        f.clear();
        assertEquals(Map.of("200", 100L), codes(f.send("send GET " + base + "/v1/pay 100")), "clear() restores");
        assertEquals(150, counts(peer.takeStats()).get("handled"));
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void clientFailsAsOnARefusedConnectionOrTimesOut(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        String base = "http://127.0.0.1:" + peer.port();
        peer.takeStats();
        f.add("error on=http-client exception=java.net.ConnectException path=/v1/* limit=5");
        String out = f.send("send POST " + base + "/v1/pay 10");
        assertTrue(out.contains("errors={java.net.ConnectException=5}") && out.contains("codes={200=5}"), out);
        assertEquals(5, counts(peer.takeStats()).get("handled"), "the refused calls never reached the server");

        f.add("latency on=http-client delay=3s path=/slow");
        String slow = f.send("send GET " + base + "/slow 1 500");
        assertTrue(slow.contains("errors={java.net.http.HttpTimeoutException=1}"), "past its timeout: " + slow);
        assertTrue(counts(slow).get("maxMs") < 2500, "failed at the request's timeout, not after the delay: " + slow);
        String delayed = f.send("send GET " + base + "/slow 1 10000");
        assertTrue(delayed.contains("codes={200=1}") && counts(delayed).get("maxMs") >= 2970, "delayed: " + delayed);
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void httpsOnBothSidesTheAgentActsBeforeTls(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        int tlsPort = Integer.parseInt(f.send("tls-port"));
        f.send("server-stats");
        f.add("error on=http-server status=503 path=/tls/* header=Retry-After:5 body=\"over tls\"");
        URI base = URI.create("https://127.0.0.1:" + tlsPort);
        HttpResponse<String> injected = client.send(
                HttpRequest.newBuilder(base.resolve("/tls/pay"))
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(503, injected.statusCode());
        assertEquals("5", injected.headers().firstValue("Retry-After").orElse(null));
        assertEquals("over tls", injected.body());
        assertTrue(
                injected.sslSession()
                        .map(s -> s.getProtocol().startsWith("TLS"))
                        .orElse(false),
                "the peer got the 503 in a TLS session");
        HttpResponse<String> plain = client.send(
                HttpRequest.newBuilder(base.resolve("/plain"))
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("ok GET /plain", plain.body(), "the next request on that session is the handler's");
        Map<String, Long> server = counts(f.send("server-stats"));
        assertEquals(1, server.get("handled"), server.toString());
        assertEquals(1, server.get("503"), server.toString());
        assertEquals(1, server.get("connections"), "one TLS connection for both: " + server);

        peer.takeStats();
        f.add("error on=http-client status=503 host=localhost port=" + peer.tlsPort() + " path=/v1/* body=injected");
        String https = "https://localhost:" + peer.tlsPort();
        String out = f.send("send GET " + https + "/v1/pay 3");
        assertTrue(out.contains("codes={503=3}") && out.contains("|injected"), out);
        assertEquals(Map.of("200", 3L), codes(f.send("send GET " + https + "/v2/pay 3")), "real TLS calls succeed");
        assertEquals(3, counts(peer.takeStats()).get("handled"), "only the real calls reached the TLS peer");
    }

    /** The port of the forked service's HTTP server. */
    private static int port(ForkedService f) throws Exception {
        return Integer.parseInt(f.send("port"));
    }

    /** Every {@code name=number} of an answer line (statuses, exception names, handled, maxMs …). */
    static Map<String, Long> counts(String line) {
        Map<String, Long> out = new HashMap<>();
        Matcher m = COUNT.matcher(line);
        while (m.find()) out.put(m.group(1), Long.parseLong(m.group(2)));
        return out;
    }

    /** Only the status counts ({@code codes={200=n,…}}). */
    static Map<String, Long> codes(String line) {
        Matcher m = Pattern.compile("codes=\\{([^}]*)}").matcher(line);
        assertTrue(m.find(), line);
        return counts(m.group(1));
    }
}
