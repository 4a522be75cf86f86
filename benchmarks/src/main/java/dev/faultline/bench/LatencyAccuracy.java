package dev.faultline.bench;

import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Locale;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Run with the agent attached: how exact {@code latency delay=100ms} is over N connects (added p50/p99 against
 * the same connects unfaulted, in the same run), and how close {@code probability=0.1} comes over 10,000
 * calls. Arms through the in-process MBean server, the same MBean an operator reaches remotely.
 */
public final class LatencyAccuracy {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        ObjectName agent = new ObjectName("dev.faultline:type=Agent");
        for (int i = 0; i < 50 && !mbs.isRegistered(agent); i++) Thread.sleep(100);
        try (ServerSocket server = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) server.accept().close();
                } catch (Exception ignored) {
                    // closed at the end
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
            measure(target, 200); // warm-up
            long[] base = measure(target, n);
            String id = (String) mbs.invoke(
                    agent,
                    "add",
                    new Object[] {"latency on=connect port=" + server.getLocalPort() + " delay=100ms"},
                    new String[] {String.class.getName()});
            long[] faulted = measure(target, n);
            mbs.invoke(agent, "remove", new Object[] {id}, new String[] {String.class.getName()});
            double addedP50 = (pct(faulted, 50) - pct(base, 50)) / 1e6;
            double addedP99 = (pct(faulted, 99) - pct(base, 99)) / 1e6;
            System.out.printf(
                    Locale.ROOT,
                    "latency delay=100ms over %d connects: added p50 %.3f ms (error %.3f ms), added p99 %.3f ms (error %.3f ms); baseline p50 %.3f ms p99 %.3f ms%n",
                    n,
                    addedP50,
                    addedP50 - 100,
                    addedP99,
                    addedP99 - 100,
                    pct(base, 50) / 1e6,
                    pct(base, 99) / 1e6);

            mbs.invoke(
                    agent,
                    "add",
                    new Object[] {"error on=connect port=" + server.getLocalPort() + " probability=0.1"},
                    new String[] {String.class.getName()});
            int failed = 0;
            int calls = 10_000;
            for (int i = 0; i < calls; i++) {
                try (Socket s = new Socket()) {
                    s.connect(target, 5000);
                } catch (ConnectException e) {
                    failed++;
                }
            }
            mbs.invoke(agent, "clear", new Object[0], new String[0]);
            System.out.printf(
                    Locale.ROOT,
                    "probability=0.1 over %d connects: %d injected = %.2f %% (error %+.2f points)%n",
                    calls,
                    failed,
                    failed * 100.0 / calls,
                    failed * 100.0 / calls - 10);
        }
    }

    private static long[] measure(InetSocketAddress target, int n) throws Exception {
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            try (Socket s = new Socket()) {
                s.connect(target, 5000);
            }
            t[i] = System.nanoTime() - t0;
        }
        Arrays.sort(t);
        return t;
    }

    private static double pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p / 100.0) - 1)];
    }
}
