package dev.faultline.sidecar.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.common.engine.AttachStream;
import dev.faultline.sidecar.Sidecar;
import dev.faultline.sidecar.targets.ContainerTarget;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Both {@link EngineCalls} against a real engine that listens on {@code tcp://127.0.0.1} with TLS (a second dockerd,
 * {@code .ci/docker-tls.sh}), checked through that engine's own CLI: docker-java over TLS, the socket client on the
 * same engine's unix socket, and the socket client over plain {@code tcp://127.0.0.1} (a loopback relay to that
 * socket). Then the sidecar's own command line with {@code DOCKER_HOST}, {@code DOCKER_TLS_VERIFY} and
 * {@code DOCKER_CERT_PATH} set as a user of a TLS engine sets them.
 */
class TlsEngineIT {
    static final String HOST = "tcp://127.0.0.1:23760";
    static final Path CERTS = Path.of("/run/faultline-docker-tls/etc/client");
    static final Path SOCKET = Path.of("/run/faultline-docker-tls/docker.sock");
    static final Map<String, String> TLS_ENV =
            Map.of("DOCKER_HOST", HOST, "DOCKER_TLS_VERIFY", "1", "DOCKER_CERT_PATH", CERTS.toString());

    static Relay relay;
    final String run = "fltls-" + UUID.randomUUID().toString().substring(0, 8);
    final Sidecar sidecar = new Sidecar();

    @BeforeAll
    static void engine() throws IOException {
        String why = null;
        if (!Files.exists(CERTS.resolve("key.pem")))
            why = "no TLS engine: " + CERTS + " missing (.ci/docker-tls.sh start makes it)";
        else if (cli("version", "--format", "{{.Server.Version}}").startsWith("ERR"))
            why = "the TLS engine at " + HOST + " does not answer (.ci/docker-tls.sh start)";
        else if (cli("image", "inspect", DockerHost.BUSYBOX).startsWith("ERR"))
            why = DockerHost.BUSYBOX + " missing in the TLS engine (.ci/docker-tls.sh start loads it)";
        if (why != null) {
            if ("true".equals(System.getenv("CI"))) throw new AssertionError("CI: " + why);
            System.out.println("[faultline-sidecar-it] SKIPPED: " + why);
            Assumptions.abort(why);
        }
        // docker-java takes its TLS settings from the environment or, as here in-process, from system properties
        System.setProperty("DOCKER_TLS_VERIFY", "1");
        System.setProperty("DOCKER_CERT_PATH", CERTS.toString());
        relay = new Relay(SOCKET);
    }

    @AfterAll
    static void clear() throws IOException {
        System.clearProperty("DOCKER_TLS_VERIFY");
        System.clearProperty("DOCKER_CERT_PATH");
        if (relay != null) relay.close();
    }

    @AfterEach
    void cleanUp() {
        sidecar.close();
        String ids =
                cli("ps", "-aq", "--filter", "label=dev.faultline.test=" + run).trim();
        if (!ids.isEmpty() && !ids.startsWith("ERR")) {
            List<String> rm = new ArrayList<>(List.of("rm", "-f"));
            rm.addAll(List.of(ids.split("\\s+")));
            cli(rm.toArray(String[]::new));
        }
    }

