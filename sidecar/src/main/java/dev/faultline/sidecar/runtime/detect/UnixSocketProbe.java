package dev.faultline.sidecar.runtime.detect;

import dev.faultline.common.engine.EngineAnswer;
import dev.faultline.common.engine.EngineEndpoint;
import dev.faultline.common.engine.EngineSocket;
import dev.faultline.sidecar.runtime.RuntimeEndpointException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One probe of a runtime's unix socket through the engine client ({@link EngineSocket}), bounded by a deadline that
 * covers the connect too: a unix connect can hang (full backlog of a hung runtime). Failures are said in the words an
 * operator acts on.
 */
final class UnixSocketProbe {
    private UnixSocketProbe() {}

    /** Whether anything listens there: a connect, closed again. */
    static void connect(Path socket, Duration deadline) {
        EngineSocket s = socket(socket);
        try {
            s.connectOnly(deadline);
        } catch (IOException e) {
            throw failure(s, e, deadline);
        }
    }

    /** {@code GET path} and its answer (any status; status -1 when it is not HTTP). */
    static EngineAnswer get(Path socket, String path, Duration deadline) {
        EngineSocket s = socket(socket);
        try {
            return s.exchange("GET", path, "", deadline, deadline);
        } catch (IOException e) {
            throw failure(s, e, deadline);
        }
    }

    private static EngineSocket socket(Path socket) {
        return new EngineSocket(EngineEndpoint.parse("unix://" + socket), "faultline-sidecar");
    }

    private static RuntimeEndpointException failure(EngineSocket s, IOException cause, Duration deadline) {
        String endpoint = s.endpoint().uri();
        if (cause instanceof SocketTimeoutException) {
            return new RuntimeEndpointException(
                    endpoint,
                    "the socket exists but nothing answered within " + deadline.toMillis()
                            + " ms (a hung or stopped runtime?)");
        }
        if (cause instanceof ConnectException
                || cause.getMessage() != null && cause.getMessage().contains("refused")) {
            return new RuntimeEndpointException(
                    endpoint,
                    "the socket exists but nothing listens on it "
                            + "(connection refused): a stale socket of a runtime that is not running?",
                    cause);
        }
        if (cause instanceof SocketException
                && String.valueOf(cause.getMessage()).contains("ermission")) {
            return new RuntimeEndpointException(
                    endpoint, "permission denied (the sidecar needs root or the socket's group)", cause);
        }
        return new RuntimeEndpointException(endpoint, "cannot talk to it: " + cause, cause);
    }
}
