package dev.faultline.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What an experiment arms is leased: ttl= and --duration no longer than the lease, ttl=0 never. */
class LeasesTest {
    static final Duration LEASE = Duration.ofSeconds(90);

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "latency on=connect delay=1s          | latency on=connect delay=1s ttl=90s",
            "latency on=connect delay=1s ttl=30s  | latency on=connect delay=1s ttl=30s",
            "latency on=connect delay=1s ttl=10m  | latency on=connect delay=1s ttl=90s",
            "latency on=connect delay=1s ttl=0    | latency on=connect delay=1s ttl=90s",
            "halt code=137 after=5s               | halt code=137 after=5s ttl=90s"})
    void agentSpecs(String given, String leased) {
        assertEquals(leased, String.join(" ", Leases.agentSpec(List.of(given.split(" ")), LEASE)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "netem --duration 10m rate --rate 1mbit app        | netem --duration 90s rate --rate 1mbit app",
            "netem --duration 1m rate --rate 1mbit app         | netem --duration 1m rate --rate 1mbit app",
            "pause --duration=1h app                           | pause --duration=90s app",
            "pause app                                         | pause --duration 90s app",
            "--label app=x --random iptables loss --every 2 re2:^a | --label app=x --random iptables --duration 90s loss --every 2 re2:^a",
            "kill --signal SIGKILL app                         | kill --signal SIGKILL app",
            "--interval 10s --limit 3 kill app                 | --interval 10s --limit 3 kill app"})
    void sidecarCommands(String given, String leased) {
        assertEquals(leased, String.join(" ", Leases.sidecarCommand(List.of(given.split(" ")), LEASE)));
    }

    @Test
    void aRepeatingScheduleWithoutALimitCannotBeLeased() {
        assertThrows(IllegalArgumentException.class, () -> Leases.sidecarCommand(List.of("--interval", "10s", "kill", "app"), LEASE));
    }

    @Test
    void roundedUpToWholeSeconds() {
        assertEquals("2s", Leases.format(Duration.ofMillis(1001)));
        assertEquals("1s", Leases.format(Duration.ZERO));
    }
}
