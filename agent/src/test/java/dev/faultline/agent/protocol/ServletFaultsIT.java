package dev.faultline.agent.protocol;

import static dev.faultline.agent.protocol.HttpFaultsIT.counts;
import static dev.faultline.agent.protocol.HttpServerFaultChecks.CALLS;
import static dev.faultline.agent.protocol.HttpServerFaultChecks.latencyDelaysOnlyItsPaths;
import static dev.faultline.agent.protocol.HttpServerFaultChecks.limitedAnswersKeepTheConnection;
import static dev.faultline.agent.protocol.HttpServerFaultChecks.othersUntouchedAndClearRestores;
import static dev.faultline.agent.protocol.HttpServerFaultChecks.statusAtTheGatesRate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.agent.it.ForkedService;
import dev.faultline.agent.it.Jdks;
import dev.faultline.agent.protocol.HttpServerFaultChecks.StatusRun;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #24: {@code on=http-server} in Servlet containers, through the servlet API, Jakarta and javax. One forked
 * service per JDK ({@link ServletProbeApp}: an embedded Tomcat 11, Jetty 12 ee10, Jetty 12 ee8 for
 * {@code javax.servlet}, Undertow's own API and a servlet deployed on Undertow, the built agent jar loaded with {@code -javaagent}), shared by the containers' cases; the peer is the JDK HttpClient here, in the test JVM, which
 * has no agent, and reports what it received on the wire; the service reports what its servlet ran and what the
 * container's access log recorded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServletFaultsIT {

    @RegisterExtension
    final ForksPerJdk forks = new ForksPerJdk();

    HttpClient client;

    @BeforeAll
    void peer() {
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Jdks.Jdk jdk : Jdks.all()) {
            out.add(Arguments.of(jdk, "tomcat"));
            out.add(Arguments.of(jdk, "jetty"));
            out.add(Arguments.of(jdk, "jetty-ee8"));
        }
        return out;
    }

    ForkedService fork(Jdks.Jdk jdk) throws Exception {
        return forks.of(
                jdk,
                () -> ForkedService.builder(jdk)
                        .main(ServletProbeApp.class.getName())
                        .readyLine("READY")
                        .start());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void answersTheStatusAtTheGatesRateOnItsPathOnly(Jdks.Jdk jdk, String container) throws Exception {
        ForkedService f = fork(jdk);
        URI base = URI.create("http://127.0.0.1:" + f.send("port " + container));
        String stats = "server-stats " + container;
        // the container's own policy for a servlet's 503: Tomcat closes the connection after each
        // (Http11Processor.statusDropsConnection), Jetty keeps it; an injected 503 must get the same
        f.send(stats);
        ProtocolProbeApp.send(client, "GET", base.resolve("/own-503"), 5, null);
        long ownConnections = counts(f.send(stats)).get("connections");
        assertEquals(container.equals("tomcat") ? 5 : 1, ownConnections, container + " after its servlet's own 503s");

        StatusRun run = statusAtTheGatesRate(f, client, base, stats);
        long injected = run.injected();
        Map<String, Long> server = run.server();
        assertEquals(injected, server.get("503"), "the container's access log saw the 503s: " + server);
        assertEquals(CALLS - injected, server.get("200"), server.toString());
        assertEquals(
                ownConnections == 1 ? 1 : injected + 1,
                server.get("connections"),
                "the connection fares as after the servlet's own 503: " + server);

        Map<String, Long> after = othersUntouchedAndClearRestores(f, client, base, stats);
        assertEquals(1, after.get("connections"), "one connection, still healthy: " + after);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void latencyDelaysOnlyItsPathsAndKeepAliveHoldsAfterAnInjected429(Jdks.Jdk jdk, String container) throws Exception {
        ForkedService f = fork(jdk);
        URI base = URI.create("http://127.0.0.1:" + f.send("port " + container));
        latencyDelaysOnlyItsPaths(f, client, base);
        limitedAnswersKeepTheConnection(f, client, base, "server-stats " + container);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faultline.agent.it.Jdks#all")
    void undertowAnswersTheStatusAtTheGatesRateOnItsPathOnly(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        URI base = URI.create("http://127.0.0.1:" + f.send("port undertow"));
        String stats = "server-stats undertow";
        Map<String, Long> server = statusAtTheGatesRate(f, client, base, stats).server();
        assertEquals(CALLS, server.get("requests"), "Undertow's statistics completed every request: " + server);
        othersUntouchedAndClearRestores(f, client, base, stats);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faultline.agent.it.Jdks#all")
    void undertowLatencyDelaysOnlyItsPathsAndItsMetricsSeeAnInjected500(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        URI base = URI.create("http://127.0.0.1:" + f.send("port undertow"));
        String stats = "server-stats undertow";
        latencyDelaysOnlyItsPaths(f, client, base);

        f.clear();
        f.send(stats);
        f.add("error on=http-server status=500 path=/limited limit=3");
        assertEquals(
                List.of("500 0", "500 0", "500 0", "200 15"),
                statusesOnOneConnection(base.getPort(), "/limited", 4),
                "status and Content-Length of each answer, keep-alive held across the injected ones");
        Map<String, Long> server = counts(f.send(stats));
        assertEquals(1, server.get("handled"), server.toString());
        assertEquals(4, server.get("requests"), server.toString());
        assertEquals(3, server.get("500"), "Undertow's error count saw the injected 500s: " + server);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faultline.agent.it.Jdks#all")
    void undertowServletIsJudgedOnceByUndertowsHook(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        URI base = URI.create("http://127.0.0.1:" + f.send("port undertow-servlet"));
        String stats = "server-stats undertow-servlet";
        // the servlet hook lets Undertow's servlet requests pass: list() counting matched=CALLS (not one more per
        // request the rule let through) shows each request judged once, and the rate is the gate's, not twice it
        StatusRun run = statusAtTheGatesRate(f, client, base, stats);
        long injected = run.injected();
        Map<String, Long> server = run.server();
        assertEquals(CALLS, server.get("requests"), "Undertow's statistics completed every request: " + server);
        assertEquals(
                CALLS - injected, server.get("200"), "the deployment's filter logged only its servlet's: " + server);
        assertNull(server.get("503"), "the injected answer never ran the deployment's filters: " + server);

        Map<String, Long> after = othersUntouchedAndClearRestores(f, client, base, stats);
        assertEquals(200, after.get("requests"), after.toString());
        assertEquals(1, after.get("connections"), "keep-alive held across the injected answers: " + after);
    }

    /**
     * {@code <status> <Content-Length>} of {@code n} GETs sent one after another on one HTTP/1.1 connection: a server
     * that closed it after an answer fails the next read.
     */
    static List<String> statusesOnOneConnection(int port, String path, int n) throws IOException {
        List<String> out = new ArrayList<>();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(20_000);
            OutputStream w = socket.getOutputStream();
            DataInputStream r = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            for (int i = 0; i < n; i++) {
                w.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                w.flush();
                String status = line(r);
                int length = -1;
                for (String h; !(h = line(r)).isEmpty(); ) {
                    if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(h.substring(15).trim());
                    }
                }
                assertTrue(length >= 0, "answer " + i + " without a Content-Length: " + status);
                r.readFully(new byte[length]);
                out.add(status.split(" ")[1] + " " + length);
            }
        }
        return out;
    }

    private static String line(DataInputStream r) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = r.read()) != '\n'; ) {
            if (c < 0) throw new EOFException("the server closed the connection after: " + b);
            if (c != '\r') b.append((char) c);
        }
        return b.toString();
    }
}
