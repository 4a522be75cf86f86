package dev.faultline.agent.protocol;

import static dev.faultline.agent.protocol.HttpFaultsIT.codes;
import static dev.faultline.agent.protocol.HttpFaultsIT.counts;
import static dev.faultline.agent.protocol.HttpServerFaultChecks.CALLS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.agent.it.ForkedService;
import dev.faultline.agent.it.Jdks;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #24: {@code on=http-client} faults on HTTP client libraries (OkHttp, Apache HttpClient 5 classic and async, the JDK's
 * {@code HttpURLConnection}). One forked service per JDK
 * ({@link HttpClientProbeApp}, the built agent jar loaded with {@code -javaagent}) makes the client calls under test
 * against a real JDK HTTP server here in the test JVM ({@link HttpPeer}, no agent), which reports what reached it:
 * an injected request never leaves the client, the others do, on the same kept-alive connection.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpClientLibrariesIT {
    @RegisterExtension
    final ForksPerJdk forks = new ForksPerJdk();

    HttpPeer peer;
    Tls tls;

    @BeforeAll
    void peer() throws Exception {
        // JDK 17's server answers a small response ~40 ms late without TCP_NODELAY (see HttpFaultsIT)
        System.setProperty(HttpFaultsIT.NODELAY, "true");
        tls = Tls.generate();
        peer = new HttpPeer(tls.context()); // an HTTPS server too, which the fork's default TLS context trusts
    }

    List<Jdks.Jdk> jdks() {
        return Jdks.all();
    }

    ForkedService fork(Jdks.Jdk jdk) throws Exception {
        return forks.of(
                jdk,
                () -> ForkedService.builder(jdk)
                        .jvmArg(tls.jvmArgs())
                        .main(HttpClientProbeApp.class.getName())
                        .readyLine("READY")
                        .start());
    }

    @AfterAll
    void stop() {
        if (peer != null) peer.close();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void okHttpGetsItsOwnResponseAtTheGatesRateWithoutTheRequestLeaving(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        String base = "http://localhost:" + peer.port();
        peer.takeStats();
        f.add("error on=http-client status=503 host=localhost path=/v1/* method=POST probability=0.1 seed=7"
                + " header=Retry-After:5 body=down");
        String out = f.send("okhttp execute POST " + base + "/v1/pay " + CALLS, Duration.ofMinutes(3));
        Map<String, Long> seen = codes(out);
        long injected = seen.getOrDefault("503", 0L);
        assertTrue(injected >= 70 && injected <= 130, "probability=0.1 over " + CALLS + ": " + out);
        assertEquals(CALLS - injected, seen.get("200"), out);
        assertTrue(out.contains("errors={}"), out);
        assertTrue(
                out.contains("sample=503|5|down|Service_Unavailable"),
                "OkHttp's own Response: status, header, body, message: " + out);
        Map<String, Long> server = counts(peer.takeStats());
        assertEquals(CALLS - injected, server.get("handled"), "no injected request left the client: " + server);
        assertEquals(1, server.get("connections"), "one kept-alive connection across injected answers: " + server);
        assertCountedOnItsPathUntilCleared(f, "okhttp execute", base, injected);
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void okHttpEnqueueAndFailures(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        String base = "http://127.0.0.1:" + peer.port();
        peer.takeStats();
        f.add("error on=http-client status=429 path=/async every=2 header=Retry-After:1");
        String async = f.send("okhttp enqueue GET " + base + "/async 10");
        assertTrue(async.contains("codes={200=5,429=5}") && async.contains("sample=429|1||Too_Many_Requests"), async);
        assertEquals(5, counts(peer.takeStats()).get("handled"), "the injected calls never reached the server");
        f.clear();

        f.add("error on=http-client path=/v1/* limit=3");
        String refused = f.send("okhttp execute POST " + base + "/v1/pay 5");
        assertTrue(
                refused.contains("errors={java.net.ConnectException=3}") && refused.contains("codes={200=2}"), refused);
        f.add("error on=http-client exception=java.net.SocketTimeoutException path=/read");
        String timedOut = f.send("okhttp enqueue GET " + base + "/read 2");
        assertTrue(timedOut.contains("errors={java.net.SocketTimeoutException=2}"), "onFailure gets it: " + timedOut);
        assertEquals(2, counts(peer.takeStats()).get("handled"), "only the calls not failed reached the server");
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void apacheGetsItsOwnResponseAtTheGatesRateWithoutTheRequestLeaving(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        String base = "http://localhost:" + peer.port();
        peer.takeStats();
        f.add("error on=http-client status=503 host=localhost path=/v1/* method=POST probability=0.1 seed=11"
                + " header=Retry-After:5 body=down");
        String out = f.send("apache POST " + base + "/v1/pay " + CALLS, Duration.ofMinutes(3));
        Map<String, Long> seen = codes(out);
        long injected = seen.getOrDefault("503", 0L);
        assertTrue(injected >= 70 && injected <= 130, "probability=0.1 over " + CALLS + ": " + out);
        assertEquals(CALLS - injected, seen.get("200"), out);
        assertTrue(
                out.contains("sample=503|5|down|Service_Unavailable"),
                "HttpClient's own response: status, header, body, reason phrase: " + out);
        Map<String, Long> server = counts(peer.takeStats());
        assertEquals(CALLS - injected, server.get("handled"), "no injected request left the client: " + server);
        assertEquals(1, server.get("connections"), "one kept-alive connection across injected answers: " + server);
        assertCountedOnItsPathUntilCleared(f, "apache", base, injected);

        f.add("error on=http-client path=/v1/* limit=3");
        String refused = f.send("apache POST " + base + "/v1/pay 5");
        assertTrue(
                refused.contains("errors={java.net.ConnectException=3}") && refused.contains("codes={200=2}"), refused);
        assertEquals(2, counts(peer.takeStats()).get("handled"), "the refused calls never reached the server");
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void urlConnectionGetsAReal503AtTheGatesRateWithoutTheRequestLeaving(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        String base = "http://localhost:" + peer.port();
        peer.takeStats();
        f.add("error on=http-client status=503 host=localhost path=/v1/* method=POST probability=0.1 seed=3"
                + " header=Retry-After:5 body=down");
        String out = f.send("urlconn POST " + base + "/v1/pay " + CALLS, Duration.ofMinutes(3));
        Map<String, Long> seen = codes(out);
        long injected = seen.getOrDefault("503", 0L);
        assertTrue(injected >= 70 && injected <= 130, "probability=0.1 over " + CALLS + ": " + out);
        assertEquals(CALLS - injected, seen.get("200"), out);
        assertTrue(out.contains("errors={}"), out);
        assertTrue(
                out.contains("sample=503|5|down|Service_Unavailable|java.io.IOException:Server_returned_HTTP_response"
                        + "_code:_503_for_URL:_" + base + "/v1/pay "),
                "getResponseCode, Retry-After, getErrorStream, getResponseMessage, and getInputStream's own"
                        + " IOException: " + out);
        Map<String, Long> server = counts(peer.takeStats());
        assertEquals(CALLS - injected, server.get("handled"), "no injected request left the client: " + server);
        assertEquals(1, server.get("connections"), "one kept-alive connection across injected answers: " + server);
        assertCountedOnItsPathUntilCleared(f, "urlconn", base, injected);
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void urlConnectionFailuresAndStatusesWithoutABody(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        String base = "http://127.0.0.1:" + peer.port();
        peer.takeStats();
        f.add("error on=http-client path=/v1/* limit=3");
        String refused = f.send("urlconn POST " + base + "/v1/pay 5");
        assertTrue(
                refused.contains("errors={java.net.ConnectException=3}") && refused.contains("codes={200=2}"), refused);
        f.add("error on=http-client exception=java.net.SocketTimeoutException path=/read");
        String timedOut = f.send("urlconn GET " + base + "/read 2");
        assertTrue(timedOut.contains("errors={java.net.SocketTimeoutException=2}"), timedOut);
        f.add("error on=http-client status=404 path=/gone");
        String gone = f.send("urlconn GET " + base + "/gone 1");
        assertTrue(
                gone.contains("sample=404|-|null|Not_Found|java.io.FileNotFoundException:" + base + "/gone "),
                "a 404 without a body: FileNotFoundException, no error stream, as from a real server: " + gone);
        f.add("error on=http-client status=429 path=/busy every=2 header=Retry-After:1");
        String busy = f.send("urlconn GET " + base + "/busy 4");
        assertTrue(busy.contains("codes={200=2,429=2}") && busy.contains("sample=429|1|null|Too_Many_Requests"), busy);
        assertEquals(4, counts(peer.takeStats()).get("handled"), "only the calls not faulted reached the server");
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void httpsUrlConnectionIsAnsweredBeforeTls(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        String https = "https://localhost:" + peer.tlsPort();
        peer.takeStats();
        f.add("error on=http-client status=503 host=localhost port=" + peer.tlsPort() + " path=/v1/* body=injected");
        String out = f.send("urlconn GET " + https + "/v1/pay 3");
        assertTrue(out.contains("codes={503=3}") && out.contains("sample=503|-|injected|Service_Unavailable"), out);
        assertEquals(Map.of("200", 3L), codes(f.send("urlconn POST " + https + "/v2/pay 3")), "real TLS calls succeed");
        assertEquals(3, counts(peer.takeStats()).get("handled"), "only the real calls reached the TLS peer");
        f.clear();
        assertEquals(Map.of("200", 2L), codes(f.send("urlconn GET " + https + "/v1/pay 2")), "clear() restores");
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void latencyHoldsTheCallOnItsPathOnly(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        String base = "http://127.0.0.1:" + peer.port();
        f.add("latency on=http-client delay=1s path=/slow");
        for (String call : List.of("okhttp execute", "okhttp enqueue", "apache", "urlconn")) {
            String slow = f.send(call + " GET " + base + "/slow 1");
            assertTrue(slow.contains("codes={200=1}") && counts(slow).get("maxMs") >= 985, call + ": " + slow);
            String other = f.send(call + " GET " + base + "/fast 1");
            assertTrue(counts(other).get("maxMs") < 985, call + ", another path is not delayed: " + other);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void apacheAsyncGetsItsOwnResponseAtTheGatesRateWithoutTheRequestLeaving(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        String base = "http://localhost:" + peer.port();
        // the async client alone, no rule: how many connections it opens for sequential calls
        f.send("apache-async POST " + base + "/v1/pay " + CALLS, Duration.ofMinutes(3));
        long ownConnections = counts(peer.takeStats()).get("connections");
        f.add("error on=http-client status=503 host=localhost path=/v1/* method=POST probability=0.1 seed=13"
                + " header=Retry-After:5 body=down");
        String out = f.send("apache-async POST " + base + "/v1/pay " + CALLS, Duration.ofMinutes(3));
        Map<String, Long> seen = codes(out);
        long injected = seen.getOrDefault("503", 0L);
        assertTrue(injected >= 70 && injected <= 130, "probability=0.1 over " + CALLS + ": " + out);
        assertEquals(CALLS - injected, seen.get("200"), out);
        assertTrue(
                out.contains("sample=503|5|down|Service_Unavailable"),
                "HttpClient's own response: status, header, body, reason phrase: " + out);
        Map<String, Long> server = counts(peer.takeStats());
        assertEquals(CALLS - injected, server.get("handled"), "no injected request left the client: " + server);
        assertTrue(
                server.get("connections") <= Math.max(3, 2 * ownConnections),
                "kept-alive connections reused across injected answers, as without a rule (" + ownConnections + "): "
                        + server);
        assertCountedOnItsPathUntilCleared(f, "apache-async", base, injected);
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void apacheAsyncFailuresAndLatency(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        String base = "http://127.0.0.1:" + peer.port();
        peer.takeStats();
        f.add("error on=http-client path=/v1/* limit=3");
        String refused = f.send("apache-async POST " + base + "/v1/pay 5");
        assertTrue(
                refused.contains("errors={java.net.ConnectException=3}") && refused.contains("codes={200=2}"),
                "the future fails with the refused connection's exception: " + refused);
        f.clear();
        f.add("latency on=http-client delay=1500ms path=/slow");
        String slow = f.send("apache-async GET " + base + "/slow 2");
        assertTrue(slow.contains("codes={200=2}") && counts(slow).get("maxMs") >= 1485, "delayed: " + slow);
        String other = f.send("apache-async GET " + base + "/fast 2");
        assertTrue(counts(other).get("maxMs") < 1485, "another path is not delayed: " + other);
        assertEquals(6, counts(peer.takeStats()).get("handled"), "all but the 3 failed calls reached the server");
    }

    /**
     * After a status rule on POST /v1/* ran {@code CALLS} times: list() counts what the client saw, another verb and
     * another path are untouched, and clear() restores (the peer handled the 200 calls that followed).
     */
    private void assertCountedOnItsPathUntilCleared(ForkedService f, String client, String base, long injected)
            throws Exception {
        String line = f.list()[0];
        assertTrue(
                line.contains("injected=" + injected + " ") && line.contains("matched=" + CALLS + " "),
                "list() counts what the client saw: " + line);
        assertEquals(Map.of("200", 50L), codes(f.send(client + " GET " + base + "/v1/pay 50")), "another verb");
        assertEquals(Map.of("200", 50L), codes(f.send(client + " POST " + base + "/v2/pay 50")), "another path");
        f.clear();
        assertEquals(Map.of("200", 100L), codes(f.send(client + " POST " + base + "/v1/pay 100")), "clear() restores");
        assertEquals(200, counts(peer.takeStats()).get("handled"));
    }
}
