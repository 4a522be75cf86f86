package dev.faultline.sidecar.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The watchdog's argv, and the constant script run by a real {@code sh}: words stay words. */
class WatchdogScriptTest {
    @Test
    void theScriptIsConstantAndEveryWordIsAnArgument() {
        List<String> argv = Watchdogs.argv(
                "c42-1",
                Duration.ofMillis(302_500),
                List.of(
                        List.of("tc", "qdisc", "del", "dev", "eth0", "root", "handle", "fa17:"),
                        List.of("iptables", "-w", "5", "-D", "INPUT", "-j", "DROP")));
        assertEquals(
                List.of(
                        "faultline-watchdog",
                        "c42-1",
                        "302",
                        "8",
                        "tc",
                        "qdisc",
                        "del",
                        "dev",
                        "eth0",
                        "root",
                        "handle",
                        "fa17:",
                        "7",
                        "iptables",
                        "-w",
                        "5",
                        "-D",
                        "INPUT",
                        "-j",
                        "DROP"),
                argv.subList(3, argv.size()));
        assertEquals(List.of("sh", "-c"), argv.subList(0, 2));
        assertFalse(
                argv.get(2).contains("eth0") || argv.get(2).contains("c42-1"), "no data in the script: " + argv.get(2));
    }

    @Test
    void sleepsAtLeastASecond() {
        assertEquals(
                "1",
                Watchdogs.argv("c1-1", Duration.ofMillis(200), List.of(List.of("true")))
                        .get(5));
    }

    /** Runs the real script: each command gets exactly its words, hostile ones included, and none is parsed. */
    @Test
    void aRealShellRunsEachCommandWithExactlyItsWords() throws Exception {
        Path dir = Files.createTempDirectory("watchdog-script");
        Path out = dir.resolve("out");
        Path pwned = dir.resolve("pwned");
        String hostile = "eth0; touch " + pwned + " $(touch " + pwned + ") `touch " + pwned + "` \"'\n";
        List<String> argv = Watchdogs.argv(
                "c7-1",
                Duration.ofSeconds(1),
                List.of(
                        List.of("sh", "-c", "printf '%s|' \"$@\" >> " + out, "x", "one", hostile),
                        List.of("sh", "-c", "printf '%s|' \"$@\" >> " + out, "x", "two words", ""),
                        List.of("false"),
                        List.of("sh", "-c", "printf 'last|' >> " + out)));
        Process p = new ProcessBuilder(argv).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(
                "one|" + hostile + "|two words||last|",
                Files.readString(out),
                "each command ran once, in order, with its words");
        assertFalse(Files.exists(pwned), "no word was run by the shell");
    }
}
