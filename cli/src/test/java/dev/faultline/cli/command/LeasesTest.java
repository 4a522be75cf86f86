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
                "--interval=1s --limit=3 netem --duration=5m rate x | --interval=1s --limit=3 netem --duration=88s rate x",
                "--interval 20s --limit 3 netem -d 1h rate -r 1 x   | --interval 20s --limit 3 netem -d 50s rate -r 1 x",
                "--interval 20s --limit 3 pause app                 | --interval 20s --limit 3 pause --duration 50s app",
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

    /** --limit 0 repeats without end; a last action past the lease would outlive a runner killed before it. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "--interval 10s --limit 0 kill app     | --limit of at least 1 (0 repeats without end)",
                "--interval=10s --limit=-1 kill app    | --limit of at least 1 (-1 repeats without end)",
                "--interval 1h --limit 3 kill app      | the last action would come 7200s after the first, past the run's lease of 90s",
                "--interval 45s --limit 3 pause app    | the last action would come 90s after the first",
                "--interval 10s --limit x kill app     | --limit x: not a whole number"
            })
    void aRepeatingScheduleWhoseLastActionIsNotWithinTheLeaseIsRefused(String given, String message) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> Leases.sidecarCommand(List.of(given.split(" ")), LEASE));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    /**
     * The daemon splits run()'s line again: the CLI quotes a word holding spaces, so a verb inside a label value stays
     * inside it (the daemon finds no verb and refuses), and a word the user quoted is leased as the daemon reads it
     * (nothing answers on port 9, so nothing is armed).
     */
    @Test
    void aVerbInsideOneWordIsLeasedAsTheDaemonReadsIt() {
        FaultlineAction.Outcome r = FaultlineAction.run(
                List.of(
                        "sidecar",
                        "run",
                        "--jmx",
                        "127.0.0.1:9",
                        "--",
                        "--label",
                        "app=web netem --duration 1h delay --time 100 web"),
                LEASE);
        // the daemon reads one label value "app=web netem …" and no verb, and refuses the line
        assertEquals(List.of("--label", "\"app=web netem --duration 1h delay --time 100 web\""), r.words(), r.stderr());
        FaultlineAction.Outcome quoted = FaultlineAction.run(
                List.of("sidecar", "run", "--jmx", "127.0.0.1:9", "pause --duration 1h \"my app\""), LEASE);
        assertEquals(List.of("pause", "--duration", "90s", "\"my app\""), quoted.words(), quoted.stderr());
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
                () -> Leases.sidecarCommand(List.of("frobnicate", "--duration", "1h", "app"), LEASE));
        assertTrue(
                e.getMessage().startsWith("the sidecar has no verb frobnicate (it has kill, stop, pause"),
                e.getMessage());
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
