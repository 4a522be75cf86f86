package dev.faultline.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What an experiment arms is leased: ttl= and --duration no longer than the lease, ttl=0 never. */
class LeasesTest {
    static final Duration LEASE = Duration.ofSeconds(90);

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "latency on=connect delay=1s          | latency on=connect delay=1s ttl=90s",
                "latency on=connect delay=1s ttl=30s  | latency on=connect delay=1s ttl=30s",
                "latency on=connect delay=1s ttl=10m  | latency on=connect delay=1s ttl=90s",
                "latency on=connect delay=1s ttl=0    | latency on=connect delay=1s ttl=90s",
                "halt code=137 after=5s               | halt code=137 after=5s ttl=90s"
            })
    void agentSpecs(String given, String leased) {
        assertEquals(leased, String.join(" ", Leases.agentSpec(List.of(given.split(" ")), LEASE)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "netem --duration 10m rate --rate 1mbit app        | netem --duration 90s rate --rate 1mbit app",
                "netem --duration 1m rate --rate 1mbit app         | netem --duration 1m rate --rate 1mbit app",
                "pause --duration=1h app                           | pause --duration=90s app",
                "pause app                                         | pause --duration 90s app",
                "--label app=x --random iptables loss --every 2 re2:^a | --label app=x --random iptables --duration 90s loss --every 2 re2:^a",
                "kill --signal SIGKILL app                         | kill --signal SIGKILL app",
                "--interval 10s --limit 3 kill app                 | --interval 10s --limit 3 kill app",
                "--namespace prod netem --duration 1h rate -r 1 x  | --namespace prod netem --duration 90s rate -r 1 x",
                "netem -d 1h delay --time 100 app                  | netem -d 90s delay --time 100 app",
                "--runtime cri netem rate -r 1mbit ns/p/c   | --runtime cri netem --duration 90s rate -r 1mbit ns/p/c",
                "--runtime=cri --label=a=b pause -d1h app          | --runtime=cri --label=a=b pause -d90s app",
                "pause app --duration 2h                           | pause app --duration 90s",
                "iptables -d 1h loss -d 10.0.0.1 --every 2 app     | iptables -d 90s loss -d 10.0.0.1 --every 2 app",
                "--interval=1s --limit=3 netem --duration=5m rate x | --interval=1s --limit=3 netem --duration=90s rate x",
                "netem -i eth0 -d5m rate -r 1 x                    | netem -i eth0 -d90s rate -r 1 x"
            })
    void sidecarCommands(String given, String leased) {
        assertEquals(leased, String.join(" ", Leases.sidecarCommand(List.of(given.split(" ")), LEASE)));
    }

    @Test
    void aRepeatingScheduleWithoutALimitCannotBeLeased() {
        assertThrows(
                IllegalArgumentException.class,
                () -> Leases.sidecarCommand(List.of("--interval", "10s", "kill", "app"), LEASE));
        assertThrows(
                IllegalArgumentException.class,
                () -> Leases.sidecarCommand(List.of("--interval=1s", "kill", "app"), LEASE));
    }

    /** An option or verb the sidecar's grammar does not have is refused, never passed on unleased. */
    @Test
    void wordsTheSidecarsGrammarDoesNotHaveAreRefused() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Leases.sidecarCommand(List.of("--frobnicate", "x", "netem", "-d", "1h", "rate", "app"), LEASE));
        assertEquals("the sidecar has no option --frobnicate before its verb", e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> Leases.sidecarCommand(List.of("stress", "--duration", "1h", "app"), LEASE));
        assertTrue(
                e.getMessage().startsWith("the sidecar has no verb stress (it has kill, stop, pause"), e.getMessage());
    }

    @Test
    void anAgentSpecLastsItsTtl() {
        assertEquals(Duration.ofSeconds(30), Leases.ttl(List.of("latency", "delay=1s", "ttl=30s")));
        assertEquals(null, Leases.ttl(List.of("latency", "delay=1s", "ttl=0")));
        assertEquals(null, Leases.ttl(List.of("latency", "delay=1s")));
    }

    @Test
    void roundedUpToWholeSeconds() {
        assertEquals("2s", Leases.format(Duration.ofMillis(1001)));
        assertEquals("1s", Leases.format(Duration.ZERO));
    }
}
