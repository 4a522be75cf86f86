package dev.faultline.bench;

import dev.faultline.common.jmx.Credentials;
import dev.faultline.common.jmx.JmxClient;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;

/**
 * The daemon's kill on one runtime, for benchmarks/sidecar-runtimes.sh beside hyperfine's rows of the native CLI and
 * the sidecar's CLI: one running daemon ({@code <launcher> <runtime words…> daemon --jmx-port P}); each round runs
 * the prepare command (untimed: it starts the container again), then times JMX {@code run("kill <target>")} until the
 * daemon's {@code list()} says the experiment ended (what a CLI kill has done when its process exits) with its one
 * action done (ActionsRun up by one). A round whose kill did not act fails the run rather than count.
 * Usage: {@code RuntimeDaemonKillBench <launcher> <rounds> <prepare sh -c string> <target> [runtime words…]}; prints
 * one markdown row: mean ± sd (min–max) in ms.
 */
public final class RuntimeDaemonKillBench {
    public static void main(String[] args) throws Exception {
        String launcher = args[0];
        int rounds = Integer.parseInt(args[1]);
        String prepare = args[2];
        String target = args[3];
        List<String> runtimeWords = Arrays.asList(args).subList(4, args.length);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path journal = Files.createTempDirectory("flbench-rt").resolve("journal");
        List<String> command = new ArrayList<>(List.of(launcher));
        command.addAll(runtimeWords);
        command.addAll(List.of("daemon", "--jmx-port", Integer.toString(port)));
        Path log = journal.resolveSibling("daemon.log");
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("FAULTLINE_JOURNAL", journal.toString());
        Process daemon = pb.start();
        try {
            Path generated = Credentials.generatedFile(journal.getParent(), port);
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!Files.exists(generated)) {
                if (!daemon.isAlive() || System.nanoTime() > deadline)
                    throw new IllegalStateException("the daemon did not start: " + Files.readString(log));
                Thread.sleep(20);
            }
            try (JMXConnector c = JmxClient.await("127.0.0.1", port, Credentials.read(generated), 30_000)) {
                MBeanServerConnection jmx = c.getMBeanServerConnection();
                ObjectName sidecar = new ObjectName("dev.faultline:type=Sidecar");
                double[] ms = new double[rounds];
                for (int i = -1; i < rounds; i++) { // round -1: the warm-up, as hyperfine's -w 1
                    sh(prepare);
                    long before = (Long) jmx.getAttribute(sidecar, "ActionsRun");
                    long t0 = System.nanoTime();
                    String id = (String) jmx.invoke(
                            sidecar, "run", new Object[] {"kill " + target}, new String[] {String.class.getName()});
                    // list() shows it from run()'s return, "running" only once a pool thread has it: wait for "ended"
                    while (!ended(jmx, sidecar, id)) {
                        if (System.nanoTime() - t0 > 30_000_000_000L)
                            throw new IllegalStateException("no kill within 30 s: "
                                    + String.join("\n", (String[]) jmx.invoke(sidecar, "list", null, null)));
                        Thread.sleep(0, 200_000);
                    }
                    if (i >= 0) ms[i] = (System.nanoTime() - t0) / 1e6;
                    long after = (Long) jmx.getAttribute(sidecar, "ActionsRun");
                    if (after != before + 1)
                        throw new IllegalStateException("expected one kill, the daemon ran " + (after - before) + ":\n"
                                + String.join("\n", (String[]) jmx.invoke(sidecar, "list", null, null)));
                }
                double mean = Arrays.stream(ms).average().orElse(0);
                double sd = Math.sqrt(
                        Arrays.stream(ms).map(x -> (x - mean) * (x - mean)).sum() / Math.max(1, rounds - 1));
                System.out.printf(
                        Locale.ROOT,
                        "| daemon JMX run(\"kill %s\") (%s) | %.1f ± %.1f ms (%.1f–%.1f) | %d rounds |%n",
                        target,
                        String.join(" ", runtimeWords),
                        mean,
                        sd,
                        Arrays.stream(ms).min().orElse(0),
                        Arrays.stream(ms).max().orElse(0),
                        rounds);
            }
        } finally {
            daemon.destroy();
            daemon.waitFor();
        }
    }

    static boolean ended(MBeanServerConnection jmx, ObjectName sidecar, String id) throws Exception {
        for (String line : (String[]) jmx.invoke(sidecar, "list", null, null))
            if (line.startsWith(id + "  ended")) return true;
        return false;
    }

    static void sh(String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (p.waitFor() != 0) throw new IllegalStateException("prepare failed: " + script);
    }
}