    /** The TLS engine's own CLI: the view independent of the code under test. */
    static String cli(String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                "docker",
                "--host",
                HOST,
                "--tlsverify",
                "--tlscacert",
                CERTS.resolve("ca.pem").toString(),
                "--tlscert",
                CERTS.resolve("cert.pem").toString(),
                "--tlskey",
                CERTS.resolve("key.pem").toString()));
        cmd.addAll(List.of(args));
        return DockerHost.exec(cmd);
    }

    String start(String name, String... command) {
        List<String> cmd = new ArrayList<>(List.of(
                "run",
                "-d",
                "--network",
                "none",
                "--name",
                name,
                "--label",
                "dev.faultline.test=" + run,
                DockerHost.BUSYBOX));
        cmd.addAll(List.of(command));
        String out = cli(cmd.toArray(String[]::new));
        assertFalse(out.startsWith("ERR"), out);
        return out.trim();
    }

    String inspect(String name, String format) {
        return cli("inspect", "-f", format, name).trim();
    }

    @Test
    void dockerJavaOverTls() throws Exception {
        EngineCalls tls = new DockerJavaEngineCalls(HOST);
        assertFalse(tls.attaches(), "a helper is attached over the socket client only");
        everyCall(tls);
    }

    @Test
    void theSocketClientOnTheEnginesUnixSocket() throws Exception {
        EngineCalls unix = EngineCalls.forHost("unix://" + SOCKET);
        assertTrue(unix instanceof SocketEngineCalls);
        everyCall(unix);
        attachesAHelper(unix);
    }

    @Test
    void theSocketClientOverPlainTcp() throws Exception {
        EngineCalls tcp = EngineCalls.forHost("tcp://127.0.0.1:" + relay.port());
        assertTrue(tcp instanceof SocketEngineCalls, "plain tcp:// needs no docker-java");
        everyCall(tcp);
        attachesAHelper(tcp);
    }

    /** list, labelled, inspect, own, the PID, the event stream, pause, unpause, kill, restart, stop and remove. */
    void everyCall(EngineCalls engine) throws Exception {
        String name = run + "-a";
        String id = start(name, "sleep", "600");

        ContainerTarget listed = engine.list().stream()
                .filter(t -> t.id().equals(id))
                .findFirst()
                .orElseThrow();
        assertEquals(new ContainerTarget(id, name, "running", Map.of("dev.faultline.test", run)), listed);
        assertEquals(List.of(id), engine.labelled("dev.faultline.test", run));
        assertEquals(listed, engine.inspect(id));
        assertNull(engine.inspect(run + "-nonexistent"));
        assertEquals(Long.parseLong(inspect(name, "{{.State.Pid}}")), engine.runningPid(id));
        EngineCalls.Own own = engine.own(id);
        assertEquals(inspect(name, "{{.Image}}"), own.image());
        assertEquals(run, own.labels().get("dev.faultline.test"));

        BlockingQueue<EngineContainers.Event> events = new LinkedBlockingQueue<>();
        CountDownLatch open = new CountDownLatch(1);
        Thread follower = new Thread(
                () -> {
                    try {
                        engine.follow(open::countDown, e -> {
                            if (e.id().equals(id)) events.add(e);
                        });
                    } catch (IOException | RuntimeException ended) {
                        // interrupted at the end of the test
                    }
                },
                "follow-" + run);
        follower.setDaemon(true);
        follower.start();
        try {
            assertTrue(open.await(10, TimeUnit.SECONDS), "the event stream opened");

            engine.pause(id);
            assertEquals("true", inspect(name, "{{.State.Paused}}"));
            assertTrue(engine.paused(id));
            assertEquals("pause", next(events).action());
            engine.pause(id); // already paused: 409, tolerated
            engine.unpause(id);
            assertEquals("false", inspect(name, "{{.State.Paused}}"));
            assertFalse(engine.paused(id));
            assertEquals("unpause", next(events).action());
            engine.unpause(id); // not paused: tolerated

            engine.kill(id, "SIGKILL");
            assertEquals("false 137", inspect(name, "{{.State.Running}} {{.State.ExitCode}}"));
            assertEquals(-1, engine.runningPid(id));
            assertEquals("die", next(events).action());
            engine.kill(id, "SIGKILL"); // not running: tolerated

            String startedBefore = inspect(name, "{{.State.StartedAt}}");
            engine.restart(id, Duration.ofSeconds(1));
            assertEquals("true", inspect(name, "{{.State.Running}}"));
            assertNotEquals(startedBefore, inspect(name, "{{.State.StartedAt}}"), "restarted");

            engine.stop(id, Duration.ofSeconds(1));
            assertEquals("false", inspect(name, "{{.State.Running}}"));
            engine.stop(id, Duration.ofSeconds(1)); // stopped already (304): tolerated

            engine.remove(id, true, true);
            assertTrue(inspect(name, "{{.Id}}").startsWith("ERR"), "removed");
            engine.remove(id, true, true); // gone: tolerated
            assertNull(engine.inspect(id));
            assertEquals(-1, engine.runningPid(id));
            assertFalse(engine.paused(id));
            assertEquals(List.of(), engine.labelled("dev.faultline.test", run));
        } finally {
            follower.interrupt();
        }
    }

    static EngineContainers.Event next(BlockingQueue<EngineContainers.Event> events) throws InterruptedException {
        while (true) {
            EngineContainers.Event e = events.poll(10, TimeUnit.SECONDS);
            if (e == null) throw new AssertionError("no event within 10 s");
            if (!e.action().equals("kill")) return e; // a kill event precedes die; CHANGES leaves it out anyway
        }
    }

    /** Create, attach and start, as a helper container is made: what goes to its stdin comes back on its output. */
    void attachesAHelper(EngineCalls engine) throws Exception {
        String json = "{\"Image\":\"" + DockerHost.BUSYBOX
                + "\",\"Cmd\":[\"cat\"],\"Labels\":{\"dev.faultline.test\":\"" + run + "\"},"
                + "\"OpenStdin\":true,\"StdinOnce\":true,\"AttachStdin\":true,\"AttachStdout\":true,\"AttachStderr\":true,"
                + "\"HostConfig\":{\"NetworkMode\":\"none\"}}";
        EngineCalls.Attached a = engine.createAttachStart(json);
        try (AttachStream s = a.stream()) {
            assertEquals("true", inspect(a.id(), "{{.State.Running}}"));
            s.stdin().write("through the helper's stdin\n".getBytes(StandardCharsets.UTF_8));
            s.stdin().close(); // cat ends with its stdin
            assertEquals("through the helper's stdin\n", new String(s.output().readAllBytes(), StandardCharsets.UTF_8));
        }
        engine.remove(a.id(), true, false);
    }

    @Test
    void theSidecarsVerbsOnATlsEngine() throws Exception {
        String a = run + "-kill", b = run + "-stop", c = run + "-restart", d = run + "-rm", p = run + "-pause";
        for (String n : List.of(a, b, c, d, p)) start(n, "sleep", "600");

        Sidecar.Run kill = sidecar.run(TLS_ENV, "kill", "--signal", "SIGKILL", a);
        assertEquals(0, kill.exitCode(), kill.output());
        assertEquals("false 137", inspect(a, "{{.State.Running}} {{.State.ExitCode}}"));
        assertTrue(kill.output().contains("action=kill") && kill.output().contains(a), kill.output());
        assertTrue(kill.output().contains("endpoint=" + HOST), kill.output());

        Sidecar.Run stop = sidecar.run(TLS_ENV, "stop", "--time", "1", b);
        assertEquals(0, stop.exitCode(), stop.output());
        assertEquals("false", inspect(b, "{{.State.Running}}"));

        String startedBefore = inspect(c, "{{.State.StartedAt}}");
        Sidecar.Run restart = sidecar.run(TLS_ENV, "restart", "--time", "1", c);
        assertEquals(0, restart.exitCode(), restart.output());
        assertEquals("true", inspect(c, "{{.State.Running}}"));
        assertNotEquals(startedBefore, inspect(c, "{{.State.StartedAt}}"), "restarted");

        Sidecar.Run rm = sidecar.run(TLS_ENV, "rm", "--force", "--volumes", d);
        assertEquals(0, rm.exitCode(), rm.output());
        assertTrue(inspect(d, "{{.Id}}").startsWith("ERR"), "removed");

        Process pause = sidecar.start(TLS_ENV, "pause", "--duration", "3s", p);
        long deadline = System.currentTimeMillis() + 15_000;
        while (!inspect(p, "{{.State.Paused}}").equals("true") && System.currentTimeMillis() < deadline)
            Thread.sleep(100);
        assertEquals("true", inspect(p, "{{.State.Paused}}"));
        assertTrue(pause.waitFor(30, TimeUnit.SECONDS));
        String out = new String(pause.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, pause.exitValue(), out);
        assertEquals("false true", inspect(p, "{{.State.Paused}} {{.State.Running}}"));
    }

    @Test
    void theWatchdogsUnpauseReachesATlsEngine() throws Exception {
        String p = run + "-watchdog";
        String id = start(p, "sleep", "600");
        String paused = cli("pause", p);
        assertFalse(paused.startsWith("ERR"), paused);
        ProcessBuilder pb = new ProcessBuilder(Unpause.argv(id, HOST)).redirectErrorStream(true);
        pb.environment().putAll(TLS_ENV);
        pb.environment().put("DOCKER_HOST", "unix:///nonexistent/docker.sock"); // the endpoint is the argument's
        List<String> argv = new ArrayList<>(pb.command());
        argv.set(argv.indexOf("-cp") + 1, Sidecar.JAR);
        pb.command(argv);
        Process u = pb.start();
        assertTrue(u.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, u.exitValue(), new String(u.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals("false", inspect(p, "{{.State.Paused}}"));
    }

    /** A plain tcp listener on loopback that relays each connection to the engine's unix socket. */
    static final class Relay implements AutoCloseable {
        private final ServerSocket server;

        Relay(Path socket) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread accept = new Thread(
                    () -> {
                        while (!server.isClosed()) {
                            try {
                                Socket client = server.accept();
                                SocketChannel engine = SocketChannel.open(UnixDomainSocketAddress.of(socket));
                                pump(client.getInputStream(), toChannel(engine), () -> engine.shutdownOutput());
                                pump(fromChannel(engine), client.getOutputStream(), client::shutdownOutput);
                            } catch (IOException e) {
                                return;
                            }
                        }
                    },
                    "tcp-relay");
            accept.setDaemon(true);
            accept.start();
        }

        /** Straight to the channel: Channels' streams share one lock, so a blocked read would hold up every write. */
        private static OutputStream toChannel(SocketChannel ch) {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                    while (buf.hasRemaining()) ch.write(buf);
                }
            };
        }

        private static InputStream fromChannel(SocketChannel ch) {
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return ch.read(ByteBuffer.wrap(b, off, len));
                }
            };
        }

        interface HalfClose {
            void run() throws IOException;
        }

        private static void pump(InputStream in, OutputStream out, HalfClose done) {
            Thread t = new Thread(
                    () -> {
                        try {
                            in.transferTo(out);
                            out.flush();
                            done.run();
                        } catch (IOException ended) {
                            // one side closed
                        }
                    },
                    "tcp-relay-pump");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
