package dev.faultline.agent.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.agent.bootstrap.Action;
import dev.faultline.agent.bootstrap.Effect;
import dev.faultline.agent.bootstrap.FaultSpec;
import dev.faultline.agent.bootstrap.Glob;
import dev.faultline.agent.bootstrap.Hook;
import dev.faultline.agent.bootstrap.HostSelector;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecParserTest {
    @Test
    void designExamplesParse() {
        FaultSpec a = SpecParser.parse(
                "latency on=connect host=db.internal port=5432 delay=300ms jitter=50ms probability=0.5");
        assertEquals(Action.LATENCY, a.action());
        assertEquals(Hook.CONNECT, a.where().hook());
        assertEquals(300_000_000L, ((Effect.Latency) a.effect()).delayNanos());
        assertEquals(50_000_000L, ((Effect.Latency) a.effect()).jitterNanos());
        assertEquals(0.5, a.gates().probability());
        assertTrue(a.where().port().contains(5432) && !a.where().port().contains(5433));
        assertEquals(FaultSpec.DEFAULT_TTL_NANOS, a.gates().ttlNanos(), "ttl defaults to 10 minutes");

        FaultSpec b =
                SpecParser.parse("error   on=read port=6379 exception=java.net.SocketTimeoutException every=10 ttl=2m");
        assertEquals("java.net.SocketTimeoutException", ((Effect.Failure) b.effect()).exception());
        assertEquals(10, b.gates().every());
        assertEquals(120_000_000_000L, b.gates().ttlNanos());

        FaultSpec c = SpecParser.parse(
                "error on=method class=com.acme.PaymentClient method=charge exception=java.io.IOException message=boom");
        assertEquals("com.acme.PaymentClient", c.where().classPattern());
        assertEquals("boom", ((Effect.Failure) c.effect()).message());

        FaultSpec d = SpecParser.parse("latency on=method class=java.sql.Statement+ method=execute* delay=1s");
        assertEquals("java.sql.Statement+", d.where().classPattern());

        FaultSpec e = SpecParser.parse("halt code=137 after=30s");
        assertNull(e.where().hook());
        assertEquals(137, ((Effect.ProcessEnd) e.effect()).code());
        assertEquals(30_000_000_000L, e.gates().afterNanos());
    }

    @Test
    void quotedValuesAndNoExpiry() {
        FaultSpec s =
                SpecParser.parse("error on=read message=\"card network down\" ttl=0 seed=7 limit=3 port=8000-8099");
        assertEquals("card network down", ((Effect.Failure) s.effect()).message());
        assertEquals(0, s.gates().ttlNanos());
        assertEquals(7L, s.gates().seed());
        assertEquals(3, s.gates().limit());
        assertTrue(s.where().port().contains(8050));
        assertTrue(s.canonical().contains("message=\"card network down\""), s.canonical());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "''                                          | empty spec",
                "'\"\"'                                        | empty spec",
                "'\"\" \"\"'                                  | empty spec",
                "explode on=read                             | 'explode'",
                "latency delay=1s                            | needs on=",
                "latency on=connect                          | needs delay=",
                "latency on=connect delay=300                | delay=300",
                "latency on=connect delay=-5ms               | delay=-5ms",
                "latency on=connect delay=1s jitter=2s       | jitter=2s",
                "latency on=connect delay=1s delay=2s        | 'delay' given twice",
                "latency on=conect delay=1s                  | on=conect",
                "error on=read port=70000                    | port=70000",
                "error on=read port=9-1                      | port=9-1",
                "error on=read probability=1.5               | probability=1.5",
                "error on=read every=0                       | every=0",
                "error on=read limit=many                    | limit=many",
                "error on=read delay=1s                      | 'delay=1s'",
                "error on=dns port=53                        | 'port=53'",
                "error on=read host=10.0.0.0/40              | host=10.0.0.0/40",
                "error on=read exception=not-a-class         | exception=not-a-class",
                "throttle on=connect rate=1kb                | on=connect",
                "throttle on=read                            | rate=",
                "halt on=read                                | on=read",
                "exit code=300                               | code=300",
                "exit code=4294967296                        | code=4294967296",
                "stress cpu=4294967297 for=1s                | cpu=4294967297",
                "error on=read ttl=0.0001us                  | ttl=0.0001us",
                "error on=read after=10m                     | after=10m",
                "error on=read after=2s ttl=1s               | after=2s",
                "stress cpu=2                                | for=",
                "stress memory=-1mb for=1s                   | memory=-1mb",
                "stress memory=0mb for=1s                    | memory=0mb",
                "stress for=1s                               | cpu=<threads> or memory=",
                "error on=method class=com.acme.X            | class= and method=",
                "error on=read message=\"open                | unterminated quote",
                "error on=read junk                          | 'junk'",
            })
    void badSpecsAreRefusedNamingTheToken(String spec, String named) {
        SpecException e = assertThrows(SpecException.class, () -> SpecParser.parse(spec));
        assertTrue(e.getMessage().contains(named), e.getMessage());
    }

    /** One duration grammar with the sidecar: ttl=1m30s was refused here while --duration 1m30s worked there. */
    @Test
    void compoundDurationsAsInTheSidecar() {
        assertEquals(
                90_000_000_000L,
                SpecParser.parse("error on=read ttl=1m30s").gates().ttlNanos());
        assertEquals(
                1_500_000_000L,
                ((Effect.Latency) SpecParser.parse("latency on=read delay=1s500ms")
                                .effect())
                        .delayNanos());
    }

    /** Found by HostileSpecsIT: a lone NUL or ESC was trimmed to nothing and then indexed (IndexOutOfBounds). */
    @Test
    void controlCharactersAreRefusedWithTheirPosition() {
        for (String spec :
                new String[] {"\u0000", "\u001b", "latency on=read delay=1ms message=a\u0000b", "error\non=read"}) {
            SpecException e = assertThrows(SpecException.class, () -> SpecParser.parse(spec));
            assertTrue(e.getMessage().startsWith("control character U+00"), e.getMessage());
        }
        assertEquals(
                "latency",
                SpecParser.parse("latency\ton=read\tdelay=1ms").action().word(),
                "a tab separates like a space");
    }

    @Test
    void hostSelectors() throws Exception {
        InetAddress ten = InetAddress.getByName("10.1.2.3");
        assertTrue(HostSelector.parse("10.0.0.0/8").matches(ten, null));
        assertFalse(HostSelector.parse("10.0.0.0/16").matches(ten, null));
        assertTrue(HostSelector.parse("10.1.*").matches(ten, null));
        assertTrue(HostSelector.parse("*.internal").matches(InetSocketAddress.createUnresolved("db.INTERNAL", 5432)));
        assertFalse(HostSelector.parse("*.internal").matches(InetSocketAddress.createUnresolved("db.external", 5432)));
        assertTrue(HostSelector.parse("fd00::/8").matches(InetAddress.getByName("fd12::1"), null));
        assertFalse(HostSelector.parse("fd00::/8").matches(InetAddress.getByName("fe80::1"), null));
        assertTrue(HostSelector.parse("db?.internal").matchesName("db1.internal"));
        assertTrue(HostSelector.parse("0.0.0.0/0").matches(ten, null));
        assertTrue(
                HostSelector.parse("::1").matches(InetAddress.getByName("0:0:0:0:0:0:0:1"), null),
                "an IPv6 literal as written");
        assertTrue(HostSelector.parse("[fd12::1]").matches(InetAddress.getByName("fd12:0::1"), null));
        assertFalse(HostSelector.parse("::1").matches(InetAddress.getByName("::2"), null));
    }

    @Test
    void globs() {
        assertTrue(Glob.matches("execute*", "executeQuery"));
        assertTrue(Glob.matches("*", ""));
        assertTrue(Glob.matches("a*b*c", "aXXbYYc"));
        assertFalse(Glob.matches("a*b*c", "aXXbYY"));
        assertTrue(Glob.matches("get?", "getX"));
        assertFalse(Glob.matches("get?", "get"));
    }
}
