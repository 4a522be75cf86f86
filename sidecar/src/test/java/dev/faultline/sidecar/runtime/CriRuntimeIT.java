package dev.faultline.sidecar.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.faultline.sidecar.runtime.cri.CgroupFreezer;
import dev.faultline.sidecar.runtime.cri.ContainerProcess;
import dev.faultline.sidecar.runtime.cri.CriCallException;
import dev.faultline.sidecar.runtime.cri.CriContainer;
import dev.faultline.sidecar.runtime.cri.CriRuntime;
import dev.faultline.sidecar.runtime.cri.v1.ContainerState;
import dev.faultline.sidecar.runtime.detect.RuntimeEndpoint;
import dev.faultline.sidecar.runtime.detect.RuntimeEndpoints;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CriRuntime} and {@link RuntimeEndpoints} against a real containerd through CRI (the private one of
 * {@code .ci/containerd.sh}), with pods made as kubelet makes them ({@link CriNode}). Needs root.
 */
class CriRuntimeIT extends CriTest {
    /** a busybox loop whose counter shows whether it runs, and an httpd on the pod's loopback serving it */
    static final String[] TICKER = {
        "sh", "-c", "httpd -p 127.0.0.1:8080 -h /tmp; i=0; while :; do i=$((i+1)); echo $i > /tmp/n; usleep 20000; done"
    };

    @Test
    void versionNamesTheRuntime() {
        String v = cri.version().toString();
        assertTrue(v.startsWith("containerd ") && v.endsWith("(CRI v1)"), v);
    }

    @Test
    void listsAppContainersAsNamespacePodContainerNeverTheSandbox() {
        CriNode.Pod pod = node.runPod("shop", "web-1", Map.of("app", "web"));
        String id = node.startContainer(pod, "httpd", TICKER);
        List<CriContainer> all = cri.containers();
        CriContainer c = all.stream()
                .filter(x -> x.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new AssertionError("not listed: " + all));
        assertEquals("shop/web-1/httpd", c.target());
        assertEquals(CriContainer.State.RUNNING, c.state());
        assertEquals(pod.id(), c.podSandboxId());
        assertEquals("web", c.podLabels().get("app"));
        assertTrue(c.image().contains("faultline/busybox"), c.image());
        assertTrue(all.stream().noneMatch(x -> x.id().equals(pod.id())), "the sandbox is listed: " + all);
        assertEquals(
                1, all.stream().filter(x -> x.podSandboxId().equals(pod.id())).count(), all.toString());
    }

    @Test
    void statusGivesALiveHostPidInThePodsNetworkNamespace() throws IOException {
        CriNode.Pod pod = node.runPod("shop", "web-2", Map.of());
        String id = node.startContainer(pod, "httpd", TICKER);
        ContainerProcess p = cri.process(id);
        assertTrue(Files.exists(Path.of("/proc/" + p.pid())), "pid " + p.pid() + " is not alive");
        assertTrue(Files.readString(Path.of("/proc/" + p.pid() + "/cmdline")).contains("usleep"), "not our process");
        assertTrue(p.cgroupsPath().contains(id), p.cgroupsPath());
        assertNotEquals(
                Files.readSymbolicLink(Path.of("/proc/self/ns/net")),
                Files.readSymbolicLink(Path.of("/proc/" + p.pid() + "/ns/net")),
                "the container is in the host's network namespace");
        String addr = CriNode.exec(List.of(
                "nsenter", "-t", Long.toString(p.pid()), "-n", "ip", "-o", "-4", "addr", "show", "dev", "eth0"));
        assertTrue(addr.contains("inet 10.244.78."), "no pod address on eth0 in the container's netns: " + addr);
        // pid=CONTAINER, as kubelet sets it: its own PID namespace, not the sandbox's
        assertNotEquals(
                Files.readSymbolicLink(Path.of("/proc/self/ns/pid")),
                Files.readSymbolicLink(Path.of("/proc/" + p.pid() + "/ns/pid")));
    }

    @Test
    void freezeStopsItAndThawBringsItBack() throws Exception {
        CriNode.Pod pod = node.runPod("shop", "web-3", Map.of());
        String id = node.startContainer(pod, "httpd", TICKER);
        ContainerProcess p = cri.process(id);
        Path counter = Path.of("/proc/" + p.pid() + "/root/tmp/n");
        awaitAdvancing(counter);
        assertTrue(
                answersWithin(p.pid(), Duration.ofSeconds(5)),
                "httpd does not answer before the freeze: " + fetch(p.pid()));

        CgroupFreezer freezer = cri.freezer(id);
        long t0 = System.nanoTime();
        freezer.freeze(Duration.ofSeconds(5));
        long freezeMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(freezer.frozen());
        assertTrue(freezer.dir().toString().contains(id), freezer.toString());
        String before = Files.readString(counter);
        Thread.sleep(300);
        assertEquals(before, Files.readString(counter), "the counter advanced while frozen");
        assertFalse(answers(p.pid()), "httpd answered while frozen");
        assertEquals(
                ContainerState.CONTAINER_RUNNING,
                node.status(id).getState(),
                "CRI has no paused state: it still says RUNNING");

        t0 = System.nanoTime();
        freezer.thaw(Duration.ofSeconds(5));
        long thawMs = (System.nanoTime() - t0) / 1_000_000;
        assertFalse(freezer.frozen());
        awaitAdvancing(counter);
        assertTrue(
                answersWithin(p.pid(), Duration.ofSeconds(5)),
                "httpd does not answer after the thaw: " + fetch(p.pid()));
        System.out.printf("[faultline-sidecar-it] CRI freeze %d ms, thaw %d ms (%s)%n", freezeMs, thawMs, freezer);
    }

