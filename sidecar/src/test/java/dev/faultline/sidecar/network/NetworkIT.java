package dev.faultline.sidecar.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.sidecar.Sidecar;
import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.runtime.docker.DockerHost;
import dev.faultline.sidecar.runtime.docker.EngineTest;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Network changes in a real container's namespace, measured from the host over a port published on 127.0.0.1
 * and checked in the target's namespace itself (tc, iptables), not in the journal.
 */
class NetworkIT extends EngineTest {
    static final int FILE_KB = 1024;
    String web;
    int webPort;
    String echo;
    int echoPort;

    @BeforeEach
    void targets() throws Exception {
        web = docker.run + "-web";
        webPort = freePort();
        docker.start(
                web,
                List.of("-p", "127.0.0.1:" + webPort + ":80"),
                "sh",
                "-c",
                "mkdir -p /www && dd if=/dev/zero of=/www/file bs=1024 count=" + FILE_KB
                        + " 2>/dev/null && httpd -f -p 80 -h /www");
        echo = docker.run + "-echo";
        echoPort = freePort();
        docker.start(echo, List.of("-p", "127.0.0.1:" + echoPort + ":9000"), "nc", "-ll", "-p", "9000", "-e", "cat");
        awaitHttp();
    }

    void awaitHttp() throws Exception {
        for (int i = 0; i < 100; i++) {
            try {
                download(Duration.ofSeconds(2));
                return;
            } catch (Exception e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the web container never answered on " + webPort);
    }

    /** Millis to download the 1 MiB file from the container (its egress). */
    long download(Duration timeout) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<byte[]> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webPort + "/file"))
                                .timeout(timeout)
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(FILE_KB * 1024, r.body().length);
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** Millis to push 256 KiB into the echo container and read it back: bounded by its ingress. */
    long echoRoundTrip() throws Exception {
        byte[] data = new byte[256 * 1024];
        long t0 = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", echoPort), 5000);
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            Thread writer = new Thread(() -> {
                try {
                    out.write(data);
                    out.flush();
                } catch (Exception ignored) {
                    // the reader reports the failure
                }
            });
            writer.start();
            int got = 0;
            byte[] buf = new byte[65536];
            while (got < data.length) {
                int n = in.read(buf);
                if (n < 0) break;
                got += n;
            }
            writer.join();
            assertEquals(data.length, got);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    String qdiscs(String container) {
        return docker.inNetns(container, "tc", "qdisc", "show");
    }

    boolean shaped(String container) {
        return qdiscs(container).contains("fa17:");
    }

    void awaitShaped(String container, boolean wanted) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (shaped(container) != wanted && System.currentTimeMillis() < deadline) Thread.sleep(100);
        assertEquals(wanted, shaped(container), qdiscs(container));
    }

    @Test
    void rateLimitsEgressAndIsGoneAfterItsDuration() throws Exception {
        long before = download(Duration.ofSeconds(10));
        String qdiscsBefore = qdiscs(web);
        Process p = sidecar.start("netem", "--duration", "6s", "rate", "--rate", "2mbit", web);
        awaitShaped(web, true);
        long limited = download(Duration.ofSeconds(30));
        // 1 MiB at 2 Mbit/s is about 4 s; unshaped loopback takes milliseconds
        assertTrue(limited >= 2500, "rate-limited download took " + limited + " ms (unshaped: " + before + " ms)");
        assertEquals(0, p.waitFor());
        assertFalse(shaped(web));
        assertEquals(qdiscsBefore, qdiscs(web), "the target's qdiscs are as they were");
        assertTrue(download(Duration.ofSeconds(10)) < 2500);
    }

    @Test
    void targetCidrsShapeOnlyTrafficToThoseNetworks() throws Exception {
        // the host reaches the published port through the bridge: the container answers its gateway
        String gateway = docker.inspect(web, "{{range .NetworkSettings.Networks}}{{.Gateway}}{{end}}");
        Process elsewhere = sidecar.start(
                "netem",
                "--duration",
                "4s",
                "--target",
                "10.254.0.0/16",
                "--target",
                "fd00:fa17::/32",
                "rate",
                "--rate",
                "2mbit",
                web);
        awaitShaped(web, true);
        assertTrue(qdiscs(web).contains("fa18:"), qdiscs(web));
        long unaffected = download(Duration.ofSeconds(30));
        assertTrue(
                unaffected < 2500,
                "traffic to the host is not in the --target networks, yet took " + unaffected + " ms");
        assertEquals(0, elsewhere.waitFor());
        assertFalse(shaped(web));

        Process toHost =
                sidecar.start("netem", "--duration", "6s", "--target", gateway + "/32", "rate", "--rate", "2mbit", web);
        awaitShaped(web, true);
        long limited = download(Duration.ofSeconds(30));
        assertTrue(limited >= 2500, "traffic to " + gateway + " is shaped: " + limited + " ms");
        assertEquals(0, toHost.waitFor());
        assertFalse(shaped(web));
    }

