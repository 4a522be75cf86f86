package dev.faultline.sidecar.guest;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * netem loss, duplicate and corrupt, each with and without a correlation, applied by a sidecar outside the app
 * namespace through its stand-in process ({@code nsenter -t <pid> -n}: the path node mode takes). Two witnesses
 * each: ping (lost probes, duplicate replies) within 4 sigma of what netem's draws give over that many probes,
 * and the kernel's own counters ({@code tc -s qdisc show}'s drops; ICMP checksum errors at the peer).
 */
class NetemPercentGuestIT extends GuestTest {
    static final int PROBES = 400;

    @Test
    void loss() throws Exception {
        lossCase("30", null);
    }

    @Test
    void lossWithCorrelation() throws Exception {
        lossCase("30", "50");
    }

    @Test
    void duplicate() throws Exception {
        duplicateCase("20", null);
    }

    @Test
    void duplicateWithCorrelation() throws Exception {
        duplicateCase("20", "50");
    }

    @Test
    void corrupt() throws Exception {
        corruptCase("20", null);
    }

    @Test
    void corruptWithCorrelation() throws Exception {
        corruptCase("20", "50");
    }

    void lossCase(String percent, String correlation) throws Exception {
        String cmd = command("loss", percent, correlation);
        SidecarProcess s = atProcess(cmd.split(" "));
        s.awaitApplied(ns);
        Ping p = Ping.probe(ns, NetnsPair.PEER4, PROBES, 0.01);
        long dropped = counter(ns.stats(), "netem fa17: [^\\n]*\\n Sent \\d+ bytes \\d+ pkt \\(dropped (\\d+)");
        NetemDraws.Expected e = expected(percent, correlation, p.sent());
        figure(
                title("loss", correlation),
                asked(percent, correlation),
                f(
                        "%.1f %% of %d probes (model %.1f %%, 4 sigma %.1f-%.1f); tc dropped %d",
                        p.lossPercent(), p.sent(), e.percent(), e.lo(), e.hi(), dropped),
                cmd);
        assertWithin(e, p.lossPercent(), p);
        // the qdisc's own drop count: the probes, plus at most a few neighbour-discovery packets
        assertTrue(dropped >= p.lost() && dropped <= p.lost() + 5, "tc dropped " + dropped + ", ping lost " + p.lost());
        stopAndCheckReverted(s);
    }

    void duplicateCase(String percent, String correlation) throws Exception {
        String cmd = command("duplicate", percent, correlation);
        SidecarProcess s = atProcess(cmd.split(" "));
        String q = s.awaitApplied(ns);
        assertTrue(
                q.contains("duplicate " + percent + "%" + (correlation == null ? "" : " " + correlation + "%")),
                "the kernel holds what was asked: " + q);
        Ping p = Ping.probe(ns, NetnsPair.PEER4, PROBES, 0.01);
        long sentPackets = counter(ns.stats(), "netem fa17: [^\\n]*\\n Sent \\d+ bytes (\\d+) pkt");
        NetemDraws.Expected e = expected(percent, correlation, p.sent());
        figure(
                title("duplicate", correlation),
                asked(percent, correlation),
                f(
                        "%.1f %% of %d probes answered twice (model %.1f %%, 4 sigma %.1f-%.1f); tc sent %d packets",
                        p.duplicatePercent(), p.sent(), e.percent(), e.lo(), e.hi(), sentPackets),
                cmd);
        assertWithin(e, p.duplicatePercent(), p);
        assertTrue(p.lost() == 0, p.summary());
        // each duplicate leaves the qdisc as a packet of its own
        assertTrue(
                sentPackets >= p.sent() + p.duplicates() && sentPackets <= p.sent() + p.duplicates() + 5,
                "tc sent " + sentPackets + ": " + p.summary());
        stopAndCheckReverted(s);
    }

    void corruptCase(String percent, String correlation) throws Exception {
        String cmd = command("corrupt", percent, correlation);
        long before = icmpChecksumErrors();
        SidecarProcess s = atProcess(cmd.split(" "));
        s.awaitApplied(ns);
        // 1000-byte probes: a flipped bit lands in a checksummed part (dropped by the peer) unless it hits the 6
        // bytes of source MAC, 0.6 % of the frame
        Ping p = Ping.probe(ns, NetnsPair.PEER4, PROBES, 0.01, 1000);
        long csum = icmpChecksumErrors() - before;
        NetemDraws.Expected m = expected(percent, correlation, p.sent());
        NetemDraws.Expected e = new NetemDraws.Expected(m.percent() * (1 - 6.0 / 1042), m.sigma());
        figure(
                title("corrupt", correlation),
                asked(percent, correlation),
                f(
                        "%.1f %% of %d probes lost to a bad checksum (model %.1f %%, 4 sigma %.1f-%.1f); peer ICMP InCsumErrors +%d",
                        p.lossPercent(), p.sent(), e.percent(), e.lo(), e.hi(), csum),
                cmd);
        assertWithin(e, p.lossPercent(), p);
        // most flips fall in the ICMP part (1008 of 1042 bytes): the peer's kernel counts them
        assertTrue(
                csum > 0 && csum <= p.lost() && csum >= 0.85 * p.lost(),
                "peer InCsumErrors +" + csum + ", ping lost " + p.lost());
        stopAndCheckReverted(s);
    }

    static String command(String verb, String percent, String correlation) {
        return "netem --duration 5m --interface eth0 " + verb + " --percent " + percent
                + (correlation == null ? "" : " --correlation " + correlation);
    }

    static NetemDraws.Expected expected(String percent, String correlation, int probes) {
        return NetemDraws.of(
                Double.parseDouble(percent), correlation == null ? 0 : Double.parseDouble(correlation), probes);
    }

    static String title(String verb, String correlation) {
        return verb + (correlation == null ? "" : ", correlation") + " (nsenter -t pid)";
    }

    static String asked(String percent, String correlation) {
        return percent + " %" + (correlation == null ? "" : ", " + correlation + " % correlated");
    }

    static void assertWithin(NetemDraws.Expected e, double measured, Ping p) {
        assertTrue(
                measured >= e.lo() && measured <= e.hi(),
                f(
                        "%.2f %% not within 4 sigma of %.2f %% (%.2f-%.2f): %s",
                        measured, e.percent(), e.lo(), e.hi(), p.summary()));
    }

    static long counter(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) throw new AssertionError("no /" + regex + "/ in " + text);
        return Long.parseLong(m.group(1));
    }

    /** Icmp InCsumErrors in the peer namespace's /proc/net/snmp: echo requests that arrived with a bad checksum. */
    long icmpChecksumErrors() {
        List<String> icmp = ns.peer("cat", "/proc/net/snmp")
                .lines()
                .filter(l -> l.startsWith("Icmp: "))
                .toList();
        List<String> names = List.of(icmp.get(0).split(" "));
        return Long.parseLong(icmp.get(1).split(" ")[names.indexOf("InCsumErrors")]);
    }
}
