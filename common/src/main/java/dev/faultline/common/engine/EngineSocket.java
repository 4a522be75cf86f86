package dev.faultline.common.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The Docker Engine API spoken as plain HTTP/1.1 with the JDK alone, on the engine's unix socket (or a plain
 * {@code tcp://} one): one connection per call, closed by the engine. docker-java with Jackson costs some 2,400
 * classes and half a second of a short command's start (BENCHMARKS.md); these calls need a request line, a chunked
 * decoder and a small JSON reader.
 */
public final class EngineSocket {
    private final EngineEndpoint endpoint;
    private final String userAgent;

    public EngineSocket(EngineEndpoint endpoint, String userAgent) {
        this.endpoint = endpoint;
        this.userAgent = userAgent;
    }

    public EngineEndpoint endpoint() {
        return endpoint;
    }

    /**
     * {@code method path} with a JSON body (none if empty). The connection must be made within {@code connect} and
     * the whole answer read within {@code answer} of the start; past either a {@link SocketTimeoutException} says
     * which. An interrupt ends the call with an {@link InterruptedIOException} (the thread's flag set again).
     */
    public EngineAnswer exchange(String method, String path, String json, Duration connect, Duration answer)
            throws IOException {
        long deadline = System.nanoTime() + answer.toNanos();
        try (SocketChannel ch = SocketChannel.open(endpoint.family());
                Selector sel = Selector.open()) {
            connect(ch, sel, connect.compareTo(answer) < 0 ? connect : answer);
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            String head = method + " " + path + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: " + userAgent + "\r\n"
                    + (body.length > 0 ? "Content-Type: application/json\r\n" : "")
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            byte[] request = head.getBytes(StandardCharsets.US_ASCII);
            ByteBuffer out = ByteBuffer.wrap(Arrays.copyOf(request, request.length + body.length));
            out.position(request.length);
            out.put(body).flip();
            ch.keyFor(sel).interestOps(SelectionKey.OP_WRITE);
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(16384);
            while (true) {
                await(sel, deadline, "no answer to " + method + " " + path + " within " + words(answer));
                if (out.hasRemaining()) {
                    ch.write(out);
                    if (!out.hasRemaining()) ch.keyFor(sel).interestOps(SelectionKey.OP_READ);
                    continue;
                }
                int n = ch.read(in);
                if (n < 0) break;
                all.write(in.array(), 0, in.position());
                in.clear();
            }
            return EngineAnswer.parse(all.toByteArray());
        }
    }

    /** Connects and closes again: whether anything listens, within {@code within}. */
    public void connectOnly(Duration within) throws IOException {
        try (SocketChannel ch = SocketChannel.open(endpoint.family());
                Selector sel = Selector.open()) {
            connect(ch, sel, within);
        }
    }

    private void connect(SocketChannel ch, Selector sel, Duration within) throws IOException {
        ch.configureBlocking(false);
        ch.register(sel, SelectionKey.OP_CONNECT);
        if (ch.connect(endpoint.address())) return;
        // a unix socket with a full backlog (a hung engine) never completes: the deadline decides
        long deadline = System.nanoTime() + within.toNanos();
        String late = "no connection within " + words(within);
        do await(sel, deadline, late);
        while (!ch.finishConnect());
    }

    /**
     * Waits for the selector's key within the deadline. An interrupted thread's {@code select} returns at once, so
     * the interrupt is checked here, or the caller would spin on non-blocking reads until the deadline.
     */
    private static void await(Selector sel, long deadline, String late) throws IOException {
        while (true) {
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) throw new SocketTimeoutException(late);
            int ready = sel.select(left);
            sel.selectedKeys().clear();
            if (ready > 0) return;
        }
    }

    /**
     * Connects and sends {@code request}, then reads the answer's head (up to its blank line, nothing past it) under
     * the same deadlines as {@link #exchange}; the channel is left blocking for the caller's stream.
     */
    private String head(SocketChannel ch, String request, Duration connect, Duration answer) throws IOException {
        long deadline = System.nanoTime() + answer.toNanos();
        String what = request.substring(0, request.indexOf(" HTTP/1.1"));
        try (Selector sel = Selector.open()) {
            connect(ch, sel, connect.compareTo(answer) < 0 ? connect : answer);
            String late = "no answer to " + what + " within " + words(answer);
            ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
            ch.keyFor(sel).interestOps(SelectionKey.OP_WRITE);
            while (out.hasRemaining()) {
                await(sel, deadline, late);
                ch.write(out);
            }
            ch.keyFor(sel).interestOps(SelectionKey.OP_READ);
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            ByteBuffer one = ByteBuffer.allocate(1); // byte by byte up to the blank line: what follows is the stream's
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                one.clear();
                int n = ch.read(one);
                if (n < 0) throw new IOException(what + ": the engine closed the connection before it answered");
                if (n == 0) {
                    await(sel, deadline, late);
                    continue;
                }
                head.write(one.array()[0]);
                if (head.size() > 16384) throw new IOException(what + ": an answer head of more than 16 KiB");
            }
            ch.keyFor(sel).cancel();
            sel.selectNow(); // deregisters the key, which configureBlocking requires
            ch.configureBlocking(true);
            return head.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * {@code POST path} upgraded to a raw stream, as {@code docker attach} does: the engine answers 101 and the
     * connection then carries the container's stdin one way and its multiplexed stdout and stderr the other. The
     * connection and the answer's head come within {@code connect} and {@code answer}, as for {@link #exchange}.
     * A blocking channel, so a caller that may be interrupted must clear its flag first (an interrupt closes it).
     */
    public AttachStream attach(String path, Duration connect, Duration answer) throws IOException {
        SocketChannel ch = SocketChannel.open(endpoint.family());
        try {
            String status = head(
                    ch,
                    "POST " + path + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: " + userAgent + "\r\n"
                            + "Content-Length: 0\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n",
                    connect,
                    answer);
            int code = EngineAnswer.status(status);
            if (code != 101 && code != 200) {
                String line = status.lines().findFirst().orElse("");
                throw new IOException("POST " + path + ": status " + code + " " + line);
            }
            return new AttachStream(ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Reads {@code GET path} as a stream of JSON lines (the event stream) until the engine closes it or the thread
     * is interrupted; each complete line goes to {@code onLine}. {@code onOpen} runs once the engine has answered,
     * which it must within {@code connect} and {@code answer} as for {@link #exchange}; the stream itself has no
     * deadline. Returns normally when the stream ends; throws when it could not be opened.
     */
    public void stream(String path, Duration connect, Duration answer, Runnable onOpen, Consumer<String> onLine)
            throws IOException {
        try (SocketChannel ch = SocketChannel.open(endpoint.family())) {
            String request = "GET " + path + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: " + userAgent + "\r\n\r\n";
            byte[] head = head(ch, request, connect, answer).getBytes(StandardCharsets.ISO_8859_1);
            LineStream lines = new LineStream(path, onOpen, onLine);
            lines.feed(head, head.length);
            ByteBuffer in = ByteBuffer.allocate(8192);
            while (ch.read(in) >= 0) {
                lines.feed(in.array(), in.position());
                in.clear();
            }
        }
    }

    /** A streamed answer: its head, then its body (chunked or not) cut into the lines it carries. */
    static final class LineStream {
        private final String path;
        private final Runnable onOpen;
        private final ByteArrayOutputStream head = new ByteArrayOutputStream();
        private final Lines lines;
        private ChunkedDecoder chunks; // null until the head is read; then the body's decoder
        private OutputStream body;

        LineStream(String path, Runnable onOpen, Consumer<String> onLine) {
            this.path = path;
            this.onOpen = onOpen;
            this.lines = new Lines(onLine);
        }

        void feed(byte[] b, int n) throws IOException {
            int i = 0;
            if (body == null) {
                while (i < n && body == null) {
                    head.write(b[i++]);
                    if (head.size() >= 4
                            && head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) open();
                }
            }
            if (chunks != null) chunks.feed(b, i, n - i);
            else if (body != null) body.write(b, i, n - i);
        }

        private void open() throws IOException {
            String h = head.toString(StandardCharsets.ISO_8859_1);
            int status = EngineAnswer.status(h);
            if (status != 200) throw new IOException("GET " + path + ": status " + status);
            body = lines;
            if (EngineAnswer.chunked(h)) chunks = new ChunkedDecoder(lines);
            onOpen.run();
        }
    }

    /** Bytes cut into non-blank UTF-8 lines. */
    static final class Lines extends OutputStream {
        private final Consumer<String> onLine;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        Lines(Consumer<String> onLine) {
            this.onLine = onLine;
        }

        @Override
        public void write(int b) {
            if (b != '\n') {
                line.write(b);
                return;
            }
            String l = line.toString(StandardCharsets.UTF_8).strip();
            line.reset();
            if (!l.isEmpty()) onLine.accept(l);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) write(b[i]);
        }
    }

    /** 5 s, or 2500 ms. */
    static String words(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
