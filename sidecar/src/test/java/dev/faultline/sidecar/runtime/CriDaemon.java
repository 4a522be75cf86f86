package dev.faultline.sidecar.runtime;

import dev.faultline.common.jmx.JmxClient;
import dev.faultline.sidecar.Sidecar;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;

/** One sidecar daemon, its log read as it writes it, and its JMX connection. */
final class CriDaemon implements AutoCloseable {
    final Process process;
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    final JMXConnector connector;
    final ObjectName name = new ObjectName("dev.faultline:type=Sidecar");

    CriDaemon(Sidecar sidecar) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        process = sidecar.start("--runtime-endpoint", CriNode.ENDPOINT, "daemon", "--jmx-port", Integer.toString(port));
        Thread reader = new Thread(() -> new BufferedReader(new InputStreamReader(process.getInputStream()))
                .lines()
                .forEach(log::add));
        reader.setDaemon(true);
        reader.start();
        connector = JmxClient.await("127.0.0.1", port, sidecar.credentials(port), 30_000);
    }

    /** One netem run: its apply_ms and revert_ms. */
    double[] netem(String words) throws Exception {
        int seen = log.size();
        connector
                .getMBeanServerConnection()
                .invoke(name, "run", new Object[] {words}, new String[] {String.class.getName()});
        String reverted = awaitLine(seen, "action=reverted");
        return new double[] {field(awaitLine(seen, "action=applied"), "apply_ms"), field(reverted, "revert_ms")};
    }

    @Override
    public void close() throws Exception {
        try {
            connector.close();
        } catch (IOException gone) {
            // a daemon a test SIGKILLed
        }
        process.destroy();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    /** The first line from {@code from} on that contains {@code word}, once the daemon has written it. */
    String awaitLine(int from, String word) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < end) {
            synchronized (log) {
                for (String line : log.subList(from, log.size())) if (line.contains(word)) return line;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the daemon did not say " + word + ": " + log.subList(from, log.size()));
    }

    static double field(String line, String key) {
        Matcher m = Pattern.compile(key + "=([0-9.]+)").matcher(line);
        if (!m.find()) throw new AssertionError(key + " in " + line);
        return Double.parseDouble(m.group(1));
    }
}
