package dev.faultline.agent.protocol;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import dev.faultline.agent.bootstrap.Action;
import dev.faultline.agent.bootstrap.Effect;
import dev.faultline.agent.bootstrap.Exemption;
import dev.faultline.agent.bootstrap.FaultRule;
import dev.faultline.agent.bootstrap.InternalErrors;
import dev.faultline.agent.bootstrap.Pause;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code on=http-server} for the JDK's {@code com.sun.net.httpserver}: a latency rule delays the request before its
 * handler runs; an error rule answers through the exchange itself (status, headers, body, then close), as the handler
 * would, so keep-alive, chunking and the server's own bookkeeping stay the server's.
 */
final class JdkHttpServerFaults {
    private JdkHttpServerFaults() {}

    static boolean handle(FaultRule[] rules, Object exchangeObject) throws IOException {
        HttpExchange exchange = (HttpExchange) exchangeObject;
        Effect.HttpStatus answer = null;
        try {
            int localPort = exchange.getLocalAddress().getPort();
            if (Exemption.isExempt(localPort)) return false; // the agent's own metrics endpoint
            String verb = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            for (FaultRule rule : rules) {
                if (!rule.where().matchesHttp(verb, path, null, localPort) || !rule.fire()) continue;
                if (rule.action() == Action.LATENCY) {
                    Pause.delay(rule, rule.delayNanos());
                } else if (rule.spec().effect() instanceof Effect.HttpStatus status) {
                    answer = status;
                    break;
                }
            }
        } catch (Throwable t) {
            InternalErrors.report(t);
            return false;
        }
        if (answer == null) return false;
        respond(exchange, answer); // an IOException here is the peer's (gone): the server handles it as a handler's
        return true;
    }

    private static void respond(HttpExchange exchange, Effect.HttpStatus answer) throws IOException {
        Headers headers = exchange.getResponseHeaders();
        for (int i = 0; i < answer.headers().size(); i++) headers.add(answer.headerName(i), answer.headerValue(i));
        byte[] body = answer.body() == null ? new byte[0] : answer.body().getBytes(StandardCharsets.UTF_8);
        boolean bodyless = answer.status() == 204
                || answer.status() == 304
                || "HEAD".equalsIgnoreCase(exchange.getRequestMethod())
                || body.length == 0;
        if (!bodyless && !headers.containsKey("Content-Type")) headers.set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(answer.status(), bodyless ? -1 : body.length);
        if (!bodyless) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close(); // drains what is left of the request body, so the connection is kept alive
    }
}
