package dev.faultline.bench;

import dev.faultline.common.jmx.Credentials;
import dev.faultline.common.jmx.JmxClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;

/**
 * Sidecar figures, in one run on one engine: JMX run("kill …") to not-running against {@code docker kill}
 * on the same container type; apply and revert time of a rate rule (from the sidecar's own action log);
 * the daemon's resident memory when idle. Needs root, a Docker engine and faultline/busybox:local.
 * Usage: {@code java -cp benchmarks.jar dev.faultline.bench.SidecarBench <sidecar jar> [rounds]}.
 */
public final class SidecarBench {
    public static void main(String[] args) throws Exception {
        String jar = args[0];
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        String run = "flbench-" + ProcessHandle.current().pid();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path journal = Files.createTempDirectory("flbench").resolve("journal");
        ProcessBuilder daemonStart = new ProcessBuilder(List.of(
                        "java",
                        "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1",
                        "-jar",
                        jar,
                        "daemon",
                        "--jmx-port",
                        Integer.toString(port)))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        daemonStart.environment().put("FAULTLINE_JOURNAL", journal.toString());
        Process daemon = daemonStart.start();
        try {
            Path generated = Credentials.generatedFile(journal.getParent(), port);
            while (!Files.exists(generated)) Thread.sleep(20);
            JMXConnector c = JmxClient.await("127.0.0.1", port, Credentials.read(generated), 30_000);
            MBeanServerConnection jmx = c.getMBeanServerConnection();
            ObjectName sidecar = new ObjectName("dev.faultline:type=Sidecar");
            Thread.sleep(5000);
            long rssKb = rssKb(daemon.pid());

            double[] viaJmx = new double[rounds];
            double[] viaCli = new double[rounds];
            for (int i = 0; i < rounds; i++) { // interleaved, so drift hits both alike
                String a = run + "-j" + i, b = run + "-c" + i;
                startContainer(run, a);
                startContainer(run, b);
                long t0 = System.nanoTime();
                jmx.invoke(sidecar, "run", new Object[] {"kill " + a}, new String[] {String.class.getName()});
                awaitStopped(a);
                viaJmx[i] = (System.nanoTime() - t0) / 1e6;
                t0 = System.nanoTime();
                exec("docker", "kill", b);
                awaitStopped(b);
                viaCli[i] = (System.nanoTime() - t0) / 1e6;
            }
            c.close();

            String target = run + "-shape";
            startContainer(run, target);
            List<Double> apply = new ArrayList<>(), revert = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                ProcessBuilder pb = new ProcessBuilder(
                                "java",
                                "-XX:TieredStopAtLevel=1",
                                "-jar",
                                jar,
                                "netem",
                                "--duration",
                                "200ms",
                                "rate",
                                "--rate",
                                "1mbit",
                                target)
                        .redirectErrorStream(true);
                pb.environment().put("FAULTLINE_JOURNAL", journal.toString());
                Process p = pb.start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor();
                apply.add(grab(out, "apply_ms=([0-9.]+)"));
                revert.add(grab(out, "revert_ms=([0-9.]+)"));
            }
            System.out.println("| what | median | p90 | rounds |");
            System.out.println("|---|---|---|---|");
            row("JMX run(\"kill …\") to not running", viaJmx);
            row("docker kill (CLI) to not running", viaCli);
            System.out.printf(
                    Locale.ROOT, "| ratio JMX / CLI (medians) | %.2f | | |%n", median(viaJmx) / median(viaCli));
            row(
                    "apply a rate rule (nsenter + tc, journalled)",
                    apply.stream().mapToDouble(Double::doubleValue).toArray());
            row(
                    "revert a rate rule",
                    revert.stream().mapToDouble(Double::doubleValue).toArray());
            System.out.printf(Locale.ROOT, "| daemon resident memory, idle | %d MiB | | |%n", rssKb / 1024);
        } finally {
            daemon.destroy();
            daemon.waitFor();
            String ids = exec("docker", "ps", "-aq", "--filter", "label=dev.faultline.bench=" + run)
                    .trim();
            if (!ids.isEmpty()) {
                List<String> rm = new ArrayList<>(List.of("docker", "rm", "-f"));
                rm.addAll(Arrays.asList(ids.split("\\s+")));
                exec(rm.toArray(String[]::new));
            }
        }
    }

    static void row(String what, double[] ms) {
        double[] s = ms.clone();
        Arrays.sort(s);
        System.out.printf(
                Locale.ROOT,
                "| %s | %.1f ms | %.1f ms | %d |%n",
                what,
                median(s),
                s[(int) Math.ceil(s.length * 0.9) - 1],
                s.length);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    static double grab(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        if (!m.find()) throw new IllegalStateException("no " + regex + " in:\n" + out);
        return Double.parseDouble(m.group(1));
    }

    static void startContainer(String run, String name) throws Exception {
        exec(
                "docker",
                "run",
                "-d",
                "--name",
                name,
                "--label",
                "dev.faultline.bench=" + run,
                "faultline/busybox:local",
                "sleep",
                "600");
    }

    static void awaitStopped(String name) throws Exception {
        while (!exec("docker", "inspect", "-f", "{{.State.Running}}", name)
                .trim()
                .equals("false")) Thread.sleep(5);
    }

    static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", ""));
        }
        return -1;
    }

    static String exec(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
