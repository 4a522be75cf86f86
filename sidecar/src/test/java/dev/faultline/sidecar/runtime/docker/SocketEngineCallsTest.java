package dev.faultline.sidecar.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The socket client's own handling of a failing engine, against a unix socket that plays the engine. */
class SocketEngineCallsTest {
    @TempDir
    Path dir;

    @Test
    void aStartThatFailsOutrightClosesTheAttachedStream() throws Exception {
        Path sock = dir.resolve("engine.sock");
        List<String> requests = new CopyOnWriteArrayList<>();
        AtomicInteger attachEnd = new AtomicInteger(); // 1 once the client closed the attach connection
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            Thread engine = new Thread(() -> serve(server, requests, attachEnd));
            engine.setDaemon(true);
            engine.start();
            SocketEngineCalls calls = new SocketEngineCalls("unix://" + sock);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> calls.createAttachStart("{}"));
            assertTrue(e.getMessage().endsWith("the engine's answer is not HTTP"), e.getMessage());
            engine.join(TimeUnit.SECONDS.toMillis(5));
            assertEquals(1, attachEnd.get(), "the attach connection is closed by the client");
            assertEquals(
                    List.of(
                            "POST /containers/create",
                            "POST /containers/c1/attach",
                            "POST /containers/c1/start",
                            "DELETE /containers/c1"),
                    requests.stream()
                            .map(r -> r.substring(0, r.indexOf('?') < 0 ? r.length() : r.indexOf('?')))
                            .toList());
        }
    }

    /** create: the id; attach: upgraded and held; start: the line dropped with no answer; remove: done. */
    private static void serve(ServerSocketChannel server, List<String> requests, AtomicInteger attachEnd) {
        SocketChannel attached = null;
        try {
            while (requests.size() < 4) {
                SocketChannel c = server.accept();
                String line = requestLine(c);
                requests.add(line);
                if (line.contains("/create")) {
                    answer(c, "HTTP/1.1 201 Created\r\nContent-Length: 11\r\n\r\n{\"Id\":\"c1\"}");
                } else if (line.contains("/attach")) {
                    c.write(ByteBuffer.wrap("HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII)));
                    attached = c;
                } else if (line.contains("/start")) {
                    c.close();
                } else {
                    answer(c, "HTTP/1.1 204 No Content\r\n\r\n");
                }
            }
            // the client holds no more calls: its end of the attach connection is closed, or it leaked
            attached.configureBlocking(false);
            ByteBuffer b = ByteBuffer.allocate(64);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < until) {
                if (attached.read(b) < 0) {
                    attachEnd.set(1);
                    break;
                }
                Thread.sleep(20);
            }
            attached.close();
        } catch (IOException | InterruptedException e) {
            // the assertions tell
        }
    }

    private static void answer(SocketChannel c, String text) throws IOException {
        c.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
        c.close();
    }

    /** Reads the request up to its body's end (Content-Length) and gives its method and path. */
    private static String requestLine(SocketChannel c) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            one.clear();
            if (c.read(one) < 0) break;
            head.write(one.array()[0]);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String l : h.split("\r\n")) {
            if (l.toLowerCase().startsWith("content-length:"))
                length = Integer.parseInt(l.substring(15).strip());
        }
        c.read(ByteBuffer.allocate(Math.max(length, 1)).limit(length));
        String first = h.lines().findFirst().orElse("");
        return first.substring(0, first.lastIndexOf(' '));
    }
}
