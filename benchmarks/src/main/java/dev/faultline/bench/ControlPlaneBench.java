package dev.faultline.bench;

import dev.faultline.common.jmx.Credentials;
import dev.faultline.common.jmx.JmxClient;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;

/**
 * What authentication costs an operator: a new remote JMX connection plus one {@code add()}, against an agent
 * with its default (a generated password) and one started with {@code jmx.auth=none}, in alternating rounds
 * so that drift hits both alike. {@code ControlPlaneBench <agent jar> <rounds>}; prints markdown.
 */
public final class ControlPlaneBench {
    static final ObjectName AGENT = name();

    public static void main(String[] args) throws Exception {
        String agentJar = args[0];
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Path dir = Files.createTempDirectory("flbench-jmx");
        int authPort = freePort(), openPort = freePort();
        Process withAuth = service(agentJar, "jmx.port=" + authPort + ",jmx.auth.dir=" + dir);
        Process withoutAuth = service(agentJar, "jmx.port=" + openPort + ",jmx.auth=none");
        try {
            Path file = Credentials.generatedFile(dir, authPort);
            while (!Files.exists(file)) Thread.sleep(20);
            Credentials credentials = Credentials.read(file);
            JmxClient.await("127.0.0.1", authPort, credentials, 30_000).close();
            JmxClient.await("127.0.0.1", openPort, null, 30_000).close();
            for (int i = 0; i < 20; i++) { // warm-up, dropped
                once(authPort, credentials);
                once(openPort, null);
            }
            double[] auth = new double[rounds], open = new double[rounds], ratio = new double[rounds];
            for (int i = 0; i < rounds; i++) {
                auth[i] = once(authPort, credentials);
                open[i] = once(openPort, null);
                ratio[i] = auth[i] / open[i];
            }
            Arrays.sort(auth);
            Arrays.sort(open);
            Arrays.sort(ratio);
            System.out.println("| connect + add() + close | median ms | p90 ms | rounds |");
            System.out.println("|---|---|---|---|");
            System.out.printf(
                    "| password (generated, the default) | %.2f | %.2f | %d |%n",
                    auth[rounds / 2], auth[rounds * 9 / 10], rounds);
            System.out.printf(
                    "| jmx.auth=none | %.2f | %.2f | %d |%n", open[rounds / 2], open[rounds * 9 / 10], rounds);
            System.out.printf(
                    "%nmedian paired ratio (password / none): %.3f (p10 %.3f, p90 %.3f)%n",
                    ratio[rounds / 2], ratio[rounds / 10], ratio[rounds * 9 / 10]);
        } finally {
            withAuth.destroy();
            withoutAuth.destroy();
            withAuth.waitFor();
            withoutAuth.waitFor();
        }
    }

    /** One operator action from nothing: connect, log in, add a fault; the fault is removed untimed. */
    static double once(int port, Credentials credentials) throws Exception {
        long t0 = System.nanoTime();
        try (JMXConnector c = JmxClient.connect("127.0.0.1", port, credentials)) {
            MBeanServerConnection jmx = c.getMBeanServerConnection();
            String id = (String)
                    jmx.invoke(AGENT, "add", new Object[] {"latency on=read port=1 delay=1ms ttl=1m"}, new String[] {
                        String.class.getName()
                    });
            double ms = (System.nanoTime() - t0) / 1e6;
            jmx.invoke(AGENT, "remove", new Object[] {id}, new String[] {String.class.getName()});
            return ms;
        }
    }

    static Process service(String agentJar, String options) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(List.of(
                        java,
                        "-javaagent:" + agentJar + "=log.level=warn," + options,
                        "-cp",
                        System.getProperty("java.class.path"),
                        HelloService.class.getName(),
                        String.valueOf(freePort())))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static ObjectName name() {
        try {
            return new ObjectName("dev.faultline:type=Agent");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
