package dev.faultline.agent.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.agent.it.ForkedService;
import dev.faultline.agent.it.Jdks;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.management.RuntimeMBeanException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #24: gRPC faults inside the service, on grpc-java's server and client (grpc-netty-shaded). One forked
 * service per JDK ({@link GrpcProbeApp}, the built agent jar loaded with {@code -javaagent}) hosts the server under
 * test and makes the client calls under test; their peer, the same app, runs here in the test JVM, which has no
 * agent, and reports what a real grpc-java peer saw: the status code and description of its
 * {@code StatusRuntimeException}, and whether the service method ran at all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcFaultsIT {
    @RegisterExtension
    final ForksPerJdk forks = new ForksPerJdk();

    GrpcProbeApp peer;

    @BeforeAll
    void peer() throws Exception {
        peer = new GrpcProbeApp();
    }

    List<Jdks.Jdk> jdks() {
        return Jdks.all();
    }

    ForkedService fork(Jdks.Jdk jdk) throws Exception {
        return forks.of(
                jdk,
                () -> ForkedService.builder(jdk)
                        .main(GrpcProbeApp.class.getName())
                        .readyLine("READY")
                        .start());
    }

    @AfterAll
    void stop() throws Exception {
        if (peer != null) peer.close();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void serverClosesOneMethodWithTheStatusWithoutRunningIt(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        String port = f.send("port");
        f.send("handled");
        f.add("error on=grpc-server status=UNAVAILABLE service=checkout.v1.Checkout method=Place"
                + " message=\"injected by faultline\"");

        String place = peer.call(port, "Place", 20, 5000);
        assertTrue(
                place.contains("codes={UNAVAILABLE=20}") && place.contains("description=injected_by_faultline"),
                "the client's StatusRuntimeException carries the status and message: " + place);
        assertTrue(peer.call(port, "Get", 10, 5000).contains("codes={OK=10}"), "another method is untouched");
        assertEquals("Get=10 Place=0", f.send("handled"), "the service method never ran for an injected call");
        String line = Arrays.stream(f.list())
                .filter(l -> l.contains("on=grpc-server"))
                .findFirst()
                .orElseThrow();
        assertTrue(line.contains("injected=20 ") && line.contains("matched=20 "), "list() counts the calls: " + line);

        f.clear();
        assertTrue(peer.call(port, "Place", 5, 5000).contains("codes={OK=5}"), "clear() restores");
        assertEquals("Get=0 Place=5", f.send("handled"));
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void bothSidesOnTheInProcessTransport(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        f.send("handled");
        f.add("error on=grpc-server status=PERMISSION_DENIED method=Place limit=3");
        String server = f.send("call " + GrpcProbeApp.IN_PROCESS + " Place 5 5000");
        assertTrue(server.contains("codes={OK=2, PERMISSION_DENIED=3}"), "limit=3 on the server: " + server);
        assertEquals("Get=0 Place=2", f.send("handled"));
        f.clear();
        f.add("error on=grpc-client status=UNAVAILABLE method=Get every=2");
        String client = f.send("call " + GrpcProbeApp.IN_PROCESS + " Get 4 5000");
        assertTrue(client.contains("codes={OK=2, UNAVAILABLE=2}"), "every=2 on the client: " + client);
        assertEquals("Get=2 Place=0", f.send("handled"));
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void serverStatusAtTheGatesRate(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        String port = f.send("port");
        f.send("handled");
        f.add("error on=grpc-server status=RESOURCE_EXHAUSTED method=P* probability=0.1 seed=24");
        Map<String, Long> seen = HttpFaultsIT.codes(peer.call(port, "Place", 1000, 5000));
        long injected = seen.getOrDefault("RESOURCE_EXHAUSTED", 0L);
        assertTrue(injected >= 70 && injected <= 130, "probability=0.1 over 1000 calls: " + seen);
        assertEquals(1000 - injected, seen.get("OK"), seen.toString());
        assertEquals("Get=0 Place=" + (1000 - injected), f.send("handled"));
        assertTrue(f.list()[0].contains("injected=" + injected + " "), f.list()[0]);
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void serverLatencyPastTheDeadlineIsDeadlineExceeded(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        String port = f.send("port");
        f.add("latency on=grpc-server delay=2s method=Place");
        String late = peer.call(port, "Place", 1, 500);
        assertTrue(late.contains("codes={DEADLINE_EXCEEDED=1}"), "past the client's deadline: " + late);
        assertTrue(HttpFaultsIT.counts(late).get("maxMs") < 1500, "at the deadline, not after the delay: " + late);
        String slow = peer.call(port, "Place", 1, 10_000);
        assertTrue(slow.contains("codes={OK=1}") && HttpFaultsIT.counts(slow).get("maxMs") >= 1985, slow);
        String other = peer.call(port, "Get", 1, 10_000);
        assertTrue(HttpFaultsIT.counts(other).get("maxMs") < 1985, "another method is not delayed: " + other);
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void clientCallFailsWithTheStatusWithoutLeaving(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        peer.takeHandled();
        f.add("error on=grpc-client status=UNAVAILABLE service=checkout.* method=Place message=injected");
        String place = f.send("call " + peer.port() + " Place 20 5000");
        assertTrue(
                place.contains("codes={UNAVAILABLE=20}") && place.contains("description=injected"),
                "the client's own StatusRuntimeException: " + place);
        assertTrue(f.send("call " + peer.port() + " Get 10 5000").contains("codes={OK=10}"), "another method");
        assertEquals("Get=10 Place=0", peer.takeHandled(), "no injected call reached the server");
        assertTrue(f.list()[0].contains("injected=20 ") && f.list()[0].contains("matched=20 "), f.list()[0]);

        f.clear();
        assertTrue(f.send("call " + peer.port() + " Place 5 5000").contains("codes={OK=5}"), "clear() restores");
        assertEquals("Get=0 Place=5", peer.takeHandled());

        RuntimeMBeanException refused = assertThrows(
                RuntimeMBeanException.class, () -> f.add("error on=grpc-client port=" + peer.port() + " method=Place"));
        assertTrue(
                refused.getCause().getMessage().contains("host= and port= are not supported on gRPC hooks"),
                "a selector the hook cannot honour is refused, not silently never matched: " + refused.getCause());
        assertEquals(0, f.list().length);
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void clientLatencyPastTheDeadlineIsDeadlineExceeded(Jdks.Jdk jdk) throws Exception {
        ForkedService f = fork(jdk);
        peer.takeHandled();
        f.add("latency on=grpc-client delay=3s method=Get");
        String late = f.send("call " + peer.port() + " Get 1 500");
        assertTrue(late.contains("codes={DEADLINE_EXCEEDED=1}"), "past the call's deadline: " + late);
        assertTrue(HttpFaultsIT.counts(late).get("maxMs") < 2500, "at the deadline, not after the delay: " + late);
        assertEquals("Get=0 Place=0", peer.takeHandled(), "the late call never reached the server");
        String slow = f.send("call " + peer.port() + " Get 1 10000");
        assertTrue(slow.contains("codes={OK=1}") && HttpFaultsIT.counts(slow).get("maxMs") >= 2970, slow);
    }
}