    @Test
    void stopContainerEndsItAndRemoveContainerRemovesIt() throws Exception {
        CriNode.Pod pod = node.runPod("shop", "web-4", Map.of());
        String id = node.startContainer(pod, "httpd", TICKER);
        long pid = cri.process(id).pid();
        long t0 = System.nanoTime();
        cri.stop(id, Duration.ofSeconds(1)); // sh as PID 1 ignores SIGTERM: SIGKILL after the timeout
        long stopMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(ContainerState.CONTAINER_EXITED, node.status(id).getState());
        assertEquals(137, node.status(id).getExitCode());
        assertEquals(CriContainer.State.EXITED, cri.state(id));
        assertFalse(Files.exists(Path.of("/proc/" + pid)), "pid " + pid + " outlived StopContainer");
        RuntimeEndpointException notRunning = assertThrows(RuntimeEndpointException.class, () -> cri.process(id));
        assertTrue(notRunning.getMessage().contains("not running"), notRunning.getMessage());

        t0 = System.nanoTime();
        cri.remove(id);
        long removeMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(cri.containers().stream().noneMatch(c -> c.id().equals(id)), "still listed after RemoveContainer");
        CriCallException gone = assertThrows(CriCallException.class, () -> cri.state(id));
        assertTrue(gone.notFound(), gone.getMessage());
        assertTrue(
                gone.getMessage().startsWith(CriNode.ENDPOINT + ": CRI ContainerStatus failed: "), gone.getMessage());
        System.out.printf(
                "[faultline-sidecar-it] CRI StopContainer(timeout 1s) %d ms, RemoveContainer %d ms%n",
                stopMs, removeMs);
    }

    @Test
    void detectionFindsTheSocketAndTheOverrideWins() {
        Path socket = Path.of(CriNode.ENDPOINT.substring("unix://".length()));
        RuntimeEndpoints endpoints = new RuntimeEndpoints(
                List.of(Path.of("/nonexistent/containerd.sock"), socket), RuntimeEndpoints.PROBE_DEADLINE);
        long t0 = System.nanoTime();
        RuntimeEndpoints.Detected found = endpoints.detect();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(new RuntimeEndpoint(RuntimeEndpoint.Kind.CRI, socket), found.endpoint());
        assertTrue(found.runtime().startsWith("containerd "), found.runtime());
        assertEquals("cri " + CriNode.ENDPOINT + " (" + found.runtime() + ")", found.toString());
        // an explicit endpoint is used even when detection would pick another
        RuntimeEndpoints.Detected explicit =
                new RuntimeEndpoints(List.of(), RuntimeEndpoints.PROBE_DEADLINE).resolve(CriNode.ENDPOINT, null);
        assertEquals(RuntimeEndpoint.Kind.CRI, explicit.endpoint().kind());
        System.out.printf("[faultline-sidecar-it] detection of %s: %d ms%n", found, ms);
    }

    @Test
    void aSocketWithNothingAnsweringGetsAClearErrorNamingIt(@TempDir Path dir) throws IOException {
        Path socket = Path.of(CriNode.ENDPOINT.substring("unix://".length()));
        // a socket file left by a runtime that is gone: bound, then closed
        Path stale = dir.resolve("containerd.sock");
        ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                .bind(UnixDomainSocketAddress.of(stale))
                .close();
        RuntimeEndpoints endpoints = new RuntimeEndpoints(List.of(stale, socket), Duration.ofMillis(500));
        RuntimeEndpointException e = assertThrows(RuntimeEndpointException.class, endpoints::detect);
        assertEquals("unix://" + stale, e.endpoint());
        assertTrue(e.getMessage().contains("nothing listens on it (connection refused)"), e.getMessage());
        // one that accepts and never speaks: the deadline ends it, and the error says so
        Path silent = dir.resolve("silent.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(silent));
            long t0 = System.nanoTime();
            RuntimeEndpointException hung = assertThrows(
                    RuntimeEndpointException.class,
                    () -> new RuntimeEndpoints(List.of(silent, socket), Duration.ofMillis(500)).detect());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals("unix://" + silent, hung.endpoint());
            assertTrue(hung.getMessage().contains("no answer within 500 ms"), hung.getMessage());
            assertTrue(ms < 2000, ms + " ms");
            System.out.printf("[faultline-sidecar-it] silent socket refused in %d ms: %s%n", ms, hung.getMessage());
        }
        System.out.printf("[faultline-sidecar-it] stale socket: %s%n", e.getMessage());
    }

    private static void awaitAdvancing(Path counter) throws Exception {
        long end = System.nanoTime() + 5_000_000_000L;
        String first = null;
        while (System.nanoTime() < end) {
            String now = Files.exists(counter) ? Files.readString(counter) : null;
            if (first == null) first = now;
            else if (now != null && !now.equals(first)) return;
            Thread.sleep(20);
        }
        throw new AssertionError("the container's counter does not advance: " + counter);
    }

    /** the host's curl (Debian's static busybox wget crashes on the host), in the pod's netns, to the pod's own loopback */
    /**
     * busybox httpd may not listen yet when the ticker already ticks (a CI run's first request was refused and the
     * next, for the failure message, answered "3"): a few tries, each a real request, before the verdict.
     */
    private static boolean answersWithin(long pid, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!answers(pid)) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(50);
        }
        return true;
    }

    private static boolean answers(long pid) {
        return !fetch(pid).startsWith("ERR");
    }

    private static String fetch(long pid) {
        return CriNode.exec(List.of(
                "nsenter", "-t", Long.toString(pid), "-n", "curl", "-sS", "-m", "1", "http://127.0.0.1:8080/n"));
    }
}
