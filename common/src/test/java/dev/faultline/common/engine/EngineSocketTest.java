package dev.faultline.common.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.management.ManagementFactory;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine client against a real unix socket whose other end answers as told, or never. */
class EngineSocketTest {
    private static final Duration MINUTE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private ServerSocketChannel server;
    private Thread acceptor;
    private final List<SocketChannel> accepted = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws Exception {
        if (acceptor != null) acceptor.interrupt();
        if (server != null) server.close();
        for (SocketChannel c : accepted) c.close();
    }

    /** An engine that reads each request's head, then writes {@code answer} (nothing if null) and keeps the line. */
    private EngineSocket engine(String answer) throws IOException {
        Path sock = dir.resolve("engine.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(sock));
        acceptor = new Thread(() -> {
            try {
                while (true) {
                    SocketChannel c = server.accept();
                    accepted.add(c);
                    readHead(c);
                    if (answer != null) c.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.ISO_8859_1)));
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        return new EngineSocket(EngineEndpoint.parse("unix://" + sock), "test");
    }

    private static void readHead(SocketChannel c) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            one.clear();
            if (c.read(one) < 0) return;
            head.write(one.array()[0]);
        }
    }

    /** Runs {@code call} on a thread interrupted after 300 ms; what it threw, once it ended within 2 s of that. */
    private static Throwable interruptedDuring(Call call) throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean flagAfter = new AtomicBoolean();
        Thread t = new Thread(() -> {
            try {
                call.run();
            } catch (Throwable e) {
                thrown.set(e);
            }
            flagAfter.set(Thread.currentThread().isInterrupted());
        });
        t.setDaemon(true); // a call that spins to its deadline must not hold the build
        t.start();
        Thread.sleep(300);
        long cpuBefore = cpu(t);
        t.interrupt();
        t.join(2000);
        assertFalse(
                t.isAlive(),
                "still in the call 2 s after the interrupt, " + (cpu(t) - cpuBefore) / 1_000_000 + " ms of CPU since");
        assertTrue(flagAfter.get(), "the interrupt flag is set again");
        return thrown.get();
    }

    private static long cpu(Thread t) {
        return ManagementFactory.getThreadMXBean().getThreadCpuTime(t.getId());
    }

    interface Call {
        void run() throws Exception;
    }

    @Test
    void anInterruptedCallEndsAtOnceInsteadOfSpinningToItsDeadline() throws Exception {
        EngineSocket engine = engine(null);
        Throwable e = interruptedDuring(() -> engine.exchange("GET", "/info", "", MINUTE, MINUTE));
        assertInstanceOf(InterruptedIOException.class, e);
        assertFalse(e instanceof SocketTimeoutException, "an interrupt is no timeout");
    }

    @Test
    void aCallOnAnAlreadyInterruptedThreadEndsAtOnce() throws Exception {
        EngineSocket engine = engine(null);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            Thread.currentThread().interrupt();
            try {
                engine.exchange("GET", "/info", "", MINUTE, MINUTE);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.setDaemon(true); // a call that spins to its deadline must not hold the build
        t.start();
        t.join(2000);
        assertFalse(t.isAlive(), "still in the call after 2 s");
        assertInstanceOf(InterruptedIOException.class, thrown.get());
    }

    @Test
    void anInterruptedAttachOrStreamEndsAtOnce() throws Exception {
        EngineSocket engine = engine(null);
        assertInstanceOf(
                InterruptedIOException.class,
                interruptedDuring(() -> engine.attach("/containers/x/attach", MINUTE, MINUTE)));
        assertInstanceOf(
                InterruptedIOException.class,
                interruptedDuring(() -> engine.stream("/events", MINUTE, MINUTE, () -> {}, l -> {})));
    }

    @Test
    void attachAndStreamFailAtTheirDeadlineWhenTheEngineNeverAnswers() throws Exception {
        EngineSocket engine = engine(null);
        Duration half = Duration.ofMillis(500);
        long start = System.nanoTime();
        SocketTimeoutException e =
                assertThrows(SocketTimeoutException.class, () -> engine.attach("/containers/x/attach", MINUTE, half));
        assertEquals("no answer to POST /containers/x/attach within 500 ms", e.getMessage());
        e = assertThrows(SocketTimeoutException.class, () -> engine.stream("/events", MINUTE, half, () -> {}, l -> {}));
        assertEquals("no answer to GET /events within 500 ms", e.getMessage());
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 1000 && ms < 5000, ms + " ms for two 500 ms deadlines");
    }

    @Test
    void attachHandsOverTheStreamRightAfterTheHead() throws Exception {
        byte[] frame = {1, 0, 0, 0, 0, 0, 0, 2, 'h', 'i'};
        EngineSocket engine = engine("HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"
                + new String(frame, StandardCharsets.ISO_8859_1));
        try (AttachStream s = engine.attach("/containers/x/attach", MINUTE, MINUTE)) {
            s.stdin().write("ls\n".getBytes(StandardCharsets.US_ASCII));
            byte[] two = s.output().readNBytes(2);
            assertEquals("hi", new String(two, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void attachRefusesAnotherStatusNamingIt() throws Exception {
        EngineSocket engine = engine("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        IOException e = assertThrows(IOException.class, () -> engine.attach("/containers/x/attach", MINUTE, MINUTE));
        assertEquals("POST /containers/x/attach: status 404 HTTP/1.1 404 Not Found", e.getMessage());
    }

    @Test
    void streamGivesEveryLineAfterTheHead() throws Exception {
        EngineSocket engine = engine("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "c\r\n{\"a\":1}\n{\"b\"\r\n" + "4\r\n:2}\n\r\n0\r\n\r\n");
        List<String> lines = new ArrayList<>();
        AtomicBoolean opened = new AtomicBoolean();
        Thread closer = new Thread(() -> {
            try {
                Thread.sleep(500);
                for (SocketChannel c : accepted) c.close(); // the engine ends the stream
            } catch (Exception ignored) {
                // the test fails on its lines
            }
        });
        closer.start();
        engine.stream("/events", MINUTE, MINUTE, () -> opened.set(true), lines::add);
        closer.join();
        assertTrue(opened.get());
        assertEquals(List.of("{\"a\":1}", "{\"b\":2}"), lines);
    }
}
