package dev.faultline.bench;

import dev.faultline.common.jmx.Credentials;
import dev.faultline.common.jmx.JmxClient;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;

/**
 * The daemon's resident memory ({@code VmRSS}) 8 s after start and 8 s after N experiments, each a JMX
 * {@code run("--dry-run kill <name>")} on one running busybox container (the parse, the selection, the experiment's
 * thread and log line, nothing done to the container). The JVM flags are the arguments after the jar and N.
 * Usage: {@code java -cp benchmarks.jar dev.faultline.bench.DaemonRssBench <sidecar jar> <N> [JVM flags…]}.
 */
public final class DaemonRssBench {
    public static void main(String[] args) throws Exception {
        String jar = args[0];
        int n = Integer.parseInt(args[1]);
        List<String> flags = Arrays.asList(args).subList(2, args.length);
        String target = "flrss-" + ProcessHandle.current().pid();
        SidecarBench.exec("docker", "run", "-d", "--name", target, "faultline/busybox:local", "sleep", "3600");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path journal = Files.createTempDirectory("flrss").resolve("journal");
        List<String> cmd = new ArrayList<>(List.of("java"));
        cmd.addAll(flags);
        cmd.addAll(List.of("-jar", jar, "daemon", "--jmx-port", Integer.toString(port)));
        ProcessBuilder pb =
                new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("FAULTLINE_JOURNAL", journal.toString());
        Process daemon = pb.start();
        try {
            Path generated = Credentials.generatedFile(journal.getParent(), port);
            while (!Files.exists(generated)) Thread.sleep(20);
            Thread.sleep(8000);
            long before = SidecarBench.rssKb(daemon.pid());
            try (JMXConnector c = JmxClient.await("127.0.0.1", port, Credentials.read(generated), 30_000)) {
                MBeanServerConnection jmx = c.getMBeanServerConnection();
                ObjectName sidecar = new ObjectName("dev.faultline:type=Sidecar");
                for (int i = 0; i < n; i++)
                    jmx.invoke(sidecar, "run", new Object[] {"--dry-run kill " + target}, new String[] {
                        String.class.getName()
                    });
            }
            Thread.sleep(8000);
            long after = SidecarBench.rssKb(daemon.pid());
            System.out.printf("| %s | %d MiB | %d MiB |%n", String.join(" ", flags), before / 1024, after / 1024);
        } finally {
            daemon.destroy();
            daemon.waitFor();
            SidecarBench.exec("docker", "rm", "-f", target);
        }
    }
}