    @Test
    void rateLimitsIngressThroughIfb() throws Exception {
        long before = echoRoundTrip();
        Process p = sidecar.start("netem", "--duration", "8s", "--ingress", "rate", "--rate", "512kbit", echo);
        awaitShaped(echo, true);
        assertTrue(docker.inNetns(echo, "ip", "link", "show").contains("flifb0"));
        long limited = echoRoundTrip();
        // 256 KiB in at 512 kbit/s is about 4 s
        assertTrue(limited >= 2500, "ingress-limited echo took " + limited + " ms (unshaped: " + before + " ms)");
        assertEquals(0, p.waitFor());
        assertFalse(shaped(echo));
        assertFalse(docker.inNetns(echo, "ip", "link", "show").contains("flifb0"), "the IFB device is gone");
        assertFalse(qdiscs(echo).contains("ingress"));
    }

    @Test
    void ingressTargetsMatchTheSource() throws Exception {
        String gateway = docker.inspect(echo, "{{range .NetworkSettings.Networks}}{{.Gateway}}{{end}}");
        Process elsewhere = sidecar.start(
                "netem",
                "--duration",
                "4s",
                "--ingress",
                "--target",
                "10.254.0.0/16",
                "rate",
                "--rate",
                "512kbit",
                echo);
        awaitShaped(echo, true);
        long unaffected = echoRoundTrip();
        assertTrue(
                unaffected < 2500,
                "traffic from the host is not from the --target networks, yet took " + unaffected + " ms");
        assertEquals(0, elsewhere.waitFor());
        assertFalse(shaped(echo));

        Process fromHost = sidecar.start(
                "netem",
                "--duration",
                "8s",
                "--ingress",
                "--target",
                gateway + "/32",
                "rate",
                "--rate",
                "512kbit",
                echo);
        awaitShaped(echo, true);
        long limited = echoRoundTrip();
        assertTrue(limited >= 2500, "traffic from " + gateway + " is shaped on the way in: " + limited + " ms");
        assertEquals(0, fromHost.waitFor());
        assertFalse(shaped(echo));
        assertFalse(docker.inNetns(echo, "ip", "link", "show").contains("flifb0"));
    }

    @Test
    void iptablesLossDropsAndIsGoneAfterItsDuration() throws Exception {
        Process p = sidecar.start(
                "iptables",
                "--duration",
                "6s",
                "loss",
                "--probability",
                "1.0",
                "--protocol",
                "tcp",
                "--dst-port",
                "80",
                web);
        long deadline = System.currentTimeMillis() + 20_000;
        while (!docker.inNetns(web, "iptables", "-S").contains("faultline:") && System.currentTimeMillis() < deadline)
            Thread.sleep(100);
        assertTrue(docker.inNetns(web, "iptables", "-S").contains("faultline:"));
        int failed = 0;
        for (int i = 0; i < 3; i++) {
            try {
                download(Duration.ofSeconds(1));
            } catch (Exception e) {
                failed++;
            }
        }
        assertEquals(3, failed, "every request to port 80 dropped");
        assertEquals(0, p.waitFor());
        assertFalse(
                docker.inNetns(web, "iptables", "-S").contains("faultline:"), docker.inNetns(web, "iptables", "-S"));
        download(Duration.ofSeconds(10));
    }

    String rules(String container) {
        return docker.inNetns(container, "iptables", "-S");
    }

    boolean dropping(String container) {
        return rules(container).contains("faultline:");
    }

