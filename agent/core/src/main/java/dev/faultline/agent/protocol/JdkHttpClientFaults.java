package dev.faultline.agent.protocol;

import dev.faultline.agent.bootstrap.Action;
import dev.faultline.agent.bootstrap.Effect;
import dev.faultline.agent.bootstrap.Exemption;
import dev.faultline.agent.bootstrap.FaultRule;
import dev.faultline.agent.bootstrap.InternalErrors;
import dev.faultline.agent.bootstrap.ThrowableFactory;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code on=http-client} for the JDK's {@code java.net.http.HttpClient}. An error rule answers before the request
 * leaves: a {@link SyntheticHttpResponse} (the client's own {@code HttpResponse}, its body made by the caller's own
 * {@code BodyHandler}), or the failure a refused connection gives. A latency rule holds the real response back until
 * the delay has passed since the send; past the request's own {@code timeout()} it fails as the client does then,
 * with {@link HttpTimeoutException}, and the real exchange is cancelled.
 */
final class JdkHttpClientFaults {
    private JdkHttpClientFaults() {}

    static Object send(FaultRule[] rules, Object client, Object requestObject, Object handlerObject) {
        try {
            if (Exemption.isAgentThread()) return null;
            HttpRequest request = (HttpRequest) requestObject;
            for (FaultRule rule : rules) {
                if (rule.action() != Action.ERROR || !matches(rule, request) || !rule.fire()) continue;
                if (rule.spec().effect() instanceof Effect.HttpStatus status) {
                    return SyntheticHttpResponse.of(
                            (HttpClient) client, request, (HttpResponse.BodyHandler<?>) handlerObject, status);
                }
                return CompletableFuture.failedFuture(failure(rule, request));
            }
        } catch (Throwable t) {
            InternalErrors.report(t);
        }
        return null;
    }

    static Object sent(FaultRule[] rules, Object requestObject, Object futureObject) {
        try {
            if (Exemption.isAgentThread()) return futureObject;
            HttpRequest request = (HttpRequest) requestObject;
            for (FaultRule rule : rules) {
                if (rule.action() != Action.LATENCY || !matches(rule, request) || !rule.fire()) continue;
                return delayed((CompletableFuture<?>) futureObject, request, rule.delayNanos());
            }
        } catch (Throwable t) {
            InternalErrors.report(t);
        }
        return futureObject;
    }

    private static <T> CompletableFuture<T> delayed(CompletableFuture<T> real, HttpRequest request, long delayNanos) {
        long timeout = request.timeout().map(Duration::toNanos).orElse(Long.MAX_VALUE);
        CompletableFuture<T> out = new CompletableFuture<>();
        if (timeout <= delayNanos) {
            // as a server slower than the timeout: the client gives up at its timeout and drops the exchange
            CompletableFuture.delayedExecutor(timeout, TimeUnit.NANOSECONDS).execute(() -> {
                if (out.completeExceptionally(new HttpTimeoutException("request timed out"))) real.cancel(true);
            });
            return out;
        }
        CompletableFuture<Void> elapsed = new CompletableFuture<>();
        CompletableFuture.delayedExecutor(delayNanos, TimeUnit.NANOSECONDS).execute(() -> elapsed.complete(null));
        elapsed.thenCompose(x -> real).whenComplete((v, t) -> {
            if (t != null) out.completeExceptionally(t);
            else out.complete(v);
        });
        return out;
    }

    private static boolean matches(FaultRule rule, HttpRequest request) {
        URI uri = request.uri();
        String path = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return rule.where().matchesHttp(request.method(), path, uri.getHost(), port);
    }

    private static Throwable failure(FaultRule rule, HttpRequest request) {
        ThrowableFactory f = rule.exceptions();
        String text = "injected by faultline " + rule.id() + ": " + request.method() + " " + request.uri();
        if (f.isHookDefault()) return new ConnectException(f.messageOr("Connection refused"));
        return f.create(text);
    }
}
