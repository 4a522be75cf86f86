package dev.faultline.sidecar.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.sidecar.cli.Durations;
import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.experiment.journal.Owner;
import dev.faultline.sidecar.targets.TargetSelector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exact commands the sidecar builds: pure values, no engine needed. */
class NetemArgvTest {
    static List<String> netem(NetemSpec s) {
        List<String> q = new ArrayList<>(List.of("netem"));
        q.addAll(s.args());
        return q;
    }

    @Test
    void delayBuildsTheExactTcCommand() {
        TcPlan p = TcPlan.of(
                "eth0",
                netem(NetemSpec.delay(Duration.ofMillis(300), Duration.ofMillis(50), 25.0, "normal")),
                List.of(),
                false);
        assertEquals(
                List.of(List.of(
                        "tc",
                        "qdisc",
                        "add",
                        "dev",
                        "eth0",
                        "root",
                        "handle",
                        "fa17:",
                        "netem",
                        "delay",
                        "300ms",
                        "50ms",
                        "25%",
                        "distribution",
                        "normal")),
                p.apply());
        assertEquals(List.of(List.of("tc", "qdisc", "del", "dev", "eth0", "root", "handle", "fa17:")), p.revert());
    }

    /** A veth has no transmit queue (ip prints no qlen); a root qdisc makes the kernel give it 1000: the revert puts 0 back. */
    @Test
    void theRevertPutsBackTheTransmitQueueLengthARootQdiscChanged() {
        assertEquals(
                0,
                TcPlan.txQueueLen(
                        "2: eth0@if3: <BROADCAST,UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default \\    link/ether 02:42"));
        assertEquals(
                500,
                TcPlan.txQueueLen(
                        "2: eth0: <BROADCAST,UP> mtu 1500 qdisc fq_codel state UP mode DEFAULT group default qlen 500\\    link/ether"));
        assertEquals(null, TcPlan.txQueueLen("Device \"eth9\" does not exist."));
        TcPlan p = TcPlan.of("eth0", RateSpec.of("1mbit").args(), List.of(), false, 0);
        assertEquals(
                List.of(
                        List.of("tc", "qdisc", "del", "dev", "eth0", "root", "handle", "fa17:"),
                        List.of("ip", "link", "set", "dev", "eth0", "txqueuelen", "0")),
                p.revert());
        assertEquals(2, p.verify().size(), "no qdisc of ours, and the queue length back");
        assertEquals(
                1,
                TcPlan.of("eth0", RateSpec.of("1mbit").args(), List.of(), false)
                        .verify()
                        .size(),
                "length unknown: not touched");
    }

    @Test
    void aZeroJitterNeverShiftsTheCorrelation() {
        assertEquals(
                List.of("delay", "100ms", "0ms", "30%"),
                NetemSpec.delay(Duration.ofMillis(100), null, 30.0, null).args());
        assertEquals(
                List.of("delay", "100ms"),
                NetemSpec.delay(Duration.ofMillis(100), null, null, null).args());
        assertEquals(
                List.of("delay", "0ms", "0ms", "10%"),
                NetemSpec.delay(Duration.ZERO, Duration.ZERO, 10.0, null).args());
    }

    @Test
    void severalEffectsAreOneQdisc() {
        NetemSpec s = NetemSpec.delay(Duration.ofMillis(100), Duration.ofMillis(10), null, null)
                .and(NetemSpec.loss(20, 5.0))
                .and(NetemSpec.corrupt(1, null));
        assertEquals(List.of("delay", "100ms", "10ms", "loss", "20%", "5%", "corrupt", "1%"), s.args());
    }

