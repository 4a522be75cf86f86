package dev.faultline.agent.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.agent.bootstrap.Action;
import dev.faultline.agent.bootstrap.Effect;
import dev.faultline.agent.bootstrap.FaultSpec;
import dev.faultline.agent.bootstrap.Hook;
import dev.faultline.agent.bootstrap.Where;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The protocol faults' words (issue #24): the contract's examples, what they match, and every refusal. */
class ProtocolSpecTest {
    @Test
    void httpServerStatusWithHeadersAndBody() {
        FaultSpec s = SpecParser.parse("error on=http-server status=503 path=/checkout method=POST probability=0.1"
                + " body=\"try later\" header=Retry-After:5 header=X-Fault:on seed=7");
        assertEquals(Hook.HTTP_SERVER, s.where().hook());
        assertEquals(Action.ERROR, s.action());
        Effect.HttpStatus e = (Effect.HttpStatus) s.effect();
        assertEquals(503, e.status());
        assertEquals("try later", e.body());
        assertEquals(List.of("Retry-After:5", "X-Fault:on"), e.headers());
        assertEquals("Retry-After", e.headerName(0));
        assertEquals("5", e.headerValue(0));
        assertEquals(0.1, s.gates().probability());
        assertEquals(
                "error on=http-server method=POST path=/checkout status=503 body=\"try later\""
                        + " header=Retry-After:5 header=X-Fault:on probability=0.1 ttl=10m seed=7",
                s.canonical());
        // the canonical form is itself a spec that means the same
        assertEquals(s.canonical(), SpecParser.parse(s.canonical()).canonical());
    }

    @Test
    void httpServerMatchesVerbAndPathGlob() {
        Where w = SpecParser.parse("error on=http-server status=503 path=/checkout method=post")
                .where();
        assertTrue(w.matchesHttp("POST", "/checkout", null, 8080));
        assertFalse(w.matchesHttp("GET", "/checkout", null, 8080), "another verb");
        assertFalse(w.matchesHttp("POST", "/checkout/items", null, 8080), "another path");
        Where api = SpecParser.parse("latency on=http-server delay=300ms path=/api/*")
                .where();
        assertTrue(api.matchesHttp("GET", "/api/orders/7", null, 80));
        assertFalse(api.matchesHttp("GET", "/health", null, 80));
        assertEquals(
                300_000_000L,
                ((Effect.Latency) SpecParser.parse("latency on=http-server delay=300ms path=/api/*")
                                .effect())
                        .delayNanos());
    }

    @Test
    void httpClientResponseOrFailure() {
        FaultSpec s = SpecParser.parse("error on=http-client status=503 host=payments.internal path=/v1/*");
        assertEquals(503, ((Effect.HttpStatus) s.effect()).status());
        assertTrue(s.where().matchesHttp("GET", "/v1/charge", "payments.internal", 443));
        assertFalse(s.where().matchesHttp("GET", "/v1/charge", "orders.internal", 443), "another host");
        FaultSpec port = SpecParser.parse("error on=http-client status=429 port=8443");
        assertTrue(port.where().matchesHttp("GET", "/", "x", 8443));
        assertFalse(port.where().matchesHttp("GET", "/", "x", 8080));

        FaultSpec f = SpecParser.parse("error on=http-client exception=java.net.SocketTimeoutException path=/v1/*");
        assertEquals("java.net.SocketTimeoutException", ((Effect.Failure) f.effect()).exception());
        assertNull(((Effect.Failure)
                        SpecParser.parse("error on=http-client host=a.b").effect())
                .exception());
    }

    @Test
    void serverErrorDefaultsTo503() {
        assertEquals(
                503,
                ((Effect.HttpStatus) SpecParser.parse("error on=http-server").effect()).status());
    }

