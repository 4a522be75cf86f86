package dev.faultline.sidecar;

import dev.faultline.sidecar.netem.Watchdogs;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WatchdogScriptTest {
    @Test
    void marksTheChangeSleepsThenRevertsEachCommandQuietly() {
        String script = Watchdogs.script("c42-1", Duration.ofMillis(302_500), List.of(
                List.of("tc", "qdisc", "del", "dev", "eth0", "root", "handle", "fa17:"),
                List.of("iptables", "-w", "5", "-D", "INPUT", "-j", "DROP")));
        assertEquals(": faultline-watchdog=c42-1; trap 'kill $! 2>/dev/null; exit 0' TERM; sleep 302 & wait $!; tc qdisc del dev eth0 root handle fa17: >/dev/null 2>&1; "
                + "iptables -w 5 -D INPUT -j DROP >/dev/null 2>&1", script);
    }

    @Test
    void sleepsAtLeastASecond() {
        assertEquals(": faultline-watchdog=c1-1; trap 'kill $! 2>/dev/null; exit 0' TERM; sleep 1 & wait $!; true >/dev/null 2>&1",
                Watchdogs.script("c1-1", Duration.ofMillis(200), List.of(List.of("true"))));
    }
}
