package dev.faultline.sidecar.runtime.detect;

import static org.junit.jupiter.api.Assertions.*;

import dev.faultline.sidecar.runtime.RuntimeEndpointException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Detection and endpoint words, with sockets made here (no runtime needed; the real containerd is in CriRuntimeIT). */
class RuntimeEndpointsTest {
    @Test
    void theKnownSocketsInOrder() {
        assertEquals(
                List.of(
                        "/run/containerd/containerd.sock",
                        "/run/k3s/containerd/containerd.sock",
                        "/var/snap/microk8s/common/run/containerd.sock",
                        "/var/run/crio/crio.sock",
                        "/var/run/docker.sock",
                        "/run/podman/podman.sock"),
                RuntimeEndpoints.KNOWN.stream().map(Path::toString).toList());
    }

    @Test
    void endpointWords() {
        assertEquals(
                new RuntimeEndpoint(RuntimeEndpoint.Kind.CRI, Path.of("/run/containerd/containerd.sock")),
                RuntimeEndpoint.parse("unix:///run/containerd/containerd.sock", null));
        assertEquals(
                RuntimeEndpoint.Kind.DOCKER,
                RuntimeEndpoint.parse("unix:///var/run/docker.sock", null).kind());
        assertEquals(
                RuntimeEndpoint.Kind.CRI,
                RuntimeEndpoint.parse("unix:///var/run/cri-dockerd.sock", null).kind());
        assertEquals(
                RuntimeEndpoint.Kind.PODMAN,
                RuntimeEndpoint.parse("unix:///run/podman/podman.sock", null).kind());
        assertEquals(
                RuntimeEndpoint.Kind.CRI,
                RuntimeEndpoint.parse("unix:///var/run/docker.sock", RuntimeEndpoint.Kind.CRI)
                        .kind());
        assertEquals(
                "unix:///var/run/crio/crio.sock",
                RuntimeEndpoint.parse("unix:///var/run/crio/crio.sock", null).uri());
        for (String bad : new String[] {
            "/run/containerd/containerd.sock", "tcp://127.0.0.1:2375", "unix://relative.sock", "npipe:////./pipe/docker"
        }) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> RuntimeEndpoint.parse(bad, null), bad);
            assertTrue(
                    e.getMessage().contains("unix:///absolute/path")
                            && e.getMessage().contains(bad),
                    e.getMessage());
        }
    }

    @Test
    void theProbeDeadlineVariableReplacesTheDefaultAndRefusesWhatIsNoDeadline() {
        Duration unset = Duration.ofSeconds(2);
        assertEquals(unset, RuntimeEndpoints.deadline(null, unset));
        assertEquals(unset, RuntimeEndpoints.deadline(" ", unset));
        assertEquals(Duration.ofSeconds(30), RuntimeEndpoints.deadline("30s", unset));
        assertEquals(Duration.ofSeconds(90), RuntimeEndpoints.deadline(" 1m30s ", unset));
        assertEquals(Duration.ofMillis(500), RuntimeEndpoints.deadline("500ms", Duration.ofSeconds(10)));
        assertEquals(
                "FAULTLINE_RUNTIME_PROBE_TIMEOUT='30': not a duration: a number and a unit (us, ms, s, m, h), "
                        + "parts combined as in 1m30s (e.g. 2s, 30s, 1m)",
                assertThrows(IllegalArgumentException.class, () -> RuntimeEndpoints.deadline("30", unset))
                        .getMessage());
        assertEquals(
                "FAULTLINE_RUNTIME_PROBE_TIMEOUT='-5s': must not be negative (e.g. 2s, 30s, 1m)",
                assertThrows(IllegalArgumentException.class, () -> RuntimeEndpoints.deadline("-5s", unset))
                        .getMessage());
        for (String none : new String[] {"0", "0s", "10us"}) {
            assertEquals(
                    "FAULTLINE_RUNTIME_PROBE_TIMEOUT='" + none
                            + "': a probe deadline must be at least 1ms (e.g. 2s, 30s, 1m)",
                    assertThrows(IllegalArgumentException.class, () -> RuntimeEndpoints.deadline(none, unset))
                            .getMessage());
        }
        for (String bad : new String[] {"abc", "2 s", "30sec", "1e3ms"}) {
            String message = assertThrows(IllegalArgumentException.class, () -> RuntimeEndpoints.deadline(bad, unset))
                    .getMessage();
            assertTrue(message.startsWith("FAULTLINE_RUNTIME_PROBE_TIMEOUT='" + bad + "': not a duration"), message);
        }
    }

    @Test
    void noSocketAtAllSaysWhatWasProbed(@TempDir Path dir) {
        RuntimeEndpoints endpoints = new RuntimeEndpoints(
                List.of(dir.resolve("a.sock"), dir.resolve("docker.sock")), Duration.ofMillis(300));
        RuntimeEndpointException e = assertThrows(RuntimeEndpointException.class, endpoints::detect);
        assertTrue(
                e.getMessage()
                        .contains("no container runtime found: probed " + dir.resolve("a.sock") + ", "
                                + dir.resolve("docker.sock")),
                e.getMessage());
        assertTrue(e.getMessage().contains("--runtime-endpoint"), e.getMessage());
        RuntimeEndpointException explicit = assertThrows(
                RuntimeEndpointException.class, () -> endpoints.resolve("unix://" + dir.resolve("x.sock"), null));
        assertEquals("unix://" + dir.resolve("x.sock") + ": no such socket", explicit.getMessage());
    }

    @Test
    void aStaleSocketIsAnErrorNamingIt(@TempDir Path dir) throws IOException {
        Path stale = dir.resolve("crio.sock");
        ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                .bind(UnixDomainSocketAddress.of(stale))
                .close();
        try (FakeDocker docker = new FakeDocker(dir.resolve("docker.sock"))) {
            // not skipped in favour of the Docker socket after it: which runtime runs the pods is not ours to guess
            RuntimeEndpointException e = assertThrows(
                    RuntimeEndpointException.class,
                    () -> new RuntimeEndpoints(List.of(stale, docker.socket), Duration.ofMillis(300)).detect());
            assertEquals("unix://" + stale, e.endpoint());
            assertTrue(e.getMessage().contains("nothing listens on it (connection refused)"), e.getMessage());
        }
    }

    @Test
    void aRegularFileIsNoSocket(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("containerd.sock"), "");
        RuntimeEndpointException e = assertThrows(
                RuntimeEndpointException.class,
                () -> new RuntimeEndpoints(List.of(file), Duration.ofMillis(300)).detect());
        assertEquals("unix://" + file + ": exists but is not a unix socket", e.getMessage());
    }

    @Test
    void aSilentDockerSocketTimesOutNamingIt(@TempDir Path dir) throws IOException {
        Path socket = dir.resolve("docker.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket)); // accepts (the backlog does) and never answers
            long t0 = System.nanoTime();
            RuntimeEndpointException e = assertThrows(
                    RuntimeEndpointException.class,
                    () -> new RuntimeEndpoints(List.of(socket), Duration.ofMillis(300)).detect());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(
                    e.getMessage()
                            .startsWith("unix://" + socket + ": the socket exists but nothing answered within 300 ms"),
                    e.getMessage());
            assertTrue(ms < 1500, ms + " ms");
        }
    }

    @Test
    void dockerIsFoundAfterAbsentCriSocketsAndLoadsNoCriClass(@TempDir Path dir) throws Exception {
        try (FakeDocker docker = new FakeDocker(dir.resolve("docker.sock"))) {
            RuntimeEndpoints.Detected found = new RuntimeEndpoints(
                            List.of(dir.resolve("containerd.sock"), docker.socket), Duration.ofSeconds(1))
                    .detect();
            assertEquals(new RuntimeEndpoint(RuntimeEndpoint.Kind.DOCKER, docker.socket), found.endpoint());
            assertEquals("Docker Engine API 1.41", found.runtime());

            // the same in a JVM of its own: neither gRPC nor the CRI client is loaded on the Docker path (start-up
            // time)
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xlog:class+load=info",
                    "-cp",
                    System.getProperty("java.class.path"),
                    DetectOnce.class.getName(),
                    dir.resolve("containerd.sock").toString(),
                    docker.socket.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertTrue(out.contains("detected docker unix://" + docker.socket + " (Docker Engine API 1.41)"), out);
            assertTrue(
                    out.contains("dev.faultline.sidecar.runtime.detect.RuntimeEndpoints "),
                    "class loading is not logged: " + out);
            List<String> cri = out.lines()
                    .filter(l ->
                            l.contains("io.grpc.") || l.contains("com.google.protobuf.") || l.contains(".runtime.cri."))
                    .toList();
            assertEquals(List.of(), cri);
        }
    }

    /** Answers GET /_ping as dockerd does, on a unix socket of its own. */
    static final class FakeDocker implements AutoCloseable {
        final Path socket;
        private final ServerSocketChannel server;
        private final Thread thread;

        FakeDocker(Path socket) throws IOException {
            this.socket = socket;
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            thread = new Thread(
                    () -> {
                        while (server.isOpen()) {
                            try (SocketChannel c = server.accept()) {
                                c.read(ByteBuffer.allocate(1024));
                                c.write(ByteBuffer.wrap(
                                        "HTTP/1.0 200 OK\r\nApi-Version: 1.41\r\nServer: Docker/20.10.24 (linux)\r\n\r\nOK"
                                                .getBytes(StandardCharsets.US_ASCII)));
                            } catch (IOException e) {
                                return;
                            }
                        }
                    },
                    "fake-docker");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
