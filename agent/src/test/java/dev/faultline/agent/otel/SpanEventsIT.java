package dev.faultline.agent.otel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.faultline.agent.it.ForkedService;
import dev.faultline.agent.it.Jdks;
import dev.faultline.agent.it.TestServers;
import dev.faultline.agent.otel.ExportedSpans.Event;
import dev.faultline.agent.otel.ExportedSpans.Span;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every injection on the trace (issue 24): a service traced by the OpenTelemetry Java agent from Maven Central, its
 * spans written by the {@code logging-otlp} exporter, with Faultline's built jar beside it, on JDK 17 and 25. The
 * servers run in the test JVM, which has neither agent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpanEventsIT {
    static final File OTEL_AGENT =
            new File(System.getProperty("faultline.it.jars", "target/it-jars"), "opentelemetry-javaagent-2.22.0.jar");
    static final String BRIDGE = "dev.faultline.agent.otel.SpanEvents"; // the core's, by name: not loaded here
    static final int CLIENT = 3; // OTLP SpanKind
    static final int INTERNAL = 1;
    static final int SERVER = 2;

    HttpServer refused; // its port gets connect errors
    HttpServer slow; // its port gets connect latency
    /** One traced service per JDK, shared by the tests (the OpenTelemetry agent takes seconds to start). */
    final Map<Jdks.Jdk, ForkedService> traced = new HashMap<>();

    @BeforeAll
    void startServers() throws Exception {
        refused = TestServers.http();
        slow = TestServers.http();
    }

    @AfterAll
    void stopServers() {
        traced.values().forEach(ForkedService::close);
        refused.stop(0);
        slow.stop(0);
    }

    static List<Jdks.Jdk> jdks() {
        return Jdks.all();
    }

    ForkedService traced(Jdks.Jdk jdk) throws Exception {
        ForkedService svc = traced.get(jdk);
        if (svc == null) traced.put(jdk, svc = startTraced(jdk));
        return svc;
    }

    static ForkedService startTraced(Jdks.Jdk jdk) throws Exception {
        assertTrue(OTEL_AGENT.isFile(), "the dependency plugin copies " + OTEL_AGENT);
        return ForkedService.builder(jdk)
                .main(TracedService.class.getName())
                .jvmArg(
                        "-javaagent:" + OTEL_AGENT.getAbsolutePath(),
                        "-Dotel.traces.exporter=logging-otlp",
                        "-Dotel.metrics.exporter=none",
                        "-Dotel.logs.exporter=none",
                        "-Dotel.service.name=traced",
                        "-Dotel.bsp.schedule.delay=100",
                        "-Dotel.instrumentation.methods.include=" + Checkout.class.getName()
                                + "[place,placeWithFallback]")
                .start();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void eachInjectedRequestsSpanCarriesTheFaultAndItsErrorStatusAndNoOtherSpanDoes(Jdks.Jdk jdk) throws Exception {
        int refusedPort = refused.getAddress().getPort();
        int slowPort = slow.getAddress().getPort();
        ForkedService svc = traced(jdk);
        String errorId = svc.add("error on=connect port=" + refusedPort + " every=2");
        String latencyId = svc.add("latency on=connect port=" + slowPort + " delay=50ms");
        Map<String, String> answers = new LinkedHashMap<>(); // url -> what HttpURLConnection's caller saw
        for (int i = 0; i < 6; i++) {
            String url = "http://127.0.0.1:" + refusedPort + "/?n=" + i;
            answers.put(url, svc.send("urlconn " + url));
        }
        List<String> slowUrls = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String url = "http://127.0.0.1:" + slowPort + "/?n=" + i;
            String answer = svc.send("jdk-http " + url);
            assertTrue(answer.startsWith("OK 200"), "a delayed connect still succeeds: " + answer);
            slowUrls.add(url);
        }
        assertEquals(
                3,
                answers.values().stream()
                        .filter(a -> a.startsWith("ERR java.net.ConnectException"))
                        .count(),
                "every=2 injects every second of six connects: " + answers);

        List<String> urls = new ArrayList<>(answers.keySet());
        urls.addAll(slowUrls);
        // this test's spans: the shared service's other tests export client spans too
        List<Span> spans = awaitSpans(
                svc, s -> s.kind() == CLIENT && urls.contains(s.attributes().get("url.full")), 8);
        for (Map.Entry<String, String> e : answers.entrySet()) {
            Span span = only(spans, e.getKey());
            if (e.getValue().startsWith("OK 200")) {
                assertEquals(List.of(), span.faultEvents(), "an uninjected request has no fault event: " + span);
                assertFalse(span.isError(), "and no error status: " + span);
            } else {
                assertEquals(1, span.faultEvents().size(), "one injection, one event: " + span);
                Map<String, String> a = span.faultEvents().get(0).attributes();
                assertEquals(errorId, a.get("faultline.rule.id"), span.toString());
                assertEquals("error", a.get("faultline.action"), span.toString());
                assertEquals("connect", a.get("faultline.hook"), span.toString());
                assertTrue(a.get("faultline.spec").startsWith("error on=connect port=" + refusedPort), a.toString());
                assertTrue(span.isError(), "the connect error reached the client span as a real one: " + span);
            }
        }
        for (String url : slowUrls) {
            Span span = only(spans, url);
            // the JDK HttpClient connects on its worker thread, where the agent's context propagation made the
            // request's span current: the event lands on it; a delay is no error, so the status stays unset
            assertFalse(span.faultEvents().isEmpty(), "the delayed connect is on the trace: " + span);
            for (Event ev : span.faultEvents()) {
                assertEquals(latencyId, ev.attributes().get("faultline.rule.id"), span.toString());
                assertEquals("latency", ev.attributes().get("faultline.action"), span.toString());
            }
            assertFalse(span.isError(), "a delay sets no error: " + span);
        }
        assertTrue(svc.remove(errorId) && svc.remove(latencyId));
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void anInjectedHttpStatusIsOnTheClientsAndTheServersSpanWithTheirOwnErrorStatus(Jdks.Jdk jdk) throws Exception {
        ForkedService svc = traced(jdk);
        String base = "http://127.0.0.1:" + slow.getAddress().getPort();
        String clientId = svc.add("error on=http-client status=503 path=/injected/*");
        String jdkInjected = base + "/injected/jdk-http";
        String jdkClean = base + "/clean/jdk-http";
        String urlConnInjected = base + "/injected/urlconn";
        assertTrue(svc.send("jdk-http " + jdkInjected).startsWith("OK 503"), "the JDK HttpClient got the 503");
        assertTrue(svc.send("jdk-http " + jdkClean).startsWith("OK 200"), "another path is the server's");
        String urlConn = svc.send("urlconn " + urlConnInjected);
        assertTrue(
                urlConn.startsWith("ERR java.io.IOException: Server returned HTTP response code: 503"),
                "HttpURLConnection got the 503: " + urlConn);
        assertTrue(svc.remove(clientId));

        int jettyPort = Integer.parseInt(svc.send("jetty-port").substring("OK ".length()));
        String serverId = svc.add("error on=http-server status=503 path=/checkout");
        HttpClient client = HttpClient.newHttpClient();
        URI jetty = URI.create("http://127.0.0.1:" + jettyPort);
        assertEquals(503, get(client, jetty.resolve("/checkout")), "Jetty answered the injected status");
        assertEquals(200, get(client, jetty.resolve("/other")), "and its servlet the other path");
        assertTrue(svc.remove(serverId));

        List<String> urls = List.of(jdkInjected, jdkClean, urlConnInjected);
        List<Span> clients = awaitSpans(
                svc, s -> s.kind() == CLIENT && urls.contains(s.attributes().get("url.full")), 3);
        for (String url : List.of(jdkInjected, urlConnInjected)) {
            Span span = only(clients, url);
            assertEquals(1, span.faultEvents().size(), "one injection, one event: " + span);
            Map<String, String> a = span.faultEvents().get(0).attributes();
            assertEquals(clientId, a.get("faultline.rule.id"), span.toString());
            assertEquals("error", a.get("faultline.action"), span.toString());
            assertEquals("http-client", a.get("faultline.hook"), span.toString());
            assertEquals(
                    "503",
                    span.attributes().get("http.response.status_code"),
                    span.attributes().toString());
            assertTrue(span.isError(), "OpenTelemetry's own ERROR for a 5xx client response: " + span);
        }
        Span clean = only(clients, jdkClean);
        assertEquals(List.of(), clean.faultEvents(), clean.toString());
        assertFalse(clean.isError(), clean.toString());

        List<Span> servers = awaitSpans(
                svc,
                s -> s.kind() == SERVER
                        && List.of("/checkout", "/other")
                                .contains(s.attributes().get("url.path")),
                2);
        Span injected = onlyPath(servers, "/checkout");
        assertEquals(1, injected.faultEvents().size(), injected + " " + injected.attributes());
        assertEquals("http-server", injected.faultEvents().get(0).attributes().get("faultline.hook"));
        assertEquals(serverId, injected.faultEvents().get(0).attributes().get("faultline.rule.id"));
        assertEquals(
                "503",
                injected.attributes().get("http.response.status_code"),
                injected.attributes().toString());
        assertTrue(injected.isError(), "OpenTelemetry's own ERROR for a 5xx server response: " + injected);
        Span other = onlyPath(servers, "/other");
        assertEquals(List.of(), other.faultEvents(), other.toString());
        assertFalse(other.isError(), other.toString());
    }

    private static int get(HttpClient client, URI uri) throws Exception {
        return client.send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(20))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    static Span onlyPath(List<Span> spans, String path) {
        List<Span> matching = spans.stream()
                .filter(s -> path.equals(s.attributes().get("url.path")))
                .toList();
        assertEquals(1, matching.size(), "one server span for " + path + ": " + spans);
        return matching.get(0);
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aMethodFaultMarksTheEnclosingSpanAsTheRealErrorWould(Jdks.Jdk jdk) throws Exception {
        ForkedService svc = traced(jdk);
        String id = svc.add(
                "error on=method class=" + Checkout.class.getName() + " method=charge exception=java.io.IOException");
        assertTrue(svc.send("place").startsWith("ERR java.io.IOException"), "the injected error");
        assertEquals("OK fallback", svc.send("fallback"), "a service that absorbs it");
        assertTrue(svc.remove(id));
        assertEquals("OK charged", svc.send("place"), "after remove");

        List<Span> spans = awaitSpans(svc, s -> s.kind() == INTERNAL && s.name().startsWith("Checkout."), 3);
        spans.sort((x, y) -> Long.compare(x.startNanos(), y.startNanos()));
        Span failed = spans.get(0), absorbed = spans.get(1), clean = spans.get(2);
        assertEquals("Checkout.place", failed.name());
        assertEquals(1, failed.faultEvents().size(), failed.toString());
        assertEquals(id, failed.faultEvents().get(0).attributes().get("faultline.rule.id"));
        assertEquals("method", failed.faultEvents().get(0).attributes().get("faultline.hook"));
        assertTrue(failed.isError(), "the error left the span, which a real one would mark: " + failed);

        assertEquals("Checkout.placeWithFallback", absorbed.name());
        assertEquals(1, absorbed.faultEvents().size(), "absorbed, but still on the trace: " + absorbed);
        assertFalse(absorbed.isError(), "a real error caught inside the span leaves its status alone: " + absorbed);

        assertEquals("Checkout.place", clean.name());
        assertEquals(List.of(), clean.faultEvents(), "no rule, no event: " + clean);
        assertFalse(clean.isError(), clean.toString());
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void withoutOpenTelemetryNoOpenTelemetryClassIsLoaded(Jdks.Jdk jdk) throws Exception {
        Path classLog = Files.createTempFile("faultline-class-load", ".log");
        int port = refused.getAddress().getPort();
        try {
            try (ForkedService svc = ForkedService.builder(jdk)
                    .main(TracedService.class.getName())
                    .jvmArg("-Xlog:class+load=info:file=" + classLog)
                    .start()) {
                svc.add("error on=connect port=" + port + " every=2");
                svc.add("error on=method class=" + Checkout.class.getName()
                        + " method=charge exception=java.io.IOException");
                List<String> answers = new ArrayList<>();
                for (int i = 0; i < 4; i++) answers.add(svc.send("urlconn http://127.0.0.1:" + port + "/"));
                answers.add(svc.send("place"));
                assertEquals(
                        3,
                        answers.stream().filter(a -> a.startsWith("ERR")).count(),
                        "the faults were injected: " + answers);
                assertEquals(3L, ((Number) svc.attribute("InjectedTotal")).longValue());
            }
            List<String> loaded = Files.readAllLines(classLog);
            assertTrue(
                    loaded.stream().anyMatch(l -> l.contains(" " + BRIDGE + " ")),
                    "the bridge was there and was told of each injection (else this test proves nothing)");
            List<String> otel = loaded.stream()
                    .filter(l -> l.contains(" io.opentelemetry."))
                    .collect(Collectors.toList());
            assertEquals(List.of(), otel, "no OpenTelemetry class was loaded");
        } finally {
            Files.deleteIfExists(classLog);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void withTheApplicationsOwnSdkTheEventLandsOnItsSpan(Jdks.Jdk jdk) throws Exception {
        int port = refused.getAddress().getPort();
        ForkedService.Builder b = ForkedService.builder(jdk).main(SdkTracedService.class.getName());
        List<String> sdk = openTelemetryJars();
        assertTrue(sdk.size() >= 4, "api, context, sdk-common, sdk-trace on the test class path: " + sdk);
        sdk.forEach(b::classpath);
        try (ForkedService svc = b.start()) {
            String id = svc.add("error on=connect port=" + port + " every=2");
            String clean = svc.send("get http://127.0.0.1:" + port + "/");
            String injected = svc.send("get http://127.0.0.1:" + port + "/");
            assertTrue(
                    clean.startsWith("OK 200") && clean.contains("status=UNSET events= fault="),
                    "an uninjected request's span has no event: " + clean);
            assertTrue(
                    injected.startsWith("ERR java.net.ConnectException")
                            && injected.contains("status=ERROR")
                            && injected.contains("events=faultline.fault,exception")
                            && injected.contains("faultline.rule.id=" + id)
                            && injected.contains("faultline.hook=connect"),
                    "the injected request's span (the application's SDK, found through its class loader): " + injected);
        }
    }

    static List<String> openTelemetryJars() {
        return List.of(System.getProperty("java.class.path").split(File.pathSeparator)).stream()
                .filter(e -> e.contains("/io/opentelemetry/"))
                .toList();
    }

    /** The spans matching {@code which} once {@code count} of them are exported (within 20 s). */
    static List<Span> awaitSpans(ForkedService svc, Predicate<Span> which, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<Span> spans;
        do {
            spans = ExportedSpans.read(svc.stderr()).stream().filter(which).collect(Collectors.toList());
            if (spans.size() >= count) return spans;
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("only " + spans.size() + " of " + count + " spans exported:\n" + svc.stderr());
    }

    static Span only(List<Span> spans, String url) {
        List<Span> matching = spans.stream()
                .filter(s -> url.equals(s.attributes().get("url.full")))
                .toList();
        assertEquals(1, matching.size(), "one client span for " + url + ": " + spans);
        return matching.get(0);
    }
}
