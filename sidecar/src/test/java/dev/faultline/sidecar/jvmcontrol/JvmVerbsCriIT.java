package dev.faultline.sidecar.jvmcontrol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.common.jmx.JmxClient;
import dev.faultline.sidecar.Sidecar;
import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.runtime.CriNode;
import dev.faultline.sidecar.runtime.cri.v1.Mount;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The jvm verbs end to end on kubelet-style pods of the private containerd ({@link CriNode}): the shell-less
 * FROM-scratch JRE images (imported from Docker), run as 4321:4321 with no passwd entry, pid=CONTAINER, the service
 * timing its own connections ({@link SelfCallingService}) and writing them to the pod's CRI log; the built sidecar
 * jar run as an operator runs it on a node ({@code --runtime-endpoint}). One node for the class, a pod per case.
 */
class JvmVerbsCriIT {
    static final String NAMESPACE = "shop";
    static CriNode node;

    final Sidecar sidecar = new Sidecar();

    @BeforeAll
    static void connect() {
        node = CriNode.require();
    }

    @AfterAll
    static void clean() {
        if (node != null) node.close();
    }

    @AfterEach
    void stopSidecars() {
        sidecar.close(); // SIGTERM to what still runs: it clears what it armed before the pods go
    }

    /** A pod running the service; labels on the pod, as kubectl label sets them. */
    record Service(String target, long hostPid, Path log) {
        /** The service's own EVENT lines after the first {@code from} lines of its CRI log. */
        List<String> events(int from) throws IOException {
            List<String> lines = lines();
            return lines.subList(Math.min(from, lines.size()), lines.size()).stream()
                    .filter(l -> l.startsWith("EVENT "))
                    .toList();
        }

        /** What the service printed, without the CRI log's "TIME STREAM TAG " prefix. */
        List<String> lines() throws IOException {
            if (!Files.exists(log)) return List.of();
            return Files.readAllLines(log).stream()
                    .map(l -> l.split(" ", 4))
                    .filter(p -> p.length == 4)
                    .map(p -> p[3])
                    .toList();
        }

        int mark() throws IOException {
            return lines().size();
        }

        long awaitEvent(String prefix, int from, long withinMs) throws Exception {
            long t0 = System.nanoTime();
            while (events(from).stream().noneMatch(l -> l.startsWith(prefix))) {
                if ((System.nanoTime() - t0) / 1_000_000 > withinMs)
                    throw new AssertionError("no '" + prefix + "' in " + withinMs + " ms: " + lines());
                Thread.sleep(20);
            }
            return (System.nanoTime() - t0) / 1_000_000;
        }

        long awaitLast(String prefix, long withinMs) throws Exception {
            long t0 = System.nanoTime();
            while (true) {
                List<String> e = events(0);
                if (!e.isEmpty() && e.get(e.size() - 1).startsWith(prefix)) return (System.nanoTime() - t0) / 1_000_000;
                if ((System.nanoTime() - t0) / 1_000_000 > withinMs)
                    throw new AssertionError("the last event is not '" + prefix + "' after " + withinMs + " ms: " + e);
                Thread.sleep(20);
            }
        }
    }

    static Service startService(String dockerImage, String pod, Map<String, String> podLabels) throws Exception {
        String image = CriNode.importFromDocker(dockerImage);
        CriNode.Pod p = node.runPod(NAMESPACE, pod, podLabels);
        Mount classes = Mount.newBuilder()
                .setHostPath(JvmVerbsIT.CLASSES.toString())
                .setContainerPath("/app")
                .setReadonly(true)
                .build();
        String id = node.startContainer(
                p,
                "app",
                image,
                4321L,
                List.of(classes),
                "java",
                "-cp",
                "/app",
                SelfCallingService.class.getName(),
                "8080");
        Service s = new Service(
                NAMESPACE + "/" + pod + "/app",
                node.hostPid(id),
                Path.of(p.config().getLogDirectory(), "app", "0.log"));
        s.awaitEvent("EVENT ok", 0, 60_000);
        return s;
    }

    Sidecar.Run run(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--runtime-endpoint", CriNode.ENDPOINT));
        all.addAll(List.of(args));
        Sidecar.Run r = sidecar.run(all.toArray(String[]::new));
        System.out.printf(
                "[jvm-verbs-cri-it] %s -> %d%n%s%n",
                String.join(" ", args), r.exitCode(), r.output().strip());
        return r;
    }

    Process start(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--runtime-endpoint", CriNode.ENDPOINT));
        all.addAll(List.of(args));
        return sidecar.start(all.toArray(String[]::new));
    }

