package dev.faultline.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each network action, through each real client, in a forked service started with the built agent jar, on
 * JDK 17 and 25; armed and cleared over remote JMX as an operator would.
 */
class NetworkFaultsIT extends LoopbackHttpFixture {
    static final List<String> HTTP_CLIENTS = List.of("jdk-http", "urlconn", "okhttp", "apache");

    Answer call(ForkedService svc, String command) throws Exception {
        return new Answer(svc.send(command));
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void latencyOnConnectSlowsEveryHttpClientAndClearRestoresIt(Jdks.Jdk jdk) throws Exception {
        try (ForkedService svc = ForkedService.builder(jdk).start()) {
            for (String client : HTTP_CLIENTS) call(svc, client + " " + url("/")); // warm the clients up
            svc.add("latency on=connect port=" + port + " delay=700ms");
            for (String client : HTTP_CLIENTS) {
                Answer a = call(svc, client + " " + url("/"));
                assertTrue(a.ok() && a.tookAtLeast(700), client + " under latency: " + a);
            }
            assertEquals(1, svc.clear());
            for (String client : HTTP_CLIENTS) {
                Answer a = call(svc, client + " " + url("/"));
                assertTrue(a.ok() && a.millis() < 700, client + " after clear(): " + a);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void errorsAreWhatTheCallSiteWouldSee(Jdks.Jdk jdk) throws Exception {
        try (ForkedService svc = ForkedService.builder(jdk).start()) {
            String id = svc.add("error on=connect port=" + port);
            for (String client : HTTP_CLIENTS) {
                Answer a = call(svc, client + " " + url("/"));
                assertTrue(a.failed() && a.line().contains("Connect"), client + " under error on=connect: " + a);
            }
            assertTrue(svc.remove(id));
            svc.add("error on=read port=" + port);
            for (String client : HTTP_CLIENTS) {
                Answer a = call(svc, client + " " + url("/"));
                // the JDK HttpClient reports a reset connection in its own words ("header parser received no bytes")
                boolean faithful = a.line().toLowerCase(Locale.ROOT).contains("reset") || client.equals("jdk-http");
                assertTrue(a.failed() && faithful, client + " under error on=read: " + a);
            }
            svc.clear();
            svc.add("error on=write port=" + port + " exception=java.io.IOException message=injected-write-failure");
            Answer w = call(svc, "read 127.0.0.1 " + port + " 5000"); // a raw socket sees our exception itself
            assertTrue(w.failed() && w.line().contains("injected-write-failure"), "custom exception on write: " + w);
            svc.clear();
            for (String client : HTTP_CLIENTS) {
                Answer a = call(svc, client + " " + url("/"));
                assertTrue(a.ok(), client + " after clear(): " + a);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void hangFailsAsTheSocketsOwnTimeoutAndThrottleLimitsBytes(Jdks.Jdk jdk) throws Exception {
        try (ForkedService svc = ForkedService.builder(jdk).start()) {
            svc.add("hang on=read port=" + port);
            Answer a = call(svc, "urlconn " + url("/") + " 600");
            assertTrue(
                    a.failed()
                            && a.line().contains("SocketTimeoutException")
                            && a.line().contains("Read timed out")
                            && a.tookAtLeast(600)
                            && a.millis() < 5000,
                    "hang with a 600 ms read timeout: " + a);
            svc.clear();
            svc.add("hang on=connect port=" + port);
            Answer c = call(svc, "connect 127.0.0.1 " + port + " 500");
            assertTrue(
                    c.failed()
                            && c.line().contains("SocketTimeoutException")
                            && c.line().contains("Connect timed out")
                            && c.tookAtLeast(500),
                    "hang on connect with a 500 ms timeout: " + c);
            svc.clear();
            svc.add("hang on=read port=" + port + " for=800ms");
            Answer nio = call(svc, "jdk-http " + url("/"));
            assertTrue(nio.failed() && nio.tookAtLeast(800), "hang for=800ms on the NIO client: " + nio);
            svc.clear();

            Answer fast = call(svc, "urlconn " + url("/big"));
            svc.add("throttle on=read port=" + port + " rate=256kb");
            Answer slow = call(svc, "urlconn " + url("/big"));
            // 256 KiB at 256 KiB/s: about a second, against a few ms unthrottled
            assertTrue(
                    slow.ok() && slow.tookAtLeast(800),
                    "throttled 256 KiB at 256kb/s: " + slow + " (unthrottled: " + fast + ")");
            svc.clear();
            Answer after = call(svc, "urlconn " + url("/big"));
            assertTrue(after.ok() && after.millis() < 800, "after clear(): " + after);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void postgresAndRedisClientsAreReachedWithoutKnowingThem(Jdks.Jdk jdk) throws Exception {
        TestServers.require("PostgreSQL", "127.0.0.1", 5432);
        TestServers.require("Redis", "127.0.0.1", 6379);
        String jdbc = "jdbc jdbc:postgresql://127.0.0.1:5432/faultline faultline faultline";
        try (ForkedService svc = ForkedService.builder(jdk).start()) {
            assertTrue(call(svc, jdbc).ok(), "baseline query");
            svc.add("latency on=connect port=5432 delay=600ms");
            Answer slow = call(svc, jdbc);
            assertTrue(slow.ok() && slow.tookAtLeast(600), "JDBC under connect latency: " + slow);
            svc.clear();
            svc.add("error on=read port=5432 probability=1.0");
            Answer err = call(svc, jdbc);
            assertTrue(err.failed() && err.line().contains("SocketException"), "JDBC under read errors: " + err);
            svc.clear();
            Answer back = call(svc, jdbc);
            assertTrue(back.ok() && back.millis() < 600, "JDBC after clear(): " + back);

            assertTrue(call(svc, "redis 127.0.0.1 6379").ok());
            svc.add("error on=connect port=6379");
            Answer r = call(svc, "redis 127.0.0.1 6379");
            assertTrue(r.failed() && r.line().contains("Connect"), "Redis under connect error: " + r);
            svc.clear();
            assertTrue(call(svc, "redis 127.0.0.1 6379").ok(), "Redis after clear()");
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void dnsFaultsHitNamesNotOtherLookups(Jdks.Jdk jdk) throws Exception {
        try (ForkedService svc = ForkedService.builder(jdk).start()) {
            svc.add("error on=dns host=*.internal");
            Answer a = call(svc, "resolve db.internal");
            assertTrue(a.failed() && a.line().contains("UnknownHostException: db.internal"), "dns error: " + a);
            assertTrue(call(svc, "resolve localhost").ok(), "other names resolve");
            svc.clear();
            svc.add("error on=dns host=*.internal exception=java.net.ConnectException message=forced force=true");
            Answer forced = call(svc, "resolve db.internal");
            assertTrue(
                    forced.failed() && forced.line().contains("ConnectException: forced"),
                    "another IOException with force=true: " + forced);
            svc.clear();
            svc.add("latency on=dns host=localhost delay=300ms");
            Answer slow = call(svc, "resolve localhost");
            assertTrue(slow.ok() && slow.tookAtLeast(300), "dns latency: " + slow);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void delayedThreadsKeepTheirInterruptAndVirtualThreadsWork(Jdks.Jdk jdk) throws Exception {
        try (ForkedService svc = ForkedService.builder(jdk).start()) {
            svc.add("latency on=connect port=" + port + " delay=5s");
            Answer a = call(svc, "interrupt 127.0.0.1 " + port);
            assertTrue(
                    a.ok() && a.line().contains("interruptKept=true") && a.millis() < 4000,
                    "interrupted during latency: " + a);
            svc.clear();
            if (jdk.feature() >= 21) {
                svc.add("latency on=connect port=" + port + " delay=400ms");
                Answer v = call(svc, "vthread jdk-http " + url("/"));
                assertTrue(
                        v.ok() && v.line().contains("virtual=true") && v.tookAtLeast(400),
                        "virtual thread under latency: " + v);
                Answer par = call(svc, "vthread par 40 20 connect 127.0.0.1 " + port + " 5000");
                assertTrue(par.ok() && par.line().contains("errors=0"), "40 delayed connects: " + par);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void serverSideConnectionsAreFaultedByTheirLocalPort(Jdks.Jdk jdk) throws Exception {
        try (ForkedService svc = ForkedService.builder(jdk).start()) {
            Answer served = call(svc, "serve");
            int own = Integer.parseInt(served.detail().substring("port:".length()));
            HttpClient client = HttpClient.newHttpClient(); // the test JVM: no agent
            URI uri = URI.create("http://127.0.0.1:" + own + "/");
            client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            svc.add("latency on=write port=" + own + " delay=500ms");
            long t0 = System.nanoTime();
            String body = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(body.equals("served") && ms >= 495, "the service's own responses are delayed: " + ms + " ms");
            svc.clear();
            svc.add("error on=read port=" + own);
            HttpClient fresh = HttpClient.newHttpClient();
            Assertions.assertThrows(
                    IOException.class,
                    () -> fresh.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()),
                    "the service resets the requests it reads");
            svc.clear();
            assertEquals(
                    "served",
                    HttpClient.newHttpClient()
                            .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
                            .body());
        }
    }
}