    void awaitDropping(String container, boolean wanted) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (dropping(container) != wanted && System.currentTimeMillis() < deadline) Thread.sleep(100);
        assertEquals(wanted, dropping(container), rules(container));
    }

    Process startLoss(String duration) throws Exception {
        return sidecar.start(
                "iptables",
                "--duration",
                duration,
                "loss",
                "--probability",
                "1.0",
                "--protocol",
                "tcp",
                "--dst-port",
                "80",
                web);
    }

    /** Two sidecar processes, a rate and a loss rule on the web container, both seen in force. */
    Process[] shapeAndDrop(String duration) throws Exception {
        Process rate = sidecar.start("netem", "--duration", duration, "rate", "--rate", "1mbit", web);
        Process loss = startLoss(duration);
        awaitShaped(web, true);
        awaitDropping(web, true);
        return new Process[] {rate, loss};
    }

    /** The watchdog shells guarding changes in force (found by the mark in their script) and their sleeps. */
    /** Watchdogs of changes in our web container (change ids end in its short id): other builds may run theirs beside. */
    List<ProcessHandle> watchdogs() {
        String shortId = docker.inspect(web, "{{.Id}}").substring(0, 12);
        return ProcessHandle.allProcesses()
                .filter(p -> p.info()
                        .commandLine()
                        .map(c -> Watchdogs.isWatchdog(c) && c.contains(shortId))
                        .orElse(false))
                .flatMap(p -> Stream.concat(Stream.of(p), p.descendants()))
                .toList();
    }

    /** Both changes of shapeAndDrop() are guarded: two shells, each with its sleep. */
    List<ProcessHandle> awaitWatchdogs() throws InterruptedException {
        List<ProcessHandle> found = watchdogs();
        for (int i = 0; i < 50 && found.size() < 4; i++) {
            Thread.sleep(100);
            found = watchdogs();
        }
        assertEquals(4, found.size(), "two watchdog shells and their sleeps: " + describe(found));
        return found;
    }

    static void assertEnded(List<ProcessHandle> processes, String when) throws InterruptedException {
        for (int i = 0; i < 50 && processes.stream().anyMatch(ProcessHandle::isAlive); i++) Thread.sleep(100);
        List<ProcessHandle> alive =
                processes.stream().filter(ProcessHandle::isAlive).toList();
        assertTrue(alive.isEmpty(), "watchdog processes left " + when + ": " + describe(alive));
    }

    static String describe(List<ProcessHandle> ps) {
        return ps.stream()
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
                .toList()
                .toString();
    }

    @Test
    void sigtermRevertsAtOnce() throws Exception {
        Process[] both = shapeAndDrop("5m");
        Process rate = both[0], loss = both[1];
        List<ProcessHandle> guards = awaitWatchdogs();
        rate.destroy(); // SIGTERM
        loss.destroy();
        assertTrue(rate.waitFor(20, TimeUnit.SECONDS));
        assertTrue(loss.waitFor(20, TimeUnit.SECONDS));
        assertFalse(shaped(web), qdiscs(web));
        assertFalse(dropping(web), rules(web));
        assertEnded(guards, "after a revert on SIGTERM (the sleeps included)");
    }

    @Test
    void afterSigkillTheNextStartReverts() throws Exception {
        Process[] both = shapeAndDrop("5m");
        Process rate = both[0], loss = both[1];
        List<ProcessHandle> guards = awaitWatchdogs();
        rate.destroyForcibly(); // SIGKILL: no hook runs
        loss.destroyForcibly();
        rate.waitFor();
        loss.waitFor();
        Thread.sleep(500);
        assertTrue(shaped(web), "still shaped after the crash: " + qdiscs(web));
        assertTrue(dropping(web), "still dropping after the crash: " + rules(web));
        assertTrue(
                guards.stream().allMatch(ProcessHandle::isAlive),
                "the crashed sidecars' watchdogs still guard: " + describe(guards));
        Sidecar.Run next = sidecar.run("--dry-run", "kill", web); // any next start of the sidecar
        assertTrue(next.output().contains("action=recover"), next.output());
        assertTrue(next.output().contains("watchdogs_stopped=1"), next.output());
        assertFalse(shaped(web), qdiscs(web));
        assertFalse(dropping(web), rules(web));
        // left running, each would sleep out its 5 minutes and then delete whatever carries its tc handle
        assertEnded(guards, "after the next start recovered the changes");
    }

    @Test
    void afterSigkillTheWatchdogOutsideTheJvmRevertsAtTheDeadline() throws Exception {
        Process[] both = shapeAndDrop("2s");
        Process rate = both[0], loss = both[1];
        List<ProcessHandle> guards = awaitWatchdogs();
        rate.destroyForcibly(); // no hook, no next start: only the detached watchdog is left
        loss.destroyForcibly();
        long t0 = System.currentTimeMillis();
        awaitShaped(web, false);
        awaitDropping(web, false);
        assertTrue(System.currentTimeMillis() - t0 < 15_000);
        assertEnded(guards, "after they reverted at the deadline");
    }

    @Test
    void theTargetsOwnQdiscsAndRulesAreLeftByteForByte() throws Exception {
        // its own root qdisc: refused with a clear error, left as it was
        assertFalse(docker.inNetns(
                        web, "tc", "qdisc", "add", "dev", "eth0", "root", "handle", "1:", "tbf", "rate", "100mbit",
                        "burst", "32kbit", "latency", "400ms")
                .startsWith("ERR"));
        String qdiscsBefore = qdiscs(web);
        Sidecar.Run root = sidecar.run("netem", "--duration", "2s", "rate", "--rate", "1mbit", web);
        assertEquals(1, root.exitCode(), root.output());
        assertTrue(root.output().contains("the sidecar never replaces it"), root.output());
        assertEquals(qdiscsBefore, qdiscs(web));

        // its own ingress qdisc: the same for --ingress
        assertFalse(docker.inNetns(echo, "tc", "qdisc", "add", "dev", "eth0", "handle", "ffff:", "ingress")
                .startsWith("ERR"));
        String echoBefore = qdiscs(echo) + docker.inNetns(echo, "ip", "-o", "link", "show");
        Sidecar.Run in = sidecar.run("netem", "--duration", "2s", "--ingress", "rate", "--rate", "1mbit", echo);
        assertEquals(1, in.exitCode(), in.output());
        assertTrue(in.output().contains("already has an ingress qdisc"), in.output());
        assertEquals(echoBefore, qdiscs(echo) + docker.inNetns(echo, "ip", "-o", "link", "show"));

        // its own iptables rules stay, in place and in order, around ours
        assertFalse(docker.inNetns(web, "iptables", "-A", "INPUT", "-p", "tcp", "--dport", "9", "-j", "ACCEPT")
                .startsWith("ERR"));
        assertFalse(docker.inNetns(web, "iptables", "-A", "INPUT", "-p", "udp", "--dport", "9", "-j", "DROP")
                .startsWith("ERR"));
        String rulesBefore = rules(web);
        Process loss = startLoss("3s");
        awaitDropping(web, true);
        assertEquals(0, loss.waitFor());
        assertEquals(rulesBefore, rules(web));
    }

    @Test
    void dryRunShapesNothing() throws Exception {
        String qdiscsBefore = qdiscs(web), rulesBefore = rules(web);
        Sidecar.Run rate = sidecar.run("--dry-run", "netem", "--duration", "1s", "rate", "--rate", "1mbit", web);
        Sidecar.Run loss =
                sidecar.run("--dry-run", "iptables", "--duration", "1s", "loss", "--probability", "1.0", web);
        assertEquals(0, rate.exitCode(), rate.output());
        assertEquals(0, loss.exitCode(), loss.output());
        assertTrue(
                rate.output().contains("dry_run=true")
                        && rate.output().contains(NetemPreflight.proven() ? "netem rate 1mbit" : "tbf rate 1mbit"),
                rate.output());
        assertTrue(
                loss.output().contains("dry_run=true") && loss.output().contains("--probability 1.0"), loss.output());
        assertEquals(qdiscsBefore, qdiscs(web));
        assertEquals(rulesBefore, rules(web));
    }

    /** The preflight: on a kernel without sch_netem every netem verb is refused up front and leaves nothing. */
    @Test
    void netemVerbsAreRefusedUpFrontWithoutSchNetemAndLeaveNothing() throws Exception {
        Assumptions.assumeFalse(DockerHost.kernelHasNetem(), "this kernel has netem: the netem guest suite covers it");
        for (List<String> verb : List.of(
                List.of("delay", "--time", "100", "--jitter", "10"),
                List.of("loss", "--percent", "30"),
                List.of("duplicate", "--percent", "5"),
                List.of("corrupt", "--percent", "5"))) {
            for (boolean ingress : new boolean[] {false, true}) {
                List<String> args = new ArrayList<>(List.of("netem", "--duration", "30s"));
                if (ingress) args.add("--ingress");
                args.addAll(verb);
                args.add(web);
                Sidecar.Run r = sidecar.run(args.toArray(String[]::new));
                assertEquals(1, r.exitCode(), r.output());
                for (String says : List.of(
                        "no sch_netem in this kernel (tc: Specified qdisc kind is unknown)",
                        "kernel-modules-extra",
                        "linux-modules-extra-$(uname -r)",
                        "netem rate",
                        "iptables loss",
                        "latency on=read|write|connect",
                        "nothing was changed")) {
                    assertTrue(r.output().contains(says), args + " says '" + says + "': " + r.output());
                }
            }
        }
        assertFalse(shaped(web), "no qdisc left: " + qdiscs(web));
        assertFalse(docker.inNetns(web, "ip", "link", "show").contains("flifb"), "no IFB device left");
        assertTrue(new Journal(sidecar.journal).pending().isEmpty(), "no journal entry");
        Sidecar.Run rate = sidecar.run("--dry-run", "netem", "--duration", "1s", "rate", "--rate", "1mbit", web);
        assertEquals(0, rate.exitCode(), "rate needs no netem: " + rate.output());
    }
}