    /**
     * An opted-in pod: listed, a fault for its duration (gone after it, by the CLI process that armed it), a latency
     * fault from a background sidecar, then {@code jvm clear} from another process (the kill switch by attach).
     */
    @ParameterizedTest
    @ValueSource(strings = {JvmVerbsIT.JRE17, JvmVerbsIT.JRE25})
    void anOptedInPodsJvmIsListedFaultedAndCleared(String image) throws Exception {
        String feature = image.equals(JvmVerbsIT.JRE25) ? "25" : "17";
        Service svc = startService(image, node.run() + "-jvm" + feature, Map.of(AttachOptIn.LABEL, "true"));

        Sidecar.Run listed = run("jvm", "list", svc.target());
        assertEquals(0, listed.exitCode(), listed.output());
        assertTrue(
                listed.output()
                        .matches("(?s).*" + svc.target() + "\\(\\w+\\)  host_pid=" + svc.hostPid()
                                + "  ns_pid=1  uid=4321  java=unknown  faultline=no  attachable.*"),
                listed.output());

        int from = svc.mark();
        long t0 = System.nanoTime();
        Sidecar.Run faulted = run("jvm", "--duration", "4s", "fault", JvmVerbsIT.ERROR, svc.target());
        long ran = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, faulted.exitCode(), faulted.output());
        assertTrue(faulted.output().contains("armed "), faulted.output());
        List<String> during = svc.events(from);
        assertTrue(during.stream().anyMatch(e -> e.startsWith("EVENT error:ConnectException")), during.toString());
        long back = svc.awaitLast("EVENT ok", 5_000);
        System.out.println("[jvm-verbs-cri-it] " + image + ": fault --duration 4s ran " + ran + " ms; ok again " + back
                + " ms after the sidecar ended");
        Sidecar.Run relisted = run("jvm", "list", svc.target());
        assertTrue(
                relisted.output()
                        .matches("(?s).*uid=4321  java=" + feature + "[.0-9]*  faultline=loaded  attachable.*"),
                relisted.output());

