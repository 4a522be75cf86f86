package dev.faultline.sidecar.runtime.docker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The few Engine API calls on the hot path (list, inspect, kill, the event stream), spoken as plain HTTP/1.1 on the
 * engine's unix socket. docker-java with Jackson costs some 1,200 classes and half a second of a command's start;
 * these calls need a request line and a small JSON reader. One connection per call, closed by the engine.
 */
public final class EngineApi {
    /** docker-java's bounds: a connect within 5 s, an answer within 60 s. */
    private static final Duration CONNECT = Duration.ofSeconds(5);
    private static final Duration ANSWER = Duration.ofSeconds(60);

    private final Path socket;

    private EngineApi(Path socket) {
        this.socket = socket;
    }

    /** For {@code unix:///path}; null for other hosts (tcp://), which keep docker-java. */
    public static EngineApi forHost(String host) {
        return host.startsWith("unix://") ? new EngineApi(Path.of(host.substring("unix://".length()))) : null;
    }

    /** An answer: its status and its body (de-chunked). */
    public record Answer(int status, String body) {
        boolean ok() {
            return status / 100 == 2;
        }

        /** A container that went away, or is already in the state asked for: what {@link Engine#tolerateGone} tolerates. */
        boolean gone() {
            return status == 404 || status == 409;
        }

        /** The engine's own message, as docker-java reports it. */
        RuntimeException failure() {
            return new IllegalStateException("Status " + status + ": " + body.strip());
        }
    }

    public Answer get(String path) {
        return call("GET", path);
    }

    public Answer post(String path) {
        return call("POST", path);
    }

    /** {@code POST path} with a JSON body (a container's create). */
    public Answer post(String path, String json) {
        return call("POST", path, json);
    }

    public Answer delete(String path) {
        return call("DELETE", path);
    }

    public static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private Answer call(String method, String path) {
        return call(method, path, "");
    }

