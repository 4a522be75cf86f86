package dev.faultline.samples.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.faultline.samples.fleet.Ports;
import dev.faultline.samples.load.LoadGenerator;
import dev.faultline.samples.load.LoadReport;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The gateway against real HTTP servers on loopback: healthy, slow, failing and absent replicas. */
class RoundRobinGatewayTest {

    private final List<HttpServer> servers = new ArrayList<>();

    /** A replica that answers {@code status} after {@code delayMillis}, counting the calls it gets. */
    private URI replica(int status, long delayMillis, AtomicInteger calls) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", ex -> {
            calls.incrementAndGet();
            try (ex) {
                Thread.sleep(delayMillis);
                byte[] body = "hi".getBytes();
                ex.sendResponseHeaders(status, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        servers.add(server);
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stopServers() {
        servers.forEach(s -> s.stop(0));
    }

    @Test
    void spreadsRequestsEvenlyOverHealthyReplicas() throws IOException {
        AtomicInteger a = new AtomicInteger(), b = new AtomicInteger(), c = new AtomicInteger();
        try (RoundRobinGateway gateway = new RoundRobinGateway(
                        List.of(replica(200, 0, a), replica(200, 0, b), replica(200, 0, c)), Duration.ofMillis(500));
                LoadGenerator load =
                        new LoadGenerator(URI.create(gateway.uri() + "/hello"), 60, Duration.ofSeconds(2))) {
            LoadReport report = load.run(Duration.ofSeconds(2));
            assertEquals(1.0, report.successRate(), "all replicas healthy: " + report);
            assertEquals(0, gateway.retries());
            int n = report.requests();
            for (AtomicInteger calls : List.of(a, b, c)) {
                assertTrue(Math.abs(calls.get() - n / 3.0) <= 1, "round robin: " + a + "/" + b + "/" + c + " of " + n);
            }
        }
    }

    @Test
    void oneRetryOnAnotherReplicaAbsorbsDeadFailingAndSlowReplicas() throws IOException {
        AtomicInteger ok = new AtomicInteger(), failing = new AtomicInteger(), slow = new AtomicInteger();
        URI dead = URI.create("http://127.0.0.1:" + Ports.free()); // nothing listens there
        // Each bad replica is followed by a healthy one, so every retry lands on a healthy replica.
        try (RoundRobinGateway gateway = new RoundRobinGateway(
                        List.of(
                                replica(200, 0, ok),
                                dead,
                                replica(200, 0, ok),
                                replica(503, 0, failing),
                                replica(200, 0, ok),
                                replica(200, 2_000, slow),
                                replica(200, 0, ok)),
                        Duration.ofMillis(300));
                LoadGenerator load =
                        new LoadGenerator(URI.create(gateway.uri() + "/hello"), 70, Duration.ofSeconds(3))) {
            LoadReport report = load.run(Duration.ofSeconds(2));
            assertEquals(1.0, report.successRate(), "every failure retried on a healthy replica: " + report);
            long expectedRetries = Math.round(report.requests() * 3 / 7.0);
            assertTrue(
                    Math.abs(gateway.retries() - expectedRetries) <= 2,
                    "3 of 7 first tries fail: expected ~" + expectedRetries + " retries, got " + gateway.retries());
            assertTrue(gateway.timeouts() > 0 && slow.get() > 0, "the slow replica was tried and timed out");
            assertTrue(failing.get() > 0);
            assertTrue(report.p99Millis() >= 300, "a timed-out first try costs the timeout: p99 " + report.p99Millis());
        }
    }

    @Test
    void withOneReplicaDownAndNoOtherTheCallerSeesTheFailure() throws IOException {
        URI dead = URI.create("http://127.0.0.1:" + Ports.free());
        try (RoundRobinGateway gateway = new RoundRobinGateway(List.of(dead), Duration.ofMillis(300));
                LoadGenerator load =
                        new LoadGenerator(URI.create(gateway.uri() + "/hello"), 20, Duration.ofSeconds(2))) {
            LoadReport report = load.run(Duration.ofSeconds(1));
            assertEquals(0.0, report.successRate(), "nothing to fail over to: " + report);
            assertEquals(report.requests(), gateway.retries(), "each request retried once, on the same only replica");
        }
    }
}
