package dev.faultline.sidecar.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.common.words.Printable;
import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.network.NetemPreflight;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JMX {@code run()}: an experiment's id back, or the one-line message picocli, a check or the scheduler gave, as it
 * always was. Pod mode and dry runs only: nothing is changed on this machine.
 */
class SidecarControlTest {
    @TempDir
    Path dir;

    SidecarControl control;

    @BeforeEach
    void start() {
        control = new SidecarControl(new Journal(dir.resolve("journal")), () -> {
            throw new IllegalStateException("no runtime here");
        });
    }

    @AfterEach
    void stopAll() {
        control.stopAll();
    }

    @Test
    void refusalsAreOneLineWithTheMessageTheyAlwaysHad() {
        assertRefused("empty command: expected e.g. kill --signal SIGKILL re2:^hello", "  ");
        assertRefused("run() takes a verb, not daemon", "daemon --jmx-port 1");
        // the daemon verb after a global option is picocli's, and refuses itself
        assertRefused("error: the daemon verb is for the command line", "--dry-run daemon --jmx-port 5");
        assertRefused("Missing required option: '--jmx-port=<jmxPort>'", "--pod daemon");
        assertRefused("Unmatched arguments from index 0: 'frobnicate', 'web'", "frobnicate web");
        assertRefused("not an experiment: --version", "--version");
        assertRefused("not an experiment: kill --help", "kill --help");
        assertRefused("Missing required subcommand", "--pod");
        assertRefused("Missing required subcommand", "netem -d 1s");
        assertRefused("Missing required subcommand", "iptables -d 1s");
        assertRefused("Missing required option: '--percent=<percent>'", "--pod netem -d 1s loss");
        assertRefused(
                "option '--every' (<every>) should be specified only once",
                "--pod iptables -d 1s loss --every 3 --every 4");
        assertRefused("error: iptables loss needs --probability or --every", "--pod iptables -d 1s loss");
        assertRefused("error: --every 0: expected 1 or more", "--pod iptables -d 1s loss --every 0");
        assertRefused("error: --interface bad!: not an interface name", "--pod netem -d 1s -i bad! rate -r 1mbit");
        // the words are checked before the interface
        assertRefused(
                "error: --rate fast: expected a tc rate such as 100kbit, 1mbit, 500kbps",
                "--pod netem -d 1s -i bad! rate -r fast");
        assertRefused("error: --percent 150.0: a percentage is 0-100", "--pod netem -d 1s -i bad! loss -p 150");
        // a kernel without sch_netem is named before the interface is checked (the message cut to its printable length)
        assertRefused(
                NetemPreflight.available()
                        ? "error: --interface bad!: not an interface name"
                        : Printable.message("error: " + NetemPreflight.refusal()),
                "--pod netem -d 1s -i bad! loss -p 5");
        assertRefused("error: no targets: name a process or give re2:<regex> of its command line", "--pod kill");
        String startUpFlags = "error: --runtime and --runtime-endpoint are the daemon's start-up flags, not run()'s";
        assertRefused(startUpFlags, "--runtime docker kill web"); // the plain path
        assertRefused(startUpFlags, "--runtime docker netem -d 1s rate -r 1mbit web");
        assertRefused(startUpFlags, "--runtime docker iptables -d 1s loss --every 2 web");
    }

    @Test
    void anExperimentsIdIsWhatRunReturns() throws InterruptedException {
        String iptables = control.run("--pod --dry-run iptables -d 1s loss --every 3");
        String netem = control.run("--pod --dry-run netem -d 1s rate -r 1mbit self");
        assertTrue(
                iptables.matches("e\\d+") && netem.matches("e\\d+") && !iptables.equals(netem), iptables + " " + netem);
        Thread.sleep(200); // a dry run logs and ends
        List<String> list = Arrays.asList(control.list());
        assertEquals(2, list.size(), list.toString());
        assertTrue(
                list.get(0).startsWith(iptables + "  ")
                        && list.get(0)
                                .endsWith(
                                        "iptables --duration 1000ms loss -m statistic --mode nth --every 3 --packet 0 (pod) self"),
                list.get(0));
        assertTrue(
                list.get(1).startsWith(netem + "  ")
                        && list.get(1)
                                .endsWith("netem --duration 1000ms --interface eth0 "
                                        + (NetemPreflight.proven()
                                                ? "netem rate 1mbit"
                                                : "tbf rate 1mbit burst 32kbit latency 400ms")
                                        + " (pod) self"),
                list.get(1));
        assertTrue(control.stop(iptables));
    }

    /** As in Pumba, a selection of nothing is no refusal: the experiment ends saying "no containers found". */
    @Test
    void aSelectionOfNothingIsAnExperimentThatFoundNothing() throws InterruptedException {
        String id = control.run("--pod kill re2:^no-such-process-here");
        long deadline = System.currentTimeMillis() + 10_000;
        String line = "";
        while (System.currentTimeMillis() < deadline) {
            line = Arrays.stream(control.list())
                    .filter(l -> l.startsWith(id + "  "))
                    .findFirst()
                    .orElse("");
            if (line.contains("no containers found")) break; // "ended" shows before it starts too
            Thread.sleep(20);
        }
        assertTrue(line.contains("ended") && line.contains("actions=0") && line.contains("no containers found"), line);
    }

    /** run() takes Pumba's words as the command line does (#25): iptables' filters and modes, a verb's --limit. */
    @Test
    void pumbasWordsThroughRun() throws InterruptedException {
        String id =
                control.run("--pod --dry-run iptables -d 1s --source 10.0.0.1 loss --mode nth --every 3 --packet 1");
        String limited = control.run("--pod --dry-run kill --limit 1 re2:^no-such-process-here");
        long deadline = System.currentTimeMillis() + 10_000;
        List<String> list = List.of();
        while (System.currentTimeMillis() < deadline) {
            list = Arrays.asList(control.list());
            if (list.stream().anyMatch(l -> l.startsWith(limited + "  ") && l.contains("no containers found"))) break;
            Thread.sleep(20);
        }
        assertTrue(
                list.stream()
                        .anyMatch(l -> l.startsWith(id + "  ")
                                && l.endsWith("iptables --duration 1000ms loss -s 10.0.0.1 -m statistic --mode nth "
                                        + "--every 3 --packet 1 (pod) self")),
                list.toString());
        assertTrue(
                list.stream()
                        .anyMatch(l -> l.startsWith(limited + "  ")
                                && l.contains("kill --signal SIGKILL --limit 1 (pod) re2:^no-such-process-here")),
                list.toString());
        assertRefused("error: --mode nth needs --every N (required)", "--pod iptables -d 1s loss --mode nth");
    }

    void assertRefused(String message, String command) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> control.run(command), command);
        assertEquals(message, e.getMessage(), command);
    }
}