    private Answer call(String method, String path, String json) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX); Selector sel = Selector.open()) {
            ch.configureBlocking(false);
            ch.register(sel, SelectionKey.OP_CONNECT);
            if (!ch.connect(UnixDomainSocketAddress.of(socket))) {
                if (sel.select(CONNECT.toMillis()) == 0) throw new IllegalStateException("unix://" + socket + ": no connection within " + CONNECT.toSeconds() + " s");
                ch.finishConnect();
            }
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            ByteBuffer out = ByteBuffer.wrap(concat((method + " " + path + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: faultline-sidecar\r\n"
                    + (body.length > 0 ? "Content-Type: application/json\r\n" : "")
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII), body));
            while (out.hasRemaining()) ch.write(out); // a few kilobytes at most: the socket buffer takes them at once
            ch.keyFor(sel).interestOps(SelectionKey.OP_READ);
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(16384);
            long deadline = System.nanoTime() + ANSWER.toNanos();
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0 || sel.select(left) == 0 && System.nanoTime() >= deadline)
                    throw new IllegalStateException("unix://" + socket + ": no answer to " + method + " " + path + " within " + ANSWER.toSeconds() + " s");
                sel.selectedKeys().clear();
                int n = ch.read(in);
                if (n < 0) break;
                all.write(in.array(), 0, in.position());
                in.clear();
            }
            return parse(all.toByteArray());
        } catch (IOException e) {
            throw new IllegalStateException("unix://" + socket + ": " + e.getMessage(), e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /**
     * {@code POST path} upgraded to a raw stream, as {@code docker attach} does: the engine answers 101 and the
     * connection then carries the container's stdin one way and its multiplexed stdout and stderr the other.
     * A blocking channel, so a caller that may be interrupted must clear its flag first (an interrupt closes it).
     */
    public AttachStream attach(String path) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap(("POST " + path + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: faultline-sidecar\r\n"
                    + "Content-Length: 0\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            ByteBuffer one = ByteBuffer.allocate(1); // byte by byte up to the blank line: what follows is the stream's
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                one.clear();
                if (ch.read(one) < 0) throw new IOException("POST " + path + ": the engine closed the connection before it answered");
                head.write(one.array()[0]);
                if (head.size() > 16384) throw new IOException("POST " + path + ": an answer head of more than 16 KiB");
            }
            String status = head.toString(StandardCharsets.ISO_8859_1);
            int code = status.startsWith("HTTP/1.") && status.length() >= 12 ? Integer.parseInt(status.substring(9, 12)) : -1;
            if (code != 101 && code != 200) throw new IOException("POST " + path + ": status " + code + " " + status.lines().findFirst().orElse(""));
            return new AttachStream(ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Status line, headers, then the body: as sent, or de-chunked. */
    static Answer parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0 || !text.startsWith("HTTP/1.")) throw new IllegalStateException("the engine's answer is not HTTP");
        String head = text.substring(0, end);
        int status = Integer.parseInt(head.substring(9, 12));
        byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        if (head.toLowerCase(Locale.ROOT).contains("\r\ntransfer-encoding: chunked")) body = dechunk(body);
        return new Answer(status, new String(body, StandardCharsets.UTF_8));
    }

    static byte[] dechunk(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < b.length) {
            int eol = indexOfCrlf(b, i);
            if (eol < 0) break;
            String size = new String(b, i, eol - i, StandardCharsets.US_ASCII);
            int semi = size.indexOf(';');
            int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).strip(), 16);
            if (n == 0) break;
            int from = eol + 2;
            out.write(b, from, Math.min(n, b.length - from));
            i = from + n + 2;
        }
        return out.toByteArray();
    }

    private static int indexOfCrlf(byte[] b, int from) {
        for (int i = from; i + 1 < b.length; i++) if (b[i] == '\r' && b[i + 1] == '\n') return i;
        return -1;
    }

    /**
     * Reads {@code GET path} as a stream of JSON lines (the event stream) until the engine closes it or the thread
     * is interrupted; each complete line goes to {@code onLine}. {@code onOpen} runs once the engine has answered.
     * Returns normally when the stream ends; throws when it could not be opened.
     */
    public void stream(String path, Runnable onOpen, Consumer<String> onLine) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap(("GET " + path + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: faultline-sidecar\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII)));
            ChunkedLines lines = new ChunkedLines(onLine);
            ByteBuffer in = ByteBuffer.allocate(8192);
            boolean opened = false;
            while (ch.read(in) >= 0) {
                lines.feed(in.array(), in.position());
                in.clear();
                if (!opened && lines.status() > 0) {
                    if (lines.status() != 200) throw new IOException("GET " + path + ": status " + lines.status());
                    opened = true;
                    onOpen.run();
                }
            }
        }
    }

    /** An HTTP answer with a chunked body, cut into the lines its chunks carry (a line may span chunks). */
    static final class ChunkedLines {
        private final Consumer<String> onLine;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private final StringBuilder line = new StringBuilder();
        private int status;
        private boolean inBody;
        private int chunkLeft = -1; // -1: a size line comes next

        ChunkedLines(Consumer<String> onLine) {
            this.onLine = onLine;
        }

        int status() {
            return status;
        }

        void feed(byte[] b, int n) {
            pending.write(b, 0, n);
            byte[] buf = pending.toByteArray();
            int i = 0;
            if (!inBody) {
                String t = new String(buf, StandardCharsets.ISO_8859_1);
                int end = t.indexOf("\r\n\r\n");
                if (end < 0) return;
                status = Integer.parseInt(t.substring(9, 12));
                inBody = true;
                i = end + 4;
            }
            while (i < buf.length) {
                if (chunkLeft < 0) {
                    int eol = indexOfCrlf(buf, i);
                    if (eol < 0) break;
                    String size = new String(buf, i, eol - i, StandardCharsets.US_ASCII).strip();
                    i = eol + 2;
                    if (size.isEmpty()) continue; // the CRLF that ends a chunk
                    chunkLeft = Integer.parseInt(size, 16);
                } else {
                    int take = Math.min(chunkLeft, buf.length - i);
                    for (int k = i; k < i + take; k++) {
                        char c = (char) (buf[k] & 0xff);
                        if (c == '\n') {
                            String l = new String(line.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8).strip();
                            line.setLength(0);
                            if (!l.isEmpty()) onLine.accept(l);
                        } else {
                            line.append(c);
                        }
                    }
                    i += take;
                    chunkLeft -= take;
                    if (chunkLeft == 0) chunkLeft = -1;
                }
            }
            pending.reset();
            pending.write(buf, i, buf.length - i);
        }
    }
}
