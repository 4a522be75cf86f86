package dev.faultline.sidecar.guest;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * netem rate (netem's own rate: the guest's kernel has sch_netem), --target CIDRs (v4 and v6) and --ingress (IFB), each
 * against its witness.
 */
class NetemShapingGuestIT extends GuestTest {

    @Test
    void rateLimitsATcpTransfer() throws Exception {
        int bytes = 160 * 1024;
        double base = tcpMbit(bytes);
        String cmd = "netem --duration 5m --interface eth0 rate --rate 1mbit";
        SidecarProcess s = atProcess(cmd.split(" "));
        String q = s.awaitApplied(ns);
        assertTrue(q.contains("netem fa17:") && q.contains("rate 1Mbit"), q);
        double shaped = tcpMbit(bytes);
        figure(
                "rate (netem rate, nsenter -t pid)",
                "1 mbit/s",
                f("%.3f Mbit/s TCP goodput over %d KiB (unshaped %.0f Mbit/s)", shaped, bytes / 1024, base),
                cmd);
        assertTrue(base > 5, "unshaped " + base + " Mbit/s: too slow to show a 1 mbit limit");
        // goodput is below the wire rate by the TCP/IP/Ethernet headers (1448 of 1514 bytes)
        assertTrue(shaped > 0.8 && shaped < 1.05, "goodput " + shaped + " Mbit/s under a 1 mbit limit");
        stopAndCheckReverted(s);
    }

    @Test
    void targetsShapeOnlyTrafficToThemV4AndV6() throws Exception {
        String[] all = {NetnsPair.PEER4, NetnsPair.PEER6, NetnsPair.OTHER4, NetnsPair.OTHER6};
        double[] base = new double[all.length];
        for (int i = 0; i < all.length; i++)
            base[i] = Ping.probe(ns, all[i], 40, 0.02).p50();
        String cmd = "netem --duration 5m --interface eth0 --target 10.99.0.2/32 --target fd99::2/128 delay --time 100";
        SidecarProcess s = inPod(cmd.split(" "));
        s.awaitApplied(ns, q -> q.contains("netem fa18:"));
        double[] now = new double[all.length];
        StringBuilder summary = new StringBuilder();
        for (int i = 0; i < all.length; i++) {
            Ping p = Ping.probe(ns, all[i], 40, 0.02);
            now[i] = p.p50();
            summary.append(p.summary()).append('\n');
        }
        figure(
                "--target v4 + v6 (htb + u32)",
                "100 ms to 10.99.0.2/32 and fd99::2/128 only",
                f(
                        "targets p50 +%.1f / +%.1f ms; others %+.2f / %+.2f ms from baseline (%.2f / %.2f ms)",
                        now[0] - base[0], now[1] - base[1], now[2] - base[2], now[3] - base[3], base[2], base[3]),
                cmd);
        for (int i = 0; i < 2; i++)
            assertTrue(now[i] - base[i] > 90 && now[i] - base[i] < 110, all[i] + " is a target: " + summary);
        for (int i = 2; i < 4; i++)
            assertTrue(
                    Math.abs(now[i] - base[i]) < 1.0,
                    all[i] + " is not a target, within 1 ms of baseline " + base[i] + ": " + summary);
        stopAndCheckReverted(s);
    }

    @Test
    void ingressDelaysWhatComesInThroughIfb() throws Exception {
        Ping base = Ping.probe(ns, NetnsPair.PEER4, 50, 0.02);
        String cmd = "netem --duration 5m --interface eth0 --ingress delay --time 100";
        SidecarProcess s = atProcess(cmd.split(" "));
        String q = s.awaitApplied(ns);
        assertTrue(q.contains("qdisc ingress ffff: dev eth0") && q.contains("qdisc netem fa17: dev flifb0"), q);
        Ping p = Ping.probe(ns, NetnsPair.PEER4, 100, 0.02);
        long redirected =
                NetemPercentGuestIT.counter(ns.stats(), "netem fa17: dev flifb0[^\\n]*\\n Sent \\d+ bytes (\\d+) pkt");
        double added = p.p50() - base.p50();
        figure(
                "--ingress (IFB)",
                "100 ms on incoming",
                f("p50 +%.1f ms; %d packets through flifb0's netem", added, redirected),
                cmd);
        assertTrue(added > 90 && added < 110, "p50 added " + added + ": " + p.summary());
        assertTrue(redirected >= p.received(), "every reply came through the IFB: " + redirected);
        stopAndCheckReverted(s);
    }

    /**
     * TCP goodput app -> peer: bash's /dev/tcp sends, busybox nc in the peer namespace receives, and we time the
     * bytes as they arrive (from the first read, so connection setup and the first burst do not count).
     */
    double tcpMbit(int bytes) throws Exception {
        Process server = new ProcessBuilder(ns.inPeer("busybox", "nc", "-l", "-p", "5001"))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        Process client = new ProcessBuilder(ns.inApp(
                        "bash",
                        "-c",
                        "for i in $(seq 100); do head -c " + bytes + " /dev/zero 2>/dev/null > /dev/tcp/"
                                + NetnsPair.PEER4 + "/5001 && exit 0; sleep 0.2; done; exit 1"))
                .redirectErrorStream(true)
                .start();
        try (InputStream in = server.getInputStream()) {
            byte[] buf = new byte[65536];
            long first = 0;
            long last = 0;
            int firstRead = 0;
            int total = 0;
            while (total < bytes) {
                int n = in.read(buf);
                if (n < 0) break;
                long now = System.nanoTime();
                if (total == 0) {
                    first = now;
                    firstRead = n;
                }
                total += n;
                last = now;
            }
            assertTrue(total == bytes, "received " + total + " of " + bytes);
            return (total - firstRead) * 8 / ((last - first) / 1e9) / 1e6;
        } finally {
            client.destroyForcibly();
            server.destroyForcibly();
            client.waitFor(30, TimeUnit.SECONDS);
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