        from = svc.mark();
        Process latency = start("jvm", "--duration", "60s", "fault", JvmVerbsIT.LATENCY, svc.target());
        long slow = svc.awaitEvent("EVENT slow", from, 20_000);
        System.out.println("[jvm-verbs-cri-it] " + image + ": agent loaded, first delayed connect " + slow
                + " ms after the sidecar started");
        Sidecar.Run cleared = run("jvm", "clear", svc.target());
        assertEquals(0, cleared.exitCode(), cleared.output());
        assertTrue(cleared.output().contains("cleared by attach (cmd=clear)"), cleared.output());
        svc.awaitLast("EVENT ok", 5_000);
        latency.destroy();
        assertTrue(latency.waitFor(20, TimeUnit.SECONDS), "the sidecar ends on SIGTERM");
        Thread.sleep(500);
        assertEquals("EVENT ok", last(svc), "still ok after the clear");
    }

    /**
     * The fleet's kill switch on a node: a fault armed in an opted-in pod's JVM through a sidecar daemon, then its
     * stopAll() (what {@code faultline halt-all --sidecar-jmx} calls on every sidecar) clears it: the service's
     * connections are back to normal, the agent holds no fault (a clear over the daemon's connection counts none),
     * and the journal is empty.
     */
    @Test
    void theKillSwitchClearsAFaultArmedInAPodsJvm() throws Exception {
        Service svc = startService(JvmVerbsIT.JRE17, node.run() + "-halt", Map.of(AttachOptIn.LABEL, "true"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process daemon = start("daemon", "--jmx-port", Integer.toString(port));
        try (JMXConnector c = JmxClient.await("127.0.0.1", port, sidecar.credentials(port), 30_000)) {
            MBeanServerConnection jmx = c.getMBeanServerConnection();
            int from = svc.mark();
            long t0 = System.nanoTime();
            // run() answers once the fault is armed
            JvmVerbsIT.run(jmx, "jvm --duration 5m fault \"" + JvmVerbsIT.ERROR + "\" " + svc.target());
            long armed = (System.nanoTime() - t0) / 1_000_000;
            svc.awaitEvent("EVENT error:ConnectException", from, 5_000);
            t0 = System.nanoTime();
            int stopped = (Integer) jmx.invoke(JvmVerbsIT.SIDECAR, "stopAll", new Object[0], new String[0]);
            long halted = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(1, stopped, "the fault's experiment stopped");
            long back = svc.awaitLast("EVENT ok", 5_000);
            System.out.println("[jvm-verbs-cri-it] daemon: armed in " + armed + " ms (cold attach); stopAll() " + halted
                    + " ms; the service ok " + back + " ms after it returned");
            Thread.sleep(500);
            assertEquals("EVENT ok", last(svc), "still ok after the kill switch");
            String again = JvmVerbsIT.run(jmx, "jvm clear " + svc.target());
            String[] lines = JvmVerbsIT.list(jmx);
            assertTrue(
                    Arrays.stream(lines)
                            .anyMatch(l ->
                                    l.startsWith(again + "  ") && l.endsWith("cleared 0 fault(s) over the connection")),
                    "the agent holds no fault:\n" + String.join("\n", lines));
            assertEquals(List.of(), new Journal(sidecar.journal).pending(), "nothing left in the journal");
        } finally {
            daemon.destroy();
            assertTrue(daemon.waitFor(20, TimeUnit.SECONDS), "the daemon ends on SIGTERM");
        }
    }

    static String last(Service svc) throws IOException {
        List<String> e = svc.events(0);
        String[] words = e.get(e.size() - 1).split(" ");
        return words[0] + " " + words[1];
    }

    /**
     * A pod that has not opted in: the whole command refused within 2 s naming the pod and the label, with nothing
     * changed in the target: no file added to its filesystem, nothing but its own events in its output.
     */
    @Test
    void aPodWithoutTheOptInIsRefusedAndUntouched() throws Exception {
        Service svc = startService(JvmVerbsIT.JRE17, node.run() + "-noopt", Map.of());
        Path root = Path.of("/proc", Long.toString(svc.hostPid()), "root");
        TreeSet<String> before = files(root);

        long t0 = System.nanoTime();
        Sidecar.Run refused = run("jvm", "--duration", "5s", "fault", JvmVerbsIT.ERROR, svc.target());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println(
                "[jvm-verbs-cri-it] no opt-in: refused by the CLI process in " + ms + " ms (its JVM start included)");
        assertEquals(1, refused.exitCode(), refused.output());
        assertTrue(
                refused.output().contains("jvm: refused, nothing attached")
                        && refused.output().contains("pod " + svc.target().replace("/app", "") + " has not opted in")
                        && refused.output().contains(AttachOptIn.LABEL + "=true"),
                refused.output());
        // the bound is the sidecar's: from its first log line (the runtime found) to the refusal; the CLI JVM's own
        // start, seconds on a loaded CI machine, is before it
        long handled = between(refused.output(), "action=runtime ", "refused, nothing attached");
        System.out.println(
                "[jvm-verbs-cri-it] no opt-in: refused " + handled + " ms after the sidecar found the runtime");
        assertTrue(handled < 2_000, "refused in " + handled + " ms");
        assertTrue(ms < 10_000, "the CLI process ended in " + ms + " ms");

        Sidecar.Run listed = run("jvm", "list", svc.target());
        assertEquals(0, listed.exitCode(), listed.output());
        assertTrue(
                listed.output().contains(svc.target() + "(") && listed.output().contains("refused: "), listed.output());
        Sidecar.Run clear = run("jvm", "clear", svc.target());
        assertEquals(1, clear.exitCode(), clear.output());
        assertTrue(clear.output().contains("has not opted in"), clear.output());

        Thread.sleep(300); // what an attach would have printed has reached the log by now
        List<String> out = svc.lines();
        assertTrue(
                out.stream().noneMatch(l -> l.contains("Full thread dump") || l.contains("faultline")), out.toString());
        assertEquals(
                List.of("EVENT ok"),
                svc.events(0).stream()
                        .map(e -> e.split(" ")[0] + " " + e.split(" ")[1])
                        .toList());
        assertEquals(before, files(root), "nothing added to or removed from the container's filesystem");
    }

    /** Milliseconds between the sidecar's first log lines holding {@code from} and {@code to}. */
    static long between(String log, String from, String to) {
        return Duration.between(logged(log, from), logged(log, to)).toMillis();
    }

    static Instant logged(String log, String text) {
        String line = log.lines()
                .filter(l -> l.contains(text) && l.length() > 28)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no log line with '" + text + "': " + log));
        return LOG_TIME.parse(line.substring(0, 28), Instant::from);
    }

    static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

    /** Every path in the container's root filesystem, seen from the host; not /proc, /sys, /dev or the classes. */
    static TreeSet<String> files(Path root) throws IOException {
        TreeSet<String> out = new TreeSet<>();
        // /proc/PID/root is a link the walk would not follow: its entries are walked, each without following links
        List<Path> top;
        try (Stream<Path> entries = Files.list(root)) {
            top = entries.toList();
        }
        for (Path entry : top) {
            Files.walkFileTree(entry, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    String p = "/" + root.relativize(dir);
                    if (List.of("/proc", "/sys", "/dev", "/app").contains(p)) return FileVisitResult.SKIP_SUBTREE;
                    out.add(p);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    out.add("/" + root.relativize(file));
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        assertTrue(out.size() > 10 && out.contains("/tmp"), "the container's root seen: " + out.size() + " paths");
        return out;
    }
}