    @Test
    void targetsGetAnHtbClassAndFiltersForV4AndV6() {
        TcPlan p = TcPlan.of("eth0", RateSpec.of("1mbit").args(), List.of("10.0.0.0/8", "fd00::/8"), false);
        assertEquals(
                List.of(
                        List.of("tc", "qdisc", "add", "dev", "eth0", "root", "handle", "fa17:", "htb", "default", "1"),
                        List.of(
                                "tc", "class", "add", "dev", "eth0", "parent", "fa17:", "classid", "fa17:1", "htb",
                                "rate", "10gbit", "quantum", "60000"),
                        List.of(
                                "tc", "class", "add", "dev", "eth0", "parent", "fa17:", "classid", "fa17:2", "htb",
                                "rate", "10gbit", "quantum", "60000"),
                        List.of(
                                "tc", "qdisc", "add", "dev", "eth0", "parent", "fa17:2", "handle", "fa18:", "tbf",
                                "rate", "1mbit", "burst", "32kbit", "latency", "400ms"),
                        List.of(
                                "tc",
                                "filter",
                                "add",
                                "dev",
                                "eth0",
                                "parent",
                                "fa17:",
                                "protocol",
                                "ip",
                                "prio",
                                "1",
                                "u32",
                                "match",
                                "ip",
                                "dst",
                                "10.0.0.0/8",
                                "flowid",
                                "fa17:2"),
                        List.of(
                                "tc",
                                "filter",
                                "add",
                                "dev",
                                "eth0",
                                "parent",
                                "fa17:",
                                "protocol",
                                "ipv6",
                                "prio",
                                "2",
                                "u32",
                                "match",
                                "ip6",
                                "dst",
                                "fd00::/8",
                                "flowid",
                                "fa17:2")),
                p.apply());
        assertEquals(List.of(List.of("tc", "qdisc", "del", "dev", "eth0", "root", "handle", "fa17:")), p.revert());
    }

    @Test
    void ingressRedirectsThroughIfbAndRevertsAllOfIt() {
        TcPlan p = TcPlan.of("eth0", RateSpec.of("512kbit").args(), List.of(), true);
        assertEquals(
                List.of("ip", "link", "add", "flifb0", "type", "ifb"), p.apply().get(0));
        assertTrue(p.apply().get(3).containsAll(List.of("mirred", "egress", "redirect", "dev", "flifb0")));
        assertEquals(
                List.of(
                        "tc", "qdisc", "add", "dev", "flifb0", "root", "handle", "fa17:", "tbf", "rate", "512kbit",
                        "burst", "32kbit", "latency", "400ms"),
                p.apply().get(4));
        assertEquals(
                List.of(
                        List.of("tc", "qdisc", "del", "dev", "flifb0", "root", "handle", "fa17:"),
                        List.of("tc", "qdisc", "del", "dev", "eth0", "handle", "ffff:", "ingress"),
                        List.of("ip", "link", "del", "flifb0")),
                p.revert());
    }

    @Test
    void iptablesRuleIsTaggedAndDeletedExactly() {
        IptablesRule r = new IptablesRule("INPUT", "tcp", null, null, null, 8080, 0.2, null);
        assertEquals(
                List.of(
                        "iptables",
                        "-w",
                        "5",
                        "-I",
                        "INPUT",
                        "-p",
                        "tcp",
                        "--dport",
                        "8080",
                        "-m",
                        "statistic",
                        "--mode",
                        "random",
                        "--probability",
                        "0.2",
                        "-m",
                        "comment",
                        "--comment",
                        "faultline:e7",
                        "-j",
                        "DROP"),
                r.insert("e7"));
        assertEquals("-D", r.delete("e7").get(3));
        assertEquals(
                r.insert("e7").subList(4, r.insert("e7").size()),
                r.delete("e7").subList(4, r.delete("e7").size()));
        assertTrue(new IptablesRule("INPUT", null, null, null, null, null, null, 5)
                .insert("x")
                .containsAll(List.of("--mode", "nth", "--every", "5")));
    }