    @Test
    void grpcStatusServiceAndMethod() {
        FaultSpec s = SpecParser.parse("error on=grpc-server status=UNAVAILABLE service=checkout.v1.Checkout"
                + " method=Place message=\"injected\"");
        Effect.GrpcStatus e = (Effect.GrpcStatus) s.effect();
        assertEquals("UNAVAILABLE", e.status());
        assertEquals("injected", e.message());
        assertTrue(s.where().matchesGrpc("checkout.v1.Checkout/Place", null, 0));
        assertFalse(s.where().matchesGrpc("checkout.v1.Checkout/Cancel", null, 0), "another method");
        assertFalse(s.where().matchesGrpc("checkout.v2.Checkout/Place", null, 0), "another service");

        FaultSpec c = SpecParser.parse("error on=grpc-client status=deadline_exceeded service=checkout.* method=P*");
        assertEquals("DEADLINE_EXCEEDED", ((Effect.GrpcStatus) c.effect()).status());
        assertTrue(c.where().matchesGrpc("checkout.v1.Checkout/Place", "localhost", 50051));
        assertEquals(
                "UNAVAILABLE",
                ((Effect.GrpcStatus) SpecParser.parse("error on=grpc-client").effect()).status());
        assertEquals(
                Hook.GRPC_SERVER,
                SpecParser.parse("latency on=grpc-server delay=2s").where().hook());
    }

    @Test
    void everyGateApplies() {
        FaultSpec s = SpecParser.parse(
                "error on=http-server status=500 every=3 limit=10 after=1s ttl=2m seed=42 probability=0.5");
        assertEquals(3, s.gates().every());
        assertEquals(10, s.gates().limit());
        assertEquals(1_000_000_000L, s.gates().afterNanos());
        assertEquals(120_000_000_000L, s.gates().ttlNanos());
        assertEquals(42L, s.gates().seed());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "error on=read status=503|status= belongs to on=http-server",
                "error on=connect body=x|body= belongs to on=http-server",
                "error on=http-server status=UNAVAILABLE|a gRPC status on an HTTP hook",
                "error on=http-client status=unavailable|a gRPC status on an HTTP hook",
                "error on=grpc-server status=503|an HTTP status on a gRPC hook",
                "error on=grpc-client status=NOPE|not a gRPC status",
                "error on=grpc-client status=OK|not a failure",
                "latency on=http-server delay=1s body=x|latency only delays the call; body= goes with error status=",
                "latency on=http-server delay=1s status=503|latency only delays the call",
                "latency on=grpc-client delay=1s header=A:b|latency only delays the call",
                "error on=http-server status=99|from 200 to 599",
                "error on=http-server status=600|from 200 to 599",
                "error on=http-server status=five|a number from 200 to 599",
                "error on=http-server status=503 header=Retry-After|expected Name:value",
                "error on=http-server status=503 header=:5|expected Name:value",
                "error on=http-server status=503 exception=java.io.IOException|exception= is for on=http-client",
                "error on=http-client status=503 exception=java.io.IOException|not both",
                "error on=http-client body=x|without status=",
                "error on=http-client status=503 message=m|takes body=",
                "error on=grpc-server status=UNAVAILABLE body=x|carries message=",
                "error on=grpc-server path=/x|not a path",
                "error on=http-server service=a.B|names a gRPC service",
                "error on=http-server host=a.b|select them by port=",
                "error on=http-server method=/checkout|the HTTP verb",
                "error on=http-server path=checkout|starts with /",
                "latency on=grpc-* delay=1s|name one side, on=grpc-server or on=grpc-client",
                "latency on=http-* delay=1s|name one side, on=http-server or on=http-client",
                "hang on=http-server|not a protocol fault",
                "throttle on=http-client rate=1kb|throttle works on=read or on=write",
                "error on=https-server|unknown hook",
                "error on=grpc-server class=a.B|not a key of error on=grpc-server",
            })
    void badCombinationsAreRefusedByName(String spec, String expected) {
        SpecException e = assertThrows(SpecException.class, () -> SpecParser.parse(spec));
        assertTrue(e.getMessage().contains(expected), spec + " → " + e.getMessage());
    }

    @Test
    void networkHooksStayNetworkOnly() {
        assertTrue(Hook.READ.isNetwork());
        assertFalse(Hook.HTTP_SERVER.isNetwork(), "NetworkFaults must not take protocol faults");
        assertEquals("grpc-client", Hook.GRPC_CLIENT.word());
        assertEquals(Hook.HTTP_CLIENT, Hook.ofWord("HTTP-Client"));
    }
}
