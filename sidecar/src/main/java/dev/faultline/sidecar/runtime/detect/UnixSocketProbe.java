package dev.faultline.sidecar.runtime.detect;

import dev.faultline.sidecar.runtime.RuntimeEndpointException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One exchange on a unix socket, bounded by a deadline. A blocking channel on its own daemon thread, closed when the
 * deadline passes: a unix connect can block (full backlog of a hung runtime) and blocking reads have no timeout.
 */
final class UnixSocketProbe {
    private UnixSocketProbe() {
    }

    /** Connects, sends {@code request} (none if empty) and returns what came back until EOF or {@code max} bytes. */
    static String exchange(Path socket, String request, int max, Duration deadline) {
        String endpoint = "unix://" + socket;
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            throw new RuntimeEndpointException(endpoint, "cannot open a unix socket: " + e.getMessage(), e);
        }
        CompletableFuture<String> answer = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
                if (request.isEmpty()) { answer.complete(""); return; }
                channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
                ByteBuffer in = ByteBuffer.allocate(max);
                while (in.hasRemaining() && channel.read(in) >= 0) { /* until EOF or full */ }
                answer.complete(new String(in.array(), 0, in.position(), StandardCharsets.ISO_8859_1));
            } catch (Throwable e) {
                answer.completeExceptionally(e);
            }
        }, "faultline-probe");
        t.setDaemon(true);
        t.start();
        try {
            return answer.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new RuntimeEndpointException(endpoint, "the socket exists but nothing answered within " + deadline.toMillis()
                    + " ms (a hung or stopped runtime?)");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ConnectException || cause.getMessage() != null && cause.getMessage().contains("refused"))
                throw new RuntimeEndpointException(endpoint, "the socket exists but nothing listens on it (connection refused): "
                        + "a stale socket of a runtime that is not running?", cause);
            if (cause instanceof java.net.SocketException && String.valueOf(cause.getMessage()).contains("ermission"))
                throw new RuntimeEndpointException(endpoint, "permission denied (the sidecar needs root or the socket's group)", cause);
            throw new RuntimeEndpointException(endpoint, "cannot talk to it: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeEndpointException(endpoint, "interrupted while probing");
        } finally {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to keep
            }
        }
    }
}