    @Test
    void badValuesAreRefusedByName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RateSpec.of("fast"))
                .getMessage()
                .contains("--rate fast"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NetemSpec.loss(120, null))
                .getMessage()
                .contains("--percent 120"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> new IptablesRule("INPUT", null, null, null, null, 80, 0.5, null))
                .getMessage()
                .contains("--protocol"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> new IptablesRule("INPUT", null, null, null, null, null, null, null))
                .getMessage()
                .contains("--probability or --every"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Durations.parse("5 minutes"))
                .getMessage()
                .contains("5 minutes"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TargetSelector(List.of("re2:(["), Map.of()))
                .getMessage()
                .contains("re2:(["));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TargetSelector(List.of(), Map.of()))
                .getMessage()
                .contains("no targets"));
    }

    /** netem rate: netem's own rate where the kernel has sch_netem, tbf where it has not; Pumba's default 100kbit. */
    @Test
    void rateIsNetemsRateOrTbf() {
        assertEquals(
                List.of("netem", "rate", "100kbit"),
                RateSpec.of(RateSpec.DEFAULT, true).args());
        assertEquals(
                List.of("tbf", "rate", "100kbit", "burst", "32kbit", "latency", "400ms"),
                RateSpec.of(RateSpec.DEFAULT, false).args());
        assertEquals(
                List.of("tc", "qdisc", "add", "dev", "eth0", "root", "handle", "fa17:", "netem", "rate", "1mbit"),
                TcPlan.of("eth0", RateSpec.of("1mbit", true).args(), List.of(), false)
                        .apply()
                        .get(0));
        assertThrows(IllegalArgumentException.class, () -> RateSpec.of("fast", true));
    }

    @Test
    void durationsAndSelectors() {
        assertEquals(Duration.ofMillis(1500), Durations.parse("1s500ms"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
        TargetSelector s = new TargetSelector(List.of("re2:^hello", "web-1"), Map.of("team", "pay"));
        assertTrue(s.matches("hello-3", Map.of("team", "pay")));
        assertTrue(s.matches("web-1", Map.of("team", "pay", "x", "y")));
        assertFalse(s.matches("hello-3", Map.of()));
        assertFalse(s.matches("web-10", Map.of("team", "pay")));

        // container IDs, as Docker takes them: the whole ID or a prefix of at least 12 hex digits
        String id = "4f2c9a7b1d3e" + "0".repeat(52);
        TargetSelector byId = new TargetSelector(List.of("4f2c9a7b1d3e"), Map.of());
        assertTrue(byId.matches("web-1", id, Map.of()));
        assertTrue(new TargetSelector(List.of(id), Map.of()).matches("web-1", id, Map.of()));
        assertFalse(new TargetSelector(List.of("4f2c9a7b1d3"), Map.of()).matches("web-1", id, Map.of()), "11 digits");
        assertFalse(byId.matches("web-1", "5" + id.substring(1), Map.of()));
        assertFalse(byId.matches("web-1", Map.of()), "a name alone is not an ID");

        // Pumba's skip labels: never a target, even named or by ID
        TargetSelector broad = new TargetSelector(List.of("re2:^/?pdm-", "pdm-x", id), Map.of());
        assertTrue(broad.matches("pdm-a", Map.of("com.gaiaadm.pumba.skip", "false")));
        assertFalse(broad.matches("pdm-a", Map.of("com.gaiaadm.pumba.skip", "true")));
        assertFalse(broad.matches("pdm-x", Map.of("com.gaiaadm.pumba", "true")));
        assertFalse(broad.matches("other", id, Map.of("com.gaiaadm.pumba.skip", "true")));
    }

    @Test
    void journalKeepsWhatIsStillInForce(@TempDir Path dir) {
        Journal j = new Journal(dir.resolve("journal"));
        List<List<String>> revert = List.of(List.of("tc", "qdisc", "del", "dev", "eth0", "root", "handle", "fa17:"));
        j.applying(new Journal.Entry("a", "c1", new Owner(1, 0), 0, revert));
        j.applying(new Journal.Entry("b", "c2", Owner.current(), 0, revert));
        j.reverted("a");
        List<Journal.Entry> open = j.pending();
        assertEquals(1, open.size());
        assertEquals("b", open.get(0).id());
        assertEquals(revert, open.get(0).revert());
        assertFalse(open.get(0).orphaned(), "owned by a live process");
        j.compact();
        assertEquals(1, j.pending().size());
    }

    /**
     * In a container the restarted sidecar is PID 1 again: a change whose owner's PID is alive but belongs to a
     * process started at another time is orphaned (with a bare PID it looked owned forever).
     */
    @Test
    void aReusedPidDoesNotOwnTheChange(@TempDir Path dir) throws Exception {
        Owner me = Owner.current();
        assertTrue(me.startMillis() > 0, "this JVM's start time is known: " + me);
        assertFalse(me.gone(), "alive, same start");
        assertTrue(new Owner(me.pid(), me.startMillis() - 60_000).gone(), "the PID is another process now");
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        assertTrue(new Owner(ended.pid(), 0).gone(), "ended");
        // a journal line from before start times were recorded: the bare PID still reads, as liveness only
        Path file = dir.resolve("journal");
        Files.writeString(file, "APPLY\told\tc1\t" + me.pid() + "\t0\ttc\u001fqdisc\n");
        Journal.Entry old = new Journal(file).pending().get(0);
        assertEquals(new Owner(me.pid(), 0), old.owner());
        assertFalse(old.orphaned(), "a live PID of an old line still owns it");
        Journal j = new Journal(dir.resolve("journal2"));
        j.applying(new Journal.Entry(
                "x", "c1", new Owner(me.pid(), me.startMillis() + 5_000), 0, List.of(List.of("true"))));
        assertTrue(
                j.pending().get(0).orphaned(),
                "written and read back with its start time, it is seen as another process's");
    }
}
