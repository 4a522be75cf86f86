import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * {@code bash benchmarks/run.sh firstadd}: the time from the agent's first {@code add("error on=connect port=P")} over JMX to the
 * first connect the target itself sees fail, in fresh JVMs started with {@code -javaagent} (the floor of every attach
 * path: the first add() installs the network hooks). Two roles in one file:
 * <pre>
 * target PORT                          connects to its own server on PORT every 2 ms; prints "EVENT ok|error" on change
 * driver JAVA CLASSES ROUNDS [NAME=]JAR…  ROUNDS fresh targets per agent jar, the jars interleaved; prints the times
 *                                      (median, p90, min–max) and the load average at the start and the end
 * </pre>
 */
public final class FirstAddBench {
    public static void main(String[] args) throws Exception {
        if (args[0].equals("target")) target(Integer.parseInt(args[1]));
        else driver(args[1], args[2], Integer.parseInt(args[3]), List.of(args).subList(4, args.length));
    }

    static void target(int port) throws Exception {
        ServerSocket server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(() -> {
            while (true) {
                try (Socket s = server.accept()) {
                    // accepted and closed: the client only connects
                } catch (IOException e) {
                    return;
                }
            }
        });
        accept.setDaemon(true);
        accept.start();
        InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        String state = null;
        while (true) {
            String now;
            try (Socket s = new Socket()) {
                s.connect(to, 1000);
                now = "ok";
            } catch (IOException e) {
                now = "error";
            }
            if (!now.equals(state)) {
                System.out.println("EVENT " + now);
                System.out.flush();
                state = now;
            }
            Thread.sleep(2);
        }
    }

    static void driver(String java, String classes, int rounds, List<String> named) throws Exception {
        Map<String, String> jars = new LinkedHashMap<>();
        for (String a : named) {
            int eq = a.indexOf('=');
            jars.put(eq < 0 ? a : a.substring(0, eq), eq < 0 ? a : a.substring(eq + 1));
        }
        List<String> agents = new ArrayList<>(jars.keySet());
        String loadBefore = load();
        Map<String, List<Long>> first = new LinkedHashMap<>(), second = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (int i = 0; i < agents.size(); i++) {
                String agent = agents.get((i + round) % agents.size()); // rotated: no jar always goes first
                long[] ms = round(java, classes, jars.get(agent));
                first.computeIfAbsent(agent, a -> new ArrayList<>()).add(ms[0]);
                second.computeIfAbsent(agent, a -> new ArrayList<>()).add(ms[1]);
                System.err.printf("round %d, %s: first add() %d ms; second %d ms%n", round, agent, ms[0], ms[1]);
            }
        }
        System.out.println("load average (1, 5, 15 min): " + loadBefore + " at the start, " + load() + " at the end");
        System.out.println("| agent | first add() to the first failed call: median | p90 | min–max [ms] "
                + "| second add(): median | p90 | min–max [ms] |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (String agent : agents) {
            System.out.println("| " + agent + " | " + stats(first.get(agent)) + " | " + stats(second.get(agent)) + " |");
        }
    }

    static String load() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
        return f[0] + " " + f[1] + " " + f[2];
    }

    /** One fresh target: {first add() to its first failed call, second add() to its first failed call} in ms. */
    static long[] round(String java, String classes, String agent) throws Exception {
        ObjectName agentBean = new ObjectName("dev.faultline:type=Agent");
        String[] sig = {String.class.getName()};
        {
            int port = freePort(), jmxPort = freePort();
            List<String> command = new ArrayList<>(List.of(java));
            String extra = System.getenv("TARGET_OPTS"); // e.g. -Xlog:class+load to see what the first add() loads
            if (extra != null && !extra.isBlank()) command.addAll(List.of(extra.trim().split("\\s+")));
            command.addAll(List.of(
                    "-javaagent:" + agent + "=jmx.port=" + jmxPort + ",jmx.auth=none,log.level=warn",
                    "-cp",
                    classes,
                    "FirstAddBench",
                    "target",
                    String.valueOf(port)));
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .start();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                    for (String l; (l = r.readLine()) != null; ) lines.add(l);
                } catch (IOException ignored) {
                    // the target ended
                }
            });
            reader.setDaemon(true);
            reader.start();
            try {
                await(lines, "EVENT ok");
                JMXConnector c = connect(jmxPort);
                MBeanServerConnection jmx = c.getMBeanServerConnection();
                Thread.sleep(1000); // past the target's start-up: its steady state is what a fault meets
                String spec = "error on=connect port=" + port + " ttl=30s";
                long t0 = System.nanoTime();
                String id = (String) jmx.invoke(agentBean, "add", new Object[] {spec}, sig);
                await(lines, "EVENT error");
                long t2 = System.nanoTime();
                jmx.invoke(agentBean, "remove", new Object[] {id}, sig);
                await(lines, "EVENT ok");
                long t3 = System.nanoTime();
                jmx.invoke(agentBean, "add", new Object[] {spec}, sig);
                await(lines, "EVENT error");
                long t4 = System.nanoTime();
                c.close();
                return new long[] {(t2 - t0) / 1_000_000, (t4 - t3) / 1_000_000};
            } finally {
                p.destroyForcibly().waitFor();
            }
        }
    }

    static String stats(List<Long> ms) {
        List<Long> s = new ArrayList<>(ms);
        s.sort(null);
        int n = s.size();
        double median = n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2.0;
        long p90 = s.get(Math.max(0, (int) Math.ceil(n * 0.9) - 1));
        return String.format("%s | %d | %d–%d", median % 1 == 0 ? (long) median : median, p90, s.get(0), s.get(n - 1));
    }

    static void await(BlockingQueue<String> lines, String want) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            String l = lines.poll(50, TimeUnit.MILLISECONDS);
            if (l == null) continue;
            if (l.equals(want)) return;
            if (!l.startsWith("EVENT")) System.err.println("  target: " + l);
            seen.add(l);
        }
        throw new IllegalStateException("no '" + want + "' within 30 s; the target printed " + seen);
    }

    static JMXConnector connect(int port) throws Exception {
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
        for (int i = 0; ; i++) {
            try {
                return JMXConnectorFactory.connect(url, new HashMap<>());
            } catch (IOException e) {
                if (i == 100) throw e;
                Thread.sleep(100);
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
