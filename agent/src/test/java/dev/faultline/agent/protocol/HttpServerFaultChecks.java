package dev.faultline.agent.protocol;

import static dev.faultline.agent.protocol.HttpFaultsIT.codes;
import static dev.faultline.agent.protocol.HttpFaultsIT.counts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.agent.it.ForkedService;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Arrays;
import java.util.Map;

/**
 * What every {@code on=http-server} IT checks the same way on its server (the JDK's, servlet containers, Undertow,
 * Reactor Netty), as the JDK HttpClient in the test JVM (no agent) sees it on the wire, and as the forked service's
 * {@code server-stats <stats>} command reports it ({@code handled} by the application, per status as its access log or
 * metrics saw it, {@code connections}). Each server's IT adds what only its server shows.
 */
final class HttpServerFaultChecks {
    static final int CALLS = 1000;

    /** What the status rule did: how many of the {@link #CALLS} it answered, and the server's stats after them. */
    record StatusRun(long injected, Map<String, Long> server) {}

    private HttpServerFaultChecks() {}

    /**
     * A 503 with {@code Retry-After} and a body for 10 % of {@code POST /checkout}: the peer sees that rate within ±3 %
     * over {@link #CALLS}, every other call the application's 200, status, header and body on the wire; the
     * application never ran for an injected call; {@code list()} counts what the peer saw.
     */
    static StatusRun statusAtTheGatesRate(ForkedService f, HttpClient client, URI base, String stats) throws Exception {
        f.send(stats);
        f.add("error on=http-server status=503 path=/checkout method=POST probability=0.1 seed=24"
                + " header=Retry-After:5 body=\"try later\"");
        String out = ProtocolProbeApp.send(client, "POST", base.resolve("/checkout"), CALLS, null);
        Map<String, Long> seen = codes(out);
        long injected = seen.getOrDefault("503", 0L);
        assertTrue(injected >= 70 && injected <= 130, "probability=0.1 over " + CALLS + ": " + out);
        assertEquals(CALLS - injected, seen.get("200"), "every other call is the application's: " + out);
        assertTrue(out.contains("sample=503|5|try_later"), "status, Retry-After and body on the wire: " + out);

        Map<String, Long> server = counts(f.send(stats));
        assertEquals(CALLS - injected, server.get("handled"), "the handler never ran for an injected call: " + server);
        String line = Arrays.stream(f.list())
                .filter(l -> l.contains("on=http-server"))
                .findFirst()
                .orElseThrow();
        assertTrue(
                line.contains("injected=" + injected + " ") && line.contains("matched=" + CALLS + " "),
                "list() counts what the peer saw: " + line);
        return new StatusRun(injected, server);
    }

    /**
     * After {@link #statusAtTheGatesRate}: another verb and another path are the application's, and {@code clear()}
     * restores the faulted one; returns the server's stats over those 200 calls, all of them handled.
     */
    static Map<String, Long> othersUntouchedAndClearRestores(ForkedService f, HttpClient client, URI base, String stats)
            throws Exception {
        assertEquals(
                Map.of("200", 50L),
                codes(ProtocolProbeApp.send(client, "GET", base.resolve("/checkout"), 50, null)),
                "another verb");
        assertEquals(
                Map.of("200", 50L),
                codes(ProtocolProbeApp.send(client, "POST", base.resolve("/other"), 50, null)),
                "another path");
        f.clear();
        assertEquals(
                Map.of("200", 100L),
                codes(ProtocolProbeApp.send(client, "POST", base.resolve("/checkout"), 100, null)),
                "clear() restores");
        Map<String, Long> after = counts(f.send(stats));
        assertEquals(200, after.get("handled"), after.toString());
        return after;
    }

    /** {@code latency delay=1500ms path=/api/*}: two calls there are delayed, two to another path are not. */
    static void latencyDelaysOnlyItsPaths(ForkedService f, HttpClient client, URI base) throws Exception {
        f.add("latency on=http-server delay=1500ms path=/api/*");
        String slow = ProtocolProbeApp.send(client, "GET", base.resolve("/api/orders/7"), 2, null);
        assertEquals(Map.of("200", 2L), codes(slow), slow);
        assertTrue(counts(slow).get("maxMs") >= 1485, "delayed: " + slow);
        String other = ProtocolProbeApp.send(client, "GET", base.resolve("/health"), 2, null);
        assertTrue(counts(other).get("maxMs") < 1485, "another path is not delayed: " + other);
        String line = f.list()[0];
        assertTrue(line.contains("injected=2 ") && line.contains("matched=2 "), line);
    }

    /**
     * {@code error status=429 limit=3} over five calls on one keep-alive connection: three bare 429s (no body, no
     * header) and then the application's answers; the access log saw the 429s and one connection carried all.
     */
    static void limitedAnswersKeepTheConnection(ForkedService f, HttpClient client, URI base, String stats)
            throws Exception {
        f.clear();
        f.send(stats);
        f.add("error on=http-server status=429 path=/limited limit=3");
        String limited = ProtocolProbeApp.send(client, "GET", base.resolve("/limited"), 5, null);
        assertEquals(Map.of("200", 2L, "429", 3L), codes(limited), limited);
        assertTrue(limited.contains("sample=429|-|"), "no body, no headers: " + limited);
        Map<String, Long> server = counts(f.send(stats));
        assertEquals(2, server.get("handled"), server.toString());
        assertEquals(3, server.get("429"), server.toString());
        assertEquals(1, server.get("connections"), "keep-alive held across injected answers: " + server);
    }
}
