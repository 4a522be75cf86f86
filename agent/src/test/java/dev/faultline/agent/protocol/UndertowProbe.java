package dev.faultline.agent.protocol;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.ConnectorStatistics;
import io.undertow.server.handlers.BlockingHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * {@link ServletProbeApp}'s Undertow server, on Undertow's own API (no servlet layer): one blocking handler that reads
 * the request body and answers {@code ok <verb> <path>}. Undertow's connector statistics, kept by its listener
 * outside the handler chain, are the server's metrics here: every request completed, every 500 sent.
 */
final class UndertowProbe {
    final Undertow server;
    final int port;
    private int handled;

    UndertowProbe() {
        server = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                .setServerOption(UndertowOptions.ENABLE_STATISTICS, true)
                .setHandler(new BlockingHandler(exchange -> {
                    exchange.getInputStream().readAllBytes();
                    synchronized (this) {
                        handled++;
                    }
                    exchange.getResponseSender()
                            .send(
                                    "ok " + exchange.getRequestMethod() + " " + exchange.getRequestPath(),
                                    StandardCharsets.UTF_8);
                }))
                .build();
        server.start();
        port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    /** {@code handled=<n> requests=<n> 500=<n>} since the last call. */
    String take() throws InterruptedException {
        ConnectorStatistics stats = server.getListenerInfo().get(0).getConnectorStatistics();
        Thread.sleep(200); // a request's statistics are kept once its response is written, after the client has it
        synchronized (this) {
            String out =
                    "handled=" + handled + " requests=" + stats.getRequestCount() + " 500=" + stats.getErrorCount();
            handled = 0;
            stats.reset();
            return out;
        }
    }
}
