package dev.faultline.agent.protocol;

import dev.faultline.agent.bootstrap.Effect;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLSession;

/**
 * The response an {@code error on=http-client status=…} rule gives the JDK's {@code HttpClient}: an
 * {@link HttpResponse} whose body is what the caller's own {@link HttpResponse.BodyHandler} makes of the rule's body
 * (a String, bytes, a stream, a file …), delivered through the handler's subscriber as the client would deliver it.
 * No request left the process, so there is no TLS session ({@link #sslSession()} is empty) and no previous response.
 */
final class SyntheticHttpResponse<T> implements HttpResponse<T> {
    private final HttpRequest request;
    private final int status;
    private final HttpHeaders headers;
    private final HttpClient.Version version;
    private final T body;

    private SyntheticHttpResponse(
            HttpRequest request, int status, HttpHeaders headers, HttpClient.Version version, T body) {
        this.request = request;
        this.status = status;
        this.headers = headers;
        this.version = version;
        this.body = body;
    }

    static <T> CompletableFuture<HttpResponse<T>> of(
            HttpClient client, HttpRequest request, HttpResponse.BodyHandler<T> handler, Effect.HttpStatus answer) {
        byte[] bytes = answer.body() == null ? new byte[0] : answer.body().getBytes(StandardCharsets.UTF_8);
        Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < answer.headers().size(); i++) {
            map.computeIfAbsent(answer.headerName(i), k -> new ArrayList<>()).add(answer.headerValue(i));
        }
        if (bytes.length > 0) map.putIfAbsent("content-type", List.of("text/plain; charset=utf-8"));
        map.put("content-length", List.of(Integer.toString(bytes.length)));
        HttpHeaders headers = HttpHeaders.of(map, (k, v) -> true);
        // the version the request asks for, else the client's own (what it would have negotiated first)
        HttpClient.Version version = request.version().orElse(client.version());
        HttpResponse.ResponseInfo info = new HttpResponse.ResponseInfo() {
            public int statusCode() {
                return answer.status();
            }

            public HttpHeaders headers() {
                return headers;
            }

            public HttpClient.Version version() {
                return version;
            }
        };
        HttpResponse.BodySubscriber<T> subscriber = handler.apply(info);
        subscriber.onSubscribe(new Flow.Subscription() {
            private boolean done;

            @Override
            public synchronized void request(long n) {
                if (done || n <= 0) return;
                done = true;
                if (bytes.length > 0) subscriber.onNext(List.of(ByteBuffer.wrap(bytes)));
                subscriber.onComplete();
            }

            @Override
            public synchronized void cancel() {
                done = true;
            }
        });
        return subscriber
                .getBody()
                .toCompletableFuture()
                .thenApply(body -> new SyntheticHttpResponse<>(request, answer.status(), headers, version, body));
    }

    @Override
    public int statusCode() {
        return status;
    }

    @Override
    public HttpRequest request() {
        return request;
    }

    @Override
    public Optional<HttpResponse<T>> previousResponse() {
        return Optional.empty();
    }

    @Override
    public HttpHeaders headers() {
        return headers;
    }

    @Override
    public T body() {
        return body;
    }

    @Override
    public Optional<SSLSession> sslSession() {
        return Optional.empty();
    }

    @Override
    public URI uri() {
        return request.uri();
    }

    @Override
    public HttpClient.Version version() {
        return version;
    }

    @Override
    public String toString() {
        return "(" + request.method() + " " + request.uri() + ") " + status + " (injected by faultline)";
    }
}
