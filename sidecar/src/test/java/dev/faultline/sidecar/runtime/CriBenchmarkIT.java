package dev.faultline.sidecar.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.faultline.common.jmx.JmxClient;
import dev.faultline.sidecar.Sidecar;
import dev.faultline.sidecar.runtime.cri.v1.ContainerState;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * BENCHMARKS.md's CRI figures, one run: JMX {@code run("crash …")} until CRI reports EXITED against a plain
 * {@code kill -9} of the host PID, rounds interleaved; a netem rate's apply and revert on a CRI pod (the daemon's own
 * {@code apply_ms}/{@code revert_ms}); the idle daemon's RSS with the CRI runtime. No kubelet here: each crash round
 * starts a fresh container (in one pod) the way kubelet would restart it.
 */
class CriBenchmarkIT extends CriTest {
    static final int ROUNDS = 12;

    @Test
    void crashThroughJmxToExitedAgainstAPlainKill() throws Exception {
        Sidecar sidecar = new Sidecar();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process daemon =
                sidecar.start("--runtime-endpoint", CriNode.ENDPOINT, "daemon", "--jmx-port", Integer.toString(port));
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> new BufferedReader(new InputStreamReader(daemon.getInputStream()))
                .lines()
                .forEach(log::add));
        reader.setDaemon(true);
        reader.start();
        try (JMXConnector c = JmxClient.await("127.0.0.1", port, sidecar.credentials(port), 30_000)) {
            MBeanServerConnection jmx = c.getMBeanServerConnection();
            ObjectName name = new ObjectName("dev.faultline:type=Sidecar");
            String runtime = (String) jmx.getAttribute(name, "Runtime");
            assertTrue(runtime.startsWith("cri " + CriNode.ENDPOINT + " (containerd"), runtime);
            Thread.sleep(2000); // idle: started, connected once
            long rssKb = Files.readAllLines(Path.of("/proc/" + daemon.pid() + "/status")).stream()
                    .filter(l -> l.startsWith("VmRSS:"))
                    .map(l -> Long.parseLong(l.replaceAll("\\D", "")))
                    .findFirst()
                    .orElseThrow();

            CriNode.Pod pod = node.runPod("bench", node.run + "-crash", Map.of());
            List<Double> viaJmx = new ArrayList<>(), plain = new ArrayList<>();
            for (int i = 0; i < ROUNDS; i++) {
                String id = node.startContainer(pod, "app-" + i, CriRuntimeIT.TICKER);
                String target = "bench/" + node.run + "-crash/app-" + i;
                long t0 = System.nanoTime();
                jmx.invoke(name, "run", new Object[] {"crash --signal SIGKILL " + target}, new String[] {
                    String.class.getName()
                });
                awaitExited(id);
                viaJmx.add((System.nanoTime() - t0) / 1e6);

                String other = node.startContainer(pod, "kill-" + i, CriRuntimeIT.TICKER);
                long pid = cri.process(other).pid();
                long t1 = System.nanoTime();
                assertEquals(
                        "",
                        CriNode.exec(List.of("kill", "-9", Long.toString(pid))).strip());
                awaitExited(other);
                plain.add((System.nanoTime() - t1) / 1e6);
            }
            StringBuilder rounds =
                    new StringBuilder(); // in order: a slow first round (the daemon's first crash) reads apart from a
            // tail
            for (int i = 0; i < ROUNDS; i++)
                rounds.append(String.format(Locale.ROOT, " %.0f/%.0f", viaJmx.get(i), plain.get(i)));
            System.out.println("[faultline-sidecar-it] CRI crash rounds in order, ms via JMX/plain:" + rounds);
            System.out.printf(
                    "[faultline-sidecar-it] CRI crash via JMX run() -> EXITED: median %.1f ms p90 %.1f ms; plain kill -9 -> EXITED: median %.1f ms p90 %.1f ms; "
                            + "ratio median %.2fx p90 %.2fx (%d rounds, load %s)%n",
                    pct(viaJmx, 50),
                    pct(viaJmx, 90),
                    pct(plain, 50),
                    pct(plain, 90),
                    pct(viaJmx, 50) / pct(plain, 50),
                    pct(viaJmx, 90) / pct(plain, 90),
                    ROUNDS,
                    Files.readString(Path.of("/proc/loadavg")).strip());

            CriNode.Pod shaped = node.runPod("bench", node.run + "-netem", Map.of());
            node.startContainer(shaped, "app", CriRuntimeIT.TICKER);
            List<Double> apply = new ArrayList<>(), revert = new ArrayList<>();
            for (int i = 0; i < ROUNDS; i++) {
                int seen = log.size();
                jmx.invoke(
                        name,
                        "run",
                        new Object[] {"netem --duration 200ms rate --rate 1mbit bench/" + node.run + "-netem/app"},
                        new String[] {String.class.getName()});
                String reverted = awaitLine(log, seen, "action=reverted");
                apply.add(field(awaitLine(log, seen, "action=applied"), "apply_ms"));
                revert.add(field(reverted, "revert_ms"));
            }
            System.out.printf(
                    "[faultline-sidecar-it] CRI netem rate apply_ms: median %.1f p90 %.1f; revert_ms: median %.1f p90 %.1f (%d rounds)%n",
                    pct(apply, 50), pct(apply, 90), pct(revert, 50), pct(revert, 90), ROUNDS);
            System.out.printf(
                    "[faultline-sidecar-it] idle daemon RSS with the CRI runtime: %d MiB (%s)%n",
                    rssKb / 1024, runtime);
        } finally {
            daemon.destroy();
            daemon.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /**
     * netem rate apply/revert of two builds side by side, one run: {@code -Dfaultline.sidecar.jar.before=<jar>} (e.g.
     * main's build before a change) against this build's jar, two daemons without the class archive on one pod,
     * rounds interleaved and the order swapped every round; the daemons' own {@code apply_ms}/{@code revert_ms}.
     */
    @Test
    void netemRateApplyAndRevertOfTwoBuildsSideBySide() throws Exception {
        String beforeJar = System.getProperty("faultline.sidecar.jar.before");
        Assumptions.assumeTrue(
                beforeJar != null && Files.isRegularFile(Path.of(beforeJar)),
                "skipped: no -Dfaultline.sidecar.jar.before=<jar of the build to compare with> (given: " + beforeJar
                        + ")");
        CriNode.Pod shaped = node.runPod("bench", node.run + "-pair", Map.of());
        node.startContainer(shaped, "app", CriRuntimeIT.TICKER);
        String run = "netem --duration 200ms rate --rate 1mbit bench/" + node.run + "-pair/app";
        try (Sidecar before = new Sidecar(beforeJar);
                Sidecar after = new Sidecar(Sidecar.JAR);
                CriDaemon b = new CriDaemon(before);
                CriDaemon a = new CriDaemon(after)) {
            int rounds = 2 * ROUNDS;
            List<Double> ba = new ArrayList<>(),
                    br = new ArrayList<>(),
                    aa = new ArrayList<>(),
                    ar = new ArrayList<>(),
                    ratio = new ArrayList<>();
            for (int i = -2; i < rounds; i++) { // two warm-up rounds each, dropped
                double[] x, y;
                if ((i & 1) == 0) {
                    x = b.netem(run);
                    y = a.netem(run);
                } else {
                    y = a.netem(run);
                    x = b.netem(run);
                }
                if (i < 0) continue;
                ba.add(x[0]);
                br.add(x[1]);
                aa.add(y[0]);
                ar.add(y[1]);
                ratio.add(y[1] / x[1]);
            }
            System.out.printf(
                    "[faultline-sidecar-it] CRI netem rate side by side (%d rounds each, interleaved, load %s): "
                            + "before apply_ms median %.1f p90 %.1f, revert_ms median %.1f p90 %.1f; after apply_ms median %.1f p90 %.1f, revert_ms median %.1f p90 %.1f; "
                            + "revert after/before paired median %.2f%n",
                    rounds,
                    Files.readString(Path.of("/proc/loadavg")).strip(),
                    pct(ba, 50),
                    pct(ba, 90),
                    pct(br, 50),
                    pct(br, 90),
                    pct(aa, 50),
                    pct(aa, 90),
                    pct(ar, 50),
                    pct(ar, 90),
                    pct(ratio, 50));
        }
    }

    /** The first line from {@code from} on that contains {@code word}, once the daemon has written it. */
    private static String awaitLine(List<String> log, int from, String word) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < end) {
            synchronized (log) {
                for (String line : log.subList(from, log.size())) if (line.contains(word)) return line;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the daemon did not say " + word + ": " + log.subList(from, log.size()));
    }

    private static double field(String line, String key) {
        Matcher m = Pattern.compile(key + "=([0-9.]+)").matcher(line);
        assertTrue(m.find(), key + " in " + line);
        return Double.parseDouble(m.group(1));
    }

    private void awaitExited(String id) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (node.status(id).getState() != ContainerState.CONTAINER_EXITED) {
            if (System.nanoTime() > end) fail(id + " not EXITED");
            Thread.sleep(1);
        }
    }

    private static double pct(List<Double> xs, int p) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(p / 100.0 * s.size()) - 1));
    }
}
