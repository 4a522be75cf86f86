package dev.faultline.common.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How the lease reads the words, without the sidecar (its own test, SidecarGrammarTest, holds the grammar to
 * SidecarCli's picocli model and parses every leased line with it).
 */
class SidecarLeaseTest {
    static final Duration LEASE = Duration.ofSeconds(90);

    static List<String> words(String line) {
        return List.of(line.split(" "));
    }

    @Test
    void eachSpellingOfAnOptionIsReadAsTheSidecarReadsIt() {
        assertEquals(
                new Option.Attached(Option.valued("--duration", "-d"), null, null),
                Option.in(Verb.PAUSE.options(), "-d"));
        assertEquals("1h", Option.in(Verb.PAUSE.options(), "--duration=1h").value());
        assertEquals("1h", Option.in(Verb.PAUSE.options(), "-d1h").value());
        assertEquals("1h", Option.in(Verb.PAUSE.options(), "-d=1h").value());
        assertEquals("prod", Option.in(GlobalOptions.ALL, "--namespace=prod").value());
        assertNull(Option.in(GlobalOptions.ALL, "--namespaces"));
        assertNull(Option.in(GlobalOptions.ALL, "--random=true"), "a flag takes no value: refused by the lease");
    }

    @Test
    void theVerbAndItsDurationAreFoundPastEveryValuedOption() {
        String given = "--namespace prod --runtime cri --label=a=b netem -i eth0 -d 1h rate --rate 1mbit app";
        SidecarLease.Reading r = SidecarLease.read(words(given));
        assertEquals(Verb.NETEM, r.verb());
        assertEquals(Duration.ofHours(1), r.lasts());
        assertEquals(
                words("--namespace prod --runtime cri --label=a=b netem -i eth0 -d 90s rate --rate 1mbit app"),
                SidecarLease.apply(r.words(), LEASE));
        // iptables loss's own -d is its destination: after the sub-verb, not the duration
        assertEquals(
                words("iptables --duration 90s loss -d 10.0.0.1 --every 2 app"),
                SidecarLease.apply(words("iptables loss -d 10.0.0.1 --every 2 app"), LEASE));
        assertNull(SidecarLease.read(words("kill -s TERM app")).lasts());
    }

    @Test
    void theLeaseIsWholeSecondsRoundedUp() {
        assertEquals("2s", SidecarLease.format(Duration.ofMillis(1001)));
        assertEquals("1s", SidecarLease.format(Duration.ZERO));
    }
}
