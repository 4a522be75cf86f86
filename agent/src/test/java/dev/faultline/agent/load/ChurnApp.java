package dev.faultline.agent.load;

import dev.faultline.agent.load.target.Ledger;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Runs inside a service started with the built agent jar. Eight worker threads loop through the hooked paths (a
 * write and a read on a loopback socket to an echo server in this JVM, then {@link Ledger#post()}, the method the
 * rules instrument) while the agent's MBean, called in-process, arms and removes a network and a method rule
 * cycle after cycle (the network rule in every cycle, the method rule in every {@code methodEvery}th after a warm-up
 * that has one in every cycle). Answers one line of figures ({@code key=value}): Metaspace used and loaded classes after a
 * full GC at the end of the warm-up and then every {@code sample} cycles, each worker's progress per window, and
 * the calls made after the last removal and how many of them saw a fault.
 *
 * <p>Commands on stdin: {@code churn CYCLES WARMUP SAMPLE QUIET METHOD_EVERY}.
 */
public final class ChurnApp {
    static final ObjectName AGENT = name("dev.faultline:type=Agent");
    static final int WORKERS = 8;
    /** The message of every injected error, to tell it from its consequences (the peer closing a faulted connection). */
    static final String INJECTED = "churn-injected";

    static final long PAUSE_NANOS = Long.getLong("churn.pause.us", 200) * 1000;
    private static final String[] STRING = {String.class.getName()};

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final int port;
    private final Worker[] workers = new Worker[WORKERS];
    /** System.nanoTime() of the last removal; calls that start after it must see no fault. */
    private volatile long quietFrom = Long.MAX_VALUE;

    private volatile boolean running = true;

    ChurnApp(ServerSocket echo) {
        this.port = echo.getLocalPort();
        for (int i = 0; i < WORKERS; i++) workers[i] = new Worker(i);
    }

    public static void main(String[] args) throws Exception {
        ServerSocket echo = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> serve(echo), "echo-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        ChurnApp app = new ChurnApp(echo);
        for (long deadline = System.nanoTime() + 30_000_000_000L; !app.server.isRegistered(AGENT); Thread.sleep(10)) {
            if (System.nanoTime() > deadline)
                throw new IllegalStateException("the agent's MBean never appeared in the platform server");
        }
        for (Worker w : app.workers) w.start();
        System.out.println("READY port=" + app.port);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] w = line.trim().split(" ");
            if (w[0].equals("churn")) {
                System.out.println(app.churn(
                        Integer.parseInt(w[1]),
                        Integer.parseInt(w[2]),
                        Integer.parseInt(w[3]),
                        Integer.parseInt(w[4]),
                        Integer.parseInt(w[5])));
            } else {
                System.out.println("ERR unknown command " + w[0]);
            }
        }
    }

    /** The specs of cycle {@code i}: each action in turn, the hangs included (a removal must end them). */
    String networkRule(int i) {
        return switch (i % 4) {
            case 0 -> "error on=read port=" + port + " probability=0.5 message=" + INJECTED + " ttl=1m";
            case 1 -> "latency on=write port=" + port + " delay=1ms ttl=1m";
            case 2 -> "hang on=read port=" + port + " for=2s ttl=1m";
            default -> "error on=connect port=" + port + " message=" + INJECTED + " ttl=1m";
        };
    }

    static String methodRule(int i) {
        String target = "on=method class=" + Ledger.class.getName() + " method=post ttl=1m";
        return switch (i % 3) {
            case 0 ->
                "error " + target + " exception=java.lang.IllegalStateException message=" + INJECTED
                        + " probability=0.5";
            case 1 -> "latency " + target + " delay=1ms";
            default -> "hang " + target + " for=2s";
        };
    }

    static final int MAX_SETTLE_WINDOWS = 12;

    String churn(int cycles, int warmup, int sample, int quiet, int methodEvery) throws Exception {
        StringBuilder out = new StringBuilder("OK");
        List<String> metaspace = new ArrayList<>(),
                classes = new ArrayList<>(),
                counted = new ArrayList<>(),
                bootProfiles = new ArrayList<>(),
                progress = new ArrayList<>();
        long[] lastCalls = calls();
        // what each sample does once loads classes the first time (VM.metaspace's report; printf's Formatter, locale
        // and
        // number formats, ~80 classes): done here, before the baseline, or the first window counts them as growth
        bootNonClassUsed();
        System.err.printf("[churn] %d cycles of warm-up, then windows of %d%n", warmup, sample);
        long t0 = System.nanoTime(), measuredFrom = 0;
        long netNanos = 0,
                methodNanos = 0,
                methodCycles = 0; // in add() and remove() of each kind, in the measured cycles
        int methodRules = 0;
        // the baseline: after the warm-up and windows of the measured mix until one moves Metaspace by less than 0.05 %
        // (the JIT's profiles of the mix's own paths keep growing it for a few thousand cycles on a fast machine)
        int settle = Integer.MAX_VALUE, windows = 0;
        Set<String> baselineNames = Set.of();
        Set<String> firstWindowNames = Set.of();
        long lastMeta = -1;
        for (int i = 0; i < (settle == Integer.MAX_VALUE ? Integer.MAX_VALUE : settle + cycles); i++) {
            // the warm-up arms a method rule in every cycle: the retransformation path is what needs warming (its
            // Metaspace use levels off after a few hundred retransformations: the JIT's own metadata, not leaks)
            boolean withMethod = i < warmup || (i - warmup) % methodEvery == 0;
            long a = System.nanoTime();
            String net = add(networkRule(i));
            long b = System.nanoTime();
            String method = withMethod ? add(methodRule(methodRules++)) : null;
            long c = System.nanoTime();
            remove(net);
            long d = System.nanoTime();
            if (withMethod) remove(method);
            long e = System.nanoTime();
            netNanos += (b - a) + (d - c);
            if (withMethod && i >= settle) {
                methodNanos += (c - b) + (e - d);
                methodCycles++;
            }
            int done = i + 1;
            if (settle == Integer.MAX_VALUE && done >= warmup + sample && (done - warmup) % sample == 0) {
                long meta = afterFullGc()[0];
                windows++;
                if ((lastMeta > 0 && Math.abs(meta - lastMeta) * 10_000 < lastMeta * 5)
                        || windows >= MAX_SETTLE_WINDOWS) settle = done;
                lastMeta = meta;
            }
            if (done >= settle && (done - settle) % sample == 0) {
                if (done == settle) measuredFrom = System.nanoTime();
                long[] m = afterFullGc();
                if (done == settle || done == settle + cycles) metaspaceReport(done == settle ? "baseline" : "end");
                metaspace.add(Long.toString(m[0]));
                classes.add(Long.toString(m[1]));
                // what the first measured window loaded, by name (a one-time load there reads as growth), reported at
                // the end
                if (done == settle) baselineNames = ClassCount.names();
                else if (done == settle + sample) firstWindowNames = ClassCount.names();
                counted.add(Long.toString(m[2]));
                bootProfiles.add(Long.toString(bootNonClassUsed()));
                long[] now = calls();
                long least = Long.MAX_VALUE;
                for (int w = 0; w < WORKERS; w++) least = Math.min(least, now[w] - lastCalls[w]);
                progress.add(Long.toString(least)); // the slowest worker's calls in this window: 0 = a stuck thread
                lastCalls = now;
                System.err.printf(
                        "[churn] %d cycles in %d ms%n",
                        done, (System.nanoTime() - t0) / 1_000_000); // for a run that times out
            }
        }
        long measuredMs = (System.nanoTime() - measuredFrom) / 1_000_000,
                totalMs = (System.nanoTime() - t0) / 1_000_000;
        Set<String> loadedInFirstWindow = new TreeSet<>(firstWindowNames);
        loadedInFirstWindow.removeAll(baselineNames);
        System.err.println(
                "[churn-new-classes] in the first window: " + loadedInFirstWindow.size() + " " + loadedInFirstWindow);
        long injectedAtQuiet = (Long) server.getAttribute(AGENT, "InjectedTotal");
        quietFrom = System.nanoTime();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (minQuietCalls() < quiet && System.nanoTime() < deadline) Thread.sleep(10);
        running = false;
        boolean allEnded = true;
        for (Worker w : workers) {
            w.join(10_000);
            allEnded &= !w.isAlive();
        }
        long quietCalls = 0, quietFaults = 0, netFaults = 0, methodFaults = 0;
        for (Worker w : workers) {
            quietCalls += w.quietCalls;
            quietFaults += w.quietFaults;
            netFaults += w.netFaults;
            methodFaults += w.methodFaults;
        }
        out.append(" cycles=")
                .append(cycles)
                .append(" warmup=")
                .append(warmup)
                .append(" settle=")
                .append(settle)
                .append(" ms=")
                .append(measuredMs)
                .append(" totalMs=")
                .append(totalMs)
                .append(" metaspace=")
                .append(String.join(",", metaspace))
                .append(" classes=")
                .append(String.join(",", classes))
                .append(" loadedCounter=")
                .append(String.join(",", counted))
                .append(" bootNonClass=")
                .append(String.join(",", bootProfiles))
                .append(" netUs=")
                .append(netNanos / cycles / 1000)
                .append(" methodUs=")
                .append(methodCycles == 0 ? 0 : methodNanos / methodCycles / 1000)
                .append(" methodCycles=")
                .append(methodCycles)
                .append(" leastProgress=")
                .append(String.join(",", progress))
                .append(" minQuietCalls=")
                .append(minQuietCalls())
                .append(" quietCalls=")
                .append(quietCalls)
                .append(" quietFaults=")
                .append(quietFaults)
                .append(" injectedAfterRemoval=")
                .append((Long) server.getAttribute(AGENT, "InjectedTotal") - injectedAtQuiet)
                .append(" netFaults=")
                .append(netFaults)
                .append(" methodFaults=")
                .append(methodFaults)
                .append(" workersEnded=")
                .append(allEnded)
                .append(" active=")
                .append(server.getAttribute(AGENT, "ActiveFaults"));
        return out.toString();
    }

    /**
     * After full GCs (which unload what is unreachable, old method versions too): Metaspace used (bytes), the Class
     * objects the JVM has (through a second, test-only agent), and the JVM's loaded-class counter, which counts each
     * redefinition's new class version as a class loaded and never as one unloaded (so it rises by one per
     * retransformation while the classes present stay the same).
     */
    /** With {@code -Dfaultline.churn.metaspaceReport=true}: the JVM's own account of Metaspace (jcmd VM.metaspace), to attribute a drift. */
    private static void metaspaceReport(String when) {
        if (!Boolean.getBoolean("faultline.churn.metaspaceReport")) return;
        try {
            Object text = ManagementFactory.getPlatformMBeanServer()
                    .invoke(
                            new ObjectName("com.sun.management:type=DiagnosticCommand"),
                            "vmMetaspace",
                            new Object[] {new String[] {"show-loaders", "by-spacetype"}},
                            new String[] {String[].class.getName()});
            System.err.println("[churn-metaspace " + when + "]\n" + text + "[/churn-metaspace]");
        } catch (Exception e) {
            System.err.println("[churn-metaspace " + when + "] unavailable: " + e);
        }
    }

    private static final Pattern BOOT_NON_CLASS = Pattern.compile(
            "CLD 0x\\p{XDigit}+: \"<bootstrap>\",[^\\n]*\\n\\s*Non-Class:[^\\n]*?committed,\\s*(\\d+) bytes \\(\\s*[<>]?\\d+%\\) used");

    /**
     * The boot loader's non-class Metaspace in use (bytes), from the JVM's own report ({@code jcmd VM.metaspace}): with the
     * class count flat it moves only with the method profiles the JIT keeps for the JDK's and the agent's own methods
     * (the agent is on the boot class path). Under C1 alone (no profiles) it stays flat while the churn runs.
     */
    static long bootNonClassUsed() {
        try {
            String report = (String) ManagementFactory.getPlatformMBeanServer()
                    .invoke(
                            new ObjectName("com.sun.management:type=DiagnosticCommand"),
                            "vmMetaspace",
                            new Object[] {new String[] {"show-loaders", "scale=1"}},
                            new String[] {String[].class.getName()});
            Matcher m = BOOT_NON_CLASS.matcher(report);
            if (!m.find())
                throw new IllegalStateException("no boot loader line in VM.metaspace:\n"
                        + report.substring(0, Math.min(2000, report.length())));
            return Long.parseLong(m.group(1));
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long[] afterFullGc() {
        for (int i = 0; i < 3; i++) System.gc();
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getName().equals("Metaspace")) used = pool.getUsage().getUsed();
        }
        return new long[] {
            used, ClassCount.now(), ManagementFactory.getClassLoadingMXBean().getLoadedClassCount()
        };
    }

    private long[] calls() {
        long[] c = new long[WORKERS];
        for (int i = 0; i < WORKERS; i++) c[i] = workers[i].calls.get();
        return c;
    }

    private long minQuietCalls() {
        long least = Long.MAX_VALUE;
        for (Worker w : workers) least = Math.min(least, w.quietCalls);
        return least;
    }

    private String add(String spec) throws Exception {
        return (String) server.invoke(AGENT, "add", new Object[] {spec}, STRING);
    }

    private void remove(String id) throws Exception {
        server.invoke(AGENT, "remove", new Object[] {id}, STRING);
    }

    /** One loop through the hooked paths: a 64-byte echo over loopback, then the instrumented method. */
    private final class Worker extends Thread {
        final AtomicLong calls = new AtomicLong();
        volatile long quietCalls, quietFaults;
        volatile long netFaults, methodFaults;
        private Socket socket;
        private final byte[] buf = new byte[64];

        Worker(int i) {
            super("churn-worker-" + i);
            setDaemon(true);
        }

        @Override
        public void run() {
            while (running) {
                long start = System.nanoTime();
                boolean faulted = false;
                try {
                    echo();
                } catch (IOException e) {
                    // an injected error, or a hang run out as a timeout (the echo answers at once otherwise)
                    boolean injected = INJECTED.equals(e.getMessage()) || e instanceof SocketTimeoutException;
                    faulted |= injected;
                    if (injected) netFaults++;
                    close();
                }
                try {
                    Ledger.post();
                } catch (IllegalStateException e) {
                    faulted = true;
                    methodFaults++;
                }
                calls.incrementAndGet();
                // a breath between calls: eight threads flat out would leave a 2-core machine no time for the churn
                // itself
                LockSupport.parkNanos(PAUSE_NANOS);
                if (start - quietFrom > 0) {
                    if (faulted) quietFaults++;
                    quietCalls++;
                }
            }
            close();
        }

        private void echo() throws IOException {
            if (socket == null) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                s.setSoTimeout(1000); // a hang on read ends as a timeout; a lost echo does not stall the worker
                socket = s;
            }
            socket.getOutputStream().write(buf);
            InputStream in = socket.getInputStream();
            for (int n = 0; n < buf.length; ) {
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) throw new IOException("echo closed");
                n += r;
            }
        }

        private void close() {
            try {
                if (socket != null) socket.close();
            } catch (IOException ignored) {
                // already broken
            }
            socket = null;
        }
    }

    private static void serve(ServerSocket echo) {
        while (true) {
            try {
                Socket s = echo.accept();
                Thread t = new Thread(
                        () -> {
                            try (s;
                                    InputStream in = s.getInputStream();
                                    OutputStream out = s.getOutputStream()) {
                                byte[] b = new byte[64];
                                for (int n; (n = in.read(b)) > 0; ) out.write(b, 0, n);
                            } catch (IOException ignored) {
                                // a faulted connection: the worker reconnects
                            }
                        },
                        "echo");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static ObjectName name(String s) {
        try {
            return new ObjectName(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
